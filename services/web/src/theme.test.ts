import { afterEach, describe, expect, it, vi } from 'vitest';
import { applySavedColorScheme } from './theme';

afterEach(() => localStorage.clear());

describe('applySavedColorScheme', () => {
  const scheme = () => document.documentElement.getAttribute('data-mantine-color-scheme');

  it('puts the agent’s saved choice on the page before the first render', () => {
    localStorage.setItem('mantine-color-scheme-value', 'dark');
    applySavedColorScheme();
    expect(scheme()).toBe('dark');
  });

  it('follows the system when nothing, or auto, was chosen', () => {
    const prefersDark = vi.spyOn(window, 'matchMedia').mockReturnValue({ matches: true } as MediaQueryList);
    localStorage.setItem('mantine-color-scheme-value', 'auto');
    applySavedColorScheme();
    expect(scheme()).toBe('dark');
    prefersDark.mockReturnValue({ matches: false } as MediaQueryList);
    localStorage.clear();
    applySavedColorScheme();
    expect(scheme()).toBe('light');
  });
});
