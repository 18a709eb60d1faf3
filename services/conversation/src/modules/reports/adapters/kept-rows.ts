// A kept day's report rows (report_day_counts) as columns: a few typed arrays per day. As an object
// per row, with its own strings and a buffer for its values, a year's 121,000 rows were 131,000
// objects, 605,000 strings and 56,000 buffers in the conversation service's heap; the collector
// walked them on every full collection, and the heap V8 grew to hold them stayed resident.

/** One number for each distinct text the rows hold (kinds, ids, channels). */
export class TextIds {
  private readonly ids = new Map<string, number>();
  private readonly texts: string[] = [];

  /** The text's id, given one when new; -1 for null. */
  idOf(text: string | null): number {
    if (text === null) return -1;
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.texts.length;
      this.texts.push(text);
      this.ids.set(text, id);
    }
    return id;
  }

  /** The id of a text the rows hold, or -2, which no row holds, for one never seen. */
  find(text: string): number {
    return this.ids.get(text) ?? -2;
  }

  text(id: number): string | null {
    return id < 0 ? null : this.texts[id];
  }

  get size(): number {
    return this.texts.length;
  }
}

/** A row's dimensions, as text ids, at row × DIMS plus one of these. */
export const KIND = 0;
export const INBOX = 1;
export const TEAM = 2;
export const AGENT = 3;
export const CHANNEL = 4;
export const DIMS = 5;
/** A row's counts at row × SUMS plus one of these. */
export const N = 0;
export const TOTAL = 1;
export const PROMOTERS = 2;
export const DETRACTORS = 3;
export const SUMS = 4;

export interface KeptRows {
  /** What the dimensions' ids stand for. */
  readonly texts: TextIds;
  readonly count: number;
  readonly dims: Int32Array;
  readonly sums: Float64Array;
  /** Each row's durations in seconds (first_response, resolution), views of one array per day, or null. */
  readonly durations: Array<Int32Array | null>;
  /** Row i's local opening hours (created): hours[hourStarts[i]] up to hours[hourStarts[i + 1]]. */
  readonly hours: Uint8Array;
  readonly hourStarts: Int32Array;
  /** What the day takes, roughly, for the cache's limit. */
  readonly bytes: number;
}

/**
 * A row as read from report_day_counts, its values (migration 0029's report_value_bytes) in base64,
 * not bytea's hex: a year's values are megabytes, and base64 decodes several times faster.
 */
export interface StoredRow {
  kind: string;
  inbox_id: string;
  team_id: string | null;
  agent_id: string | null;
  channel: string;
  n: string | number;
  total: string | number;
  promoters: string | number;
  detractors: string | number;
  packed: string | null;
}

const timed = (kind: string) => kind === 'first_response' || kind === 'resolution';

/**
 * The rows as columns. The values are decoded straight into one array per day (base64 into a
 * buffer sized first, no buffer per row), durations from big-endian int4s, hours a byte each.
 */
export function keptRows(rows: StoredRow[], texts: TextIds): KeptRows {
  const count = rows.length;
  const dims = new Int32Array(count * DIMS);
  const sums = new Float64Array(count * SUMS);
  let durationBytes = 0;
  let hourBytes = 0;
  for (const r of rows) {
    if (!r.packed) continue;
    if (timed(r.kind)) durationBytes += Buffer.byteLength(r.packed, 'base64');
    else if (r.kind === 'created') hourBytes += Buffer.byteLength(r.packed, 'base64');
  }
  // Sized from the text, which PostgreSQL breaks into lines of 76 characters: a little more than
  // what it decodes to. Buffers of their own, not slices of Node's shared pool: the int4s must start
  // at a multiple of 4.
  const durationBuffer = Buffer.allocUnsafeSlow(durationBytes);
  const hours = Buffer.allocUnsafeSlow(hourBytes);
  const hourStarts = new Int32Array(count + 1);
  const durationRanges: Array<[number, number] | null> = [];
  let atDuration = 0;
  let atHour = 0;
  rows.forEach((r, i) => {
    const d = i * DIMS;
    dims[d + KIND] = texts.idOf(r.kind);
    dims[d + INBOX] = texts.idOf(r.inbox_id);
    dims[d + TEAM] = texts.idOf(r.team_id);
    dims[d + AGENT] = texts.idOf(r.agent_id);
    dims[d + CHANNEL] = texts.idOf(r.channel);
    const s = i * SUMS;
    sums[s + N] = Number(r.n);
    sums[s + TOTAL] = Number(r.total);
    sums[s + PROMOTERS] = Number(r.promoters);
    sums[s + DETRACTORS] = Number(r.detractors);
    hourStarts[i] = atHour;
    durationRanges.push(null);
    if (!r.packed) return;
    if (timed(r.kind)) {
      const written = durationBuffer.write(r.packed, atDuration, 'base64');
      durationRanges[i] = [atDuration / 4, (atDuration + written) / 4];
      atDuration += written;
    } else if (r.kind === 'created') {
      atHour += hours.write(r.packed, atHour, 'base64');
    }
  });
  hourStarts[count] = atHour;
  durationBuffer.subarray(0, atDuration).swap32();
  const values = new Int32Array(durationBuffer.buffer, durationBuffer.byteOffset, atDuration / 4);
  const durations = durationRanges.map((range) => (range ? values.subarray(range[0], range[1]) : null));
  const bytes = 200 + count * (DIMS * 4 + SUMS * 8 + 4 + 4) + durations.filter(Boolean).length * 80 + durationBytes + hourBytes;
  return { texts, count, dims, sums, durations, hours, hourStarts, bytes };
}
