import { INBOX, TextIds, keptRows } from './kept-rows';
import { ReportDayCache, type KeptDay } from './report-day-cache';

const day = (version: string, values = 10): KeptDay => ({
  version,
  rows: keptRows(
    [{ kind: 'first_response', inbox_id: 'inb_1', team_id: null, agent_id: null, channel: 'email', n: values, total: 0, promoters: 0, detractors: 0, packed: Buffer.alloc(values * 4).toString('base64') }],
    new TextIds(),
  ),
});
/** What the cache counts for a day of 100 values. */
const DAY_BYTES = 64 + day('1', 100).rows.bytes;

describe('the cache of kept report days', () => {
  it('answers a day only at the version it was kept at', () => {
    const cache = new ReportDayCache(1 << 20);
    const key = ReportDayCache.key('acc_1', 'day', '2026-12-01');
    cache.set(key, day('7'));
    expect(cache.get(key, '7')?.rows.count).toBe(1);
    expect(cache.get(key, '8')).toBeUndefined();
    expect(cache.get(ReportDayCache.key('acc_2', 'day', '2026-12-01'), '7')).toBeUndefined();
    cache.set(key, day('8'));
    expect(cache.get(key, '7')).toBeUndefined();
    expect(cache.size.days).toBe(1);
  });

  it('drops the least recently used days past its limit in bytes until a tenth is free, and keeps nothing larger than the limit', () => {
    const cache = new ReportDayCache(10 * DAY_BYTES);
    const keys = Array.from({ length: 11 }, (_, i) => ReportDayCache.key('acc_1', 'day', `d${i}`));
    for (const key of keys.slice(0, 10)) cache.set(key, day('1', 100));
    expect(cache.size).toEqual({ days: 10, bytes: 10 * DAY_BYTES });
    // d0 and d2 read again: d1 and d3 are now the least recently used.
    expect(cache.get(keys[0], '1')).toBeDefined();
    expect(cache.get(keys[2], '1')).toBeDefined();
    cache.set(keys[10], day('1', 100));
    // Eleven days over a limit of ten: down to nine, a tenth under it.
    expect(cache.size).toEqual({ days: 9, bytes: 9 * DAY_BYTES });
    expect(keys.map((k) => cache.get(k, '1') !== undefined)).toEqual([true, false, true, false, true, true, true, true, true, true, true]);
    cache.set(ReportDayCache.key('acc_1', 'day', 'huge'), day('1', 100_000));
    expect(cache.size.days).toBe(9);
    expect(new ReportDayCache(0).size.days).toBe(0);
  });

  it('gives days read after its text table holds 100,000 texts a new table, and the days kept keep theirs', () => {
    const cache = new ReportDayCache(1 << 20);
    const first = cache.texts;
    const kept = keptRows([{ kind: 'created', inbox_id: 'inb_kept', team_id: null, agent_id: null, channel: 'email', n: 1, total: 0, promoters: 0, detractors: 0, packed: null }], first);
    expect(cache.texts).toBe(first);
    for (let i = first.size; i < 100_000; i++) first.idOf(`agent_${i}`);
    const next = cache.texts;
    expect(next).not.toBe(first);
    expect(next.size).toBe(0);
    expect(kept.texts.text(kept.dims[INBOX])).toBe('inb_kept');
  });
});
