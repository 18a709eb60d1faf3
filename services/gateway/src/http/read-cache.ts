// Answers of hot reads (conversation list pages and threads), kept as the bytes sent: the JSON
// serialised once and, on first demand, gzipped. An answer belongs to scopes (its account, its
// reader, its inbox or its conversation); anything that changes what a scope shows invalidates the
// scope, and an answer is served only if none of its scopes was invalidated after its loading
// began. That rule also keeps out an answer whose query ran before a change and finished after the
// change was seen, so a cached answer is never older than the last change this replica has seen.
// The lifetime bounds what a missed announcement (another replica's write, a change without an
// event) can cost.
import type { JsonBody } from './send-json';

export type CachedBody = JsonBody;

interface Entry {
  body: CachedBody;
  scopes: string[];
  /** The invalidation clock when loading began. */
  loadedFrom: number;
  expiresAt: number;
}

export interface ReadCacheStats {
  hits: number;
  misses: number;
  size: number;
  bytes: number;
}

export class ReadCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, { body: Promise<CachedBody>; scopes: string[]; loadedFrom: number }>();
  /** When each scope was last invalidated, on one clock that only moves forward. */
  private readonly invalidatedAt = new Map<string, number>();
  /** Everything loaded before this is stale (the whole cache was invalidated). */
  private floor = 0;
  private clock = 0;
  private hits = 0;
  private misses = 0;

  /** JSON bytes kept (their gzip, a tenth as large, is not counted). */
  private bytes = 0;

  constructor(
    private readonly ttlMs = 5_000,
    private readonly maxBytes = 32 * 1024 * 1024,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 20_000,
  ) {}

  /** The cached answer for `key`, or `load`'s (serialised, and kept unless a scope changed meanwhile). */
  async get(key: string, scopes: string[], load: () => Promise<unknown>): Promise<CachedBody> {
    const hit = this.entries.get(key);
    if (hit && this.fresh(hit)) {
      this.hits += 1;
      return hit.body;
    }
    if (hit) this.forget(key, hit);
    this.misses += 1;
    // A load that began before a change this replica has since seen is not joined: its answer may predate it.
    const pending = this.loading.get(key);
    if (pending && this.unchangedSince(pending.scopes, pending.loadedFrom)) return pending.body;
    const loadedFrom = this.clock;
    const loaded: Promise<CachedBody> = load()
      .then((value) => {
        const body = { json: Buffer.from(JSON.stringify(value)) };
        if (this.unchangedSince(scopes, loadedFrom)) this.remember(key, { body, scopes, loadedFrom, expiresAt: this.now() + this.ttlMs });
        return body;
      })
      .finally(() => {
        if (this.loading.get(key)?.body === loaded) this.loading.delete(key);
      });
    this.loading.set(key, { body: loaded, scopes, loadedFrom });
    return loaded;
  }

  /** Drops every answer of the scope, and any still loading. */
  invalidate(scope: string): void {
    this.clock += 1;
    this.invalidatedAt.set(scope, this.clock);
    // The clocks of scopes are only needed while answers loaded before them can exist.
    if (this.invalidatedAt.size > this.maxEntries * 4) this.invalidateAll();
  }

  invalidateAll(): void {
    this.clock += 1;
    this.floor = this.clock;
    this.invalidatedAt.clear();
    this.entries.clear();
    this.bytes = 0;
  }

  /**
   * Drops expired answers, so they do not sit in the heap until touched or pushed out. Every answer
   * lives equally long and is kept in the order it was loaded, so the expired ones are the first.
   */
  sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt > now) break;
      this.forget(key, entry);
    }
    // With no answer kept or loading, no scope's clock can matter any more.
    if (this.entries.size === 0 && this.loading.size === 0) {
      this.floor = this.clock;
      this.invalidatedAt.clear();
    }
  }

  stats(): ReadCacheStats {
    return { hits: this.hits, misses: this.misses, size: this.entries.size, bytes: this.bytes };
  }

  private fresh(entry: Entry): boolean {
    return entry.expiresAt > this.now() && this.unchangedSince(entry.scopes, entry.loadedFrom);
  }

  private unchangedSince(scopes: string[], loadedFrom: number): boolean {
    return loadedFrom >= this.floor && scopes.every((scope) => (this.invalidatedAt.get(scope) ?? 0) <= loadedFrom);
  }

  private remember(key: string, entry: Entry): void {
    if (entry.body.json.length > this.maxBytes / 4) return;
    const replaced = this.entries.get(key);
    if (replaced) this.forget(key, replaced);
    // The oldest leave first until the new answer fits.
    while (this.entries.size > 0 && (this.bytes + entry.body.json.length > this.maxBytes || this.entries.size >= this.maxEntries)) {
      const [oldestKey, oldest] = this.entries.entries().next().value!;
      this.forget(oldestKey, oldest);
    }
    this.entries.set(key, entry);
    this.bytes += entry.body.json.length;
  }

  private forget(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.bytes -= entry.body.json.length;
  }
}

/** The scopes a change names: its account, and within it an inbox or a user. */
export const cacheScope = {
  account: (accountId: string) => `a:${accountId}`,
  inbox: (accountId: string, inboxId: string) => `i:${accountId}:${inboxId}`,
  user: (accountId: string, userId: string) => `u:${accountId}:${userId}`,
  conversation: (accountId: string, conversationId: string) => `c:${accountId}:${conversationId}`,
};
