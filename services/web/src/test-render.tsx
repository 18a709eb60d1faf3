// Components render inside the app's theme in tests as in the browser.
import { render as renderBare, type RenderOptions } from '@testing-library/react';
import type { ReactElement } from 'react';
import { ThemeProvider } from './theme';

export function render(ui: ReactElement, options?: Omit<RenderOptions, 'wrapper'>) {
  return renderBare(ui, { wrapper: ThemeProvider, ...options });
}
