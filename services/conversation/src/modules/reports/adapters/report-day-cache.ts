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

export class ReportDayCache {
  private readonly days = new Map<string, { day: KeptDay; bytes: number }>();
  private bytes = 0;

  constructor(private readonly limitBytes: number) {}

  static key(accountId: string, grain: string, day: string): string {
    return `${accountId}|${grain}|${day}`;
  }

  /** The day's rows when kept at this version. */
  get(key: string, version: string): KeptDay | undefined {
    const found = this.days.get(key);
    if (!found || found.day.version !== version) return undefined;
    // Most recently used last: a Map iterates in insertion order.
    this.days.delete(key);
    this.days.set(key, found);
    return found.day;
  }

  set(key: string, day: KeptDay): void {
    this.drop(key);
    const bytes = sizeOf(day);
    if (bytes > this.limitBytes) return;
    this.days.set(key, { day, bytes });
    this.bytes += bytes;
    for (const oldest of this.days.keys()) {
      if (this.bytes <= this.limitBytes) break;
      this.drop(oldest);
    }
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
