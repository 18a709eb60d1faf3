// An account's kept report rows per grain and day, decoded, each at the version it was read at
// (report_day_versions, migration 0029). A day whose version has not moved has the same rows, so a
// report over a year reads from PostgreSQL only the days written since, today's as a rule. The
// least recently used days go first once the cache holds its limit in bytes.
import { TextIds, type KeptRows } from './kept-rows';

export interface KeptDay {
  version: string;
  rows: KeptRows;
}

const sizeOf = (day: KeptDay) => 64 + day.rows.bytes;
const TEXTS_PER_TABLE = 100_000;

export class ReportDayCache {
  private readonly days = new Map<string, { day: KeptDay; bytes: number; usedAt: number }>();
  private currentTexts = new TextIds();
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
   * The texts new rows' ids stand for: every id and kind reports count, so past a bound (an
   * install of very many agents) days read from then on take a new table; those kept hold theirs.
   */
  get texts(): TextIds {
    if (this.currentTexts.size >= TEXTS_PER_TABLE) this.currentTexts = new TextIds();
    return this.currentTexts;
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
