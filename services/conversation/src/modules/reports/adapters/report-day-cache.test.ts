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

  it('drops the least recently used days past its limit in bytes, and keeps nothing larger than the limit', () => {
    // Each day: 64 + 200 bookkeeping + 4 bytes a value.
    const cache = new ReportDayCache(3 * (264 + 400));
    const keys = ['a', 'b', 'c', 'd'].map((d) => ReportDayCache.key('acc_1', 'day', d));
    for (const key of keys.slice(0, 3)) cache.set(key, day('1', 100));
    expect(cache.get(keys[0], '1')).toBeDefined(); // a is now the most recent
    cache.set(keys[3], day('1', 100));
    expect(cache.get(keys[1], '1')).toBeUndefined();
    expect([keys[0], keys[2], keys[3]].map((k) => cache.get(k, '1') !== undefined)).toEqual([true, true, true]);
    expect(cache.size).toEqual({ days: 3, bytes: 3 * 664 });
    cache.set(ReportDayCache.key('acc_1', 'day', 'huge'), day('1', 10_000));
    expect(cache.size.days).toBe(3);
    expect(new ReportDayCache(0).size.days).toBe(0);
  });
});
