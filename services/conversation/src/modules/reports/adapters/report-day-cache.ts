// An account's kept report rows per grain and day, decoded, each at the version it was read at
// (report_day_versions, migration 0029). A day whose version has not moved has the same rows, so a
// report over a year reads from PostgreSQL only the days written since, today's as a rule. The
// least recently used days go first once the cache holds its limit in bytes.

export interface KeptRow {
  kind: string;
  inboxId: string;
  teamId: string | null;
  agentId: string | null;
  channel: string;
  n: number;
  total: number;
  promoters: number;
  detractors: number;
  /** first_response, resolution: seconds. */
  durations: Int32Array | null;
  /** created: local hours. */
  hours: Uint8Array | null;
}

export interface KeptDay {
  version: string;
  rows: KeptRow[];
}

/** A row's fields and its share of the map's own bookkeeping, roughly. */
const ROW_BYTES = 200;

const sizeOf = (day: KeptDay) => day.rows.reduce((n, r) => n + ROW_BYTES + (r.durations?.byteLength ?? 0) + (r.hours?.byteLength ?? 0), 64);

/** Past this many distinct texts the pool starts again: the rows already kept keep theirs. */
const SHARED_TEXTS = 65_536;

export class ReportDayCache {
  private readonly days = new Map<string, { day: KeptDay; bytes: number; usedAt: number }>();
  private readonly texts = new Map<string, string>();
  private bytes = 0;
  private uses = 0;

  constructor(private readonly limitBytes: number) {}

  static key(accountId: string, grain: string, day: string): string {
    return `${accountId}|${grain}|${day}`;
  }

  /**
   * The day's rows when kept at this version. It only marks the day used: moving it to the end of
   * the map (a delete and a set for each of a year's days, every summary) grew and copied the
   * map's table, 32 MB of garbage in 20 s of the reports benchmark, most of what outlived a young
   * collection.
   */
  get(key: string, version: string): KeptDay | undefined {
    const found = this.days.get(key);
    if (!found || found.day.version !== version) return undefined;
    found.usedAt = ++this.uses;
    return found.day;
  }

  set(key: string, day: KeptDay): void {
    this.drop(key);
    const bytes = sizeOf(day);
    if (bytes > this.limitBytes) return;
    this.days.set(key, { day, bytes, usedAt: ++this.uses });
    this.bytes += bytes;
    if (this.bytes > this.limitBytes) this.dropLeastUsed();
  }

  /** The least recently used days, until a tenth of the limit is free: one sort per tenth read, not one per day. */
  private dropLeastUsed(): void {
    const target = this.limitBytes * 0.9;
    for (const [key] of [...this.days].sort(([, a], [, b]) => a.usedAt - b.usedAt)) {
      if (this.bytes <= target) break;
      this.drop(key);
    }
  }

  /**
   * One instance of each text the kept rows repeat (kinds, channels, ids). Every row read from
   * PostgreSQL brings its own copies: a year's 121,000 rows held 605,000 strings, 33 MB of the
   * service's 98 MB heap.
   */
  shared<T extends string | null>(text: T): T {
    if (text === null) return text;
    const found = this.texts.get(text);
    if (found !== undefined) return found as T;
    if (this.texts.size >= SHARED_TEXTS) this.texts.clear();
    this.texts.set(text, text);
    return text;
  }

  get size(): { days: number; bytes: number } {
    return { days: this.days.size, bytes: this.bytes };
  }

  private drop(key: string): void {
    const found = this.days.get(key);
    if (!found) return;
    this.days.delete(key);
    this.bytes -= found.bytes;
  }
}
