import { AGENT, CHANNEL, DIMS, INBOX, KIND, N, SUMS, TEAM, TOTAL, TextIds, keptRows, type StoredRow } from './kept-rows';

/** Values as report_value_bytes packs them, in base64 as PostgreSQL's encode writes it: lines of 76. */
function packed(values: number[], bytesEach: 1 | 4): string {
  const bytes = Buffer.alloc(values.length * bytesEach);
  values.forEach((v, i) => (bytesEach === 4 ? bytes.writeInt32BE(v, i * 4) : bytes.writeUInt8(v, i)));
  return bytes.toString('base64').replace(/.{76}/g, '$&\n');
}

const row = (kind: string, values: string | null, n = 1): StoredRow => ({
  kind,
  inbox_id: 'inb_1',
  team_id: kind === 'reply' ? 'team_1' : null,
  agent_id: null,
  channel: 'email',
  n: String(n),
  total: '1234567890123',
  promoters: '0',
  detractors: '0',
  packed: values,
});

describe('kept report rows as columns', () => {
  const durations = Array.from({ length: 100 }, (_, i) => (i % 2 ? -i : i * 100_000));
  const hours = Array.from({ length: 70 }, (_, i) => i % 24);
  const texts = new TextIds();
  const rows = keptRows(
    [row('first_response', packed(durations, 4), 100), row('created', packed(hours, 1), 70), row('reply', null), row('resolution', packed([7, 8, 9], 4), 3), row('csat', packed([5], 4))],
    texts,
  );

  it('decodes the big-endian durations of each timed row, across the line breaks, into views of one array', () => {
    expect(rows.count).toBe(5);
    expect([...rows.durations[0]!]).toEqual(durations);
    expect([...rows.durations[3]!]).toEqual([7, 8, 9]);
    expect(rows.durations[0]!.buffer).toBe(rows.durations[3]!.buffer);
    expect([rows.durations[1], rows.durations[2], rows.durations[4]]).toEqual([null, null, null]);
  });

  it('keeps the opening hours of created rows only, and the range of them for each row', () => {
    expect([...rows.hours.subarray(rows.hourStarts[1], rows.hourStarts[2])]).toEqual(hours);
    expect(rows.hourStarts[1] - rows.hourStarts[0]).toBe(0);
    expect(rows.hourStarts[5] - rows.hourStarts[2]).toBe(0);
  });

  it('holds texts as ids, null as -1, and counts as numbers beyond 32 bits', () => {
    const at = (i: number, dim: number) => texts.text(rows.dims[i * DIMS + dim]);
    expect([at(0, KIND), at(0, INBOX), at(0, TEAM), at(0, AGENT), at(0, CHANNEL)]).toEqual(['first_response', 'inb_1', null, null, 'email']);
    expect(at(2, TEAM)).toBe('team_1');
    expect(rows.dims[0 * DIMS + INBOX]).toBe(rows.dims[3 * DIMS + INBOX]);
    expect([rows.sums[0 * SUMS + N], rows.sums[0 * SUMS + TOTAL]]).toEqual([100, 1234567890123]);
    expect(texts.find('inb_1')).toBe(rows.dims[INBOX]);
    expect(texts.find('never counted')).toBe(-2);
  });

  it('keeps a day of no rows', () => {
    const none = keptRows([], new TextIds());
    expect([none.count, none.durations.length, none.hourStarts.length]).toEqual([0, 0, 1]);
  });
});
