import { describe, expect, it } from 'vitest';
import { newestLoads } from './latest';

describe('newestLoads', () => {
  it('drops an answer that arrives after a newer one was applied', () => {
    const begin = newestLoads();
    const older = begin();
    const newer = begin();
    expect(newer.apply()).toBe(true);
    expect(older.superseded()).toBe(true);
    expect(older.apply()).toBe(false);
  });

  it('applies answers that arrive in order, each replacing the last', () => {
    const begin = newestLoads();
    const first = begin();
    const second = begin();
    expect(first.apply()).toBe(true);
    expect(second.apply()).toBe(true);
    expect(begin().apply()).toBe(true);
  });

  it('still applies an older answer when the newer load failed', () => {
    const begin = newestLoads();
    const older = begin();
    const failed = begin();
    expect(failed.superseded()).toBe(false);
    expect(older.apply()).toBe(true);
    expect(failed.superseded()).toBe(false);
  });

  it('keeps separate counts per component', () => {
    const a = newestLoads();
    const b = newestLoads();
    const first = a();
    b().apply();
    b().apply();
    expect(first.apply()).toBe(true);
  });
});
