import { ReportDayCache, type KeptDay, type KeptRow } from './report-day-cache';

const row = (values: number): KeptRow => ({
  kind: 'first_response',
  inboxId: 'inb_1',
  teamId: null,
  agentId: null,
  channel: 'email',
  n: values,
  total: 0,
  promoters: 0,
  detractors: 0,
  durations: new Int32Array(values),
  hours: null,
});
const day = (version: string, values = 10): KeptDay => ({ version, rows: [row(values)] });

describe('the cache of kept report days', () => {
  it('answers a day only at the version it was kept at', () => {
    const cache = new ReportDayCache(1 << 20);
    const key = ReportDayCache.key('acc_1', 'day', '2026-12-01');
    cache.set(key, day('7'));
    expect(cache.get(key, '7')?.rows).toHaveLength(1);
    expect(cache.get(key, '8')).toBeUndefined();
    expect(cache.get(ReportDayCache.key('acc_2', 'day', '2026-12-01'), '7')).toBeUndefined();
    cache.set(key, day('8'));
    expect(cache.get(key, '7')).toBeUndefined();
    expect(cache.size.days).toBe(1);
  });

  it('drops the least recently used days past its limit in bytes until a tenth is free, and keeps nothing larger than the limit', () => {
    // Each day: 64 + 200 bookkeeping + 4 bytes a value; the limit holds ten.
    const cache = new ReportDayCache(10 * 664);
    const keys = Array.from({ length: 11 }, (_, i) => ReportDayCache.key('acc_1', 'day', `d${i}`));
    for (const key of keys.slice(0, 10)) cache.set(key, day('1', 100));
    expect(cache.size).toEqual({ days: 10, bytes: 10 * 664 });
    // d0 and d2 read again: d1 and d3 are now the least recently used.
    expect(cache.get(keys[0], '1')).toBeDefined();
    expect(cache.get(keys[2], '1')).toBeDefined();
    cache.set(keys[10], day('1', 100));
    // Eleven days over a limit of ten: down to nine, a tenth under it.
    expect(cache.size).toEqual({ days: 9, bytes: 9 * 664 });
    expect(keys.map((k) => cache.get(k, '1') !== undefined)).toEqual([true, false, true, false, true, true, true, true, true, true, true]);
    cache.set(ReportDayCache.key('acc_1', 'day', 'huge'), day('1', 100_000));
    expect(cache.size.days).toBe(9);
    expect(new ReportDayCache(0).size.days).toBe(0);
  });
});
