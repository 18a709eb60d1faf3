// Who is behind a session, remembered for a few seconds so a burst of API calls costs one
// GetSession, not one each. A change to a user's sessions (logout, password, role, deactivation,
// membership) drops that user's entries at once on the replica that made it and, through NATS,
// on every other; the short lifetime bounds what a replica that missed the message can serve.
import type { AuthenticatedUser, SessionResolver } from '../http/authenticate';

interface Entry {
  user: AuthenticatedUser;
  expiresAt: number;
}

export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly byUser = new Map<string, Set<string>>();
  private readonly loading = new Map<string, Promise<AuthenticatedUser>>();

  constructor(
    private readonly load: SessionResolver,
    private readonly ttlMs = 10_000,
    private readonly maxEntries = 50_000,
    private readonly now: () => number = Date.now,
  ) {}

  readonly resolve: SessionResolver = async (accountId, sessionId) => {
    const key = `${accountId}\u0000${sessionId}`;
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > this.now()) return hit.user;
    const pending = this.loading.get(key);
    if (pending) return pending;
    const generation = this.generationOf(accountId);
    const loading = this.load(accountId, sessionId)
      .then((user) => {
        // A change that arrived while this was loading may have made the answer stale: keep it out.
        if (this.generationOf(accountId) === generation) this.remember(key, user);
        return user;
      })
      .finally(() => this.loading.delete(key));
    this.loading.set(key, loading);
    return loading;
  };

  /** Drops every cached session of the user (their sessions changed). */
  forgetUser(accountId: string, userId: string): void {
    this.generations.set(accountId, this.generationOf(accountId) + 1);
    const userKey = `${accountId}\u0000${userId}`;
    for (const key of this.byUser.get(userKey) ?? []) this.entries.delete(key);
    this.byUser.delete(userKey);
  }

  get size(): number {
    return this.entries.size;
  }

  private readonly generations = new Map<string, number>();

  private generationOf(accountId: string): number {
    return this.generations.get(accountId) ?? 0;
  }

  private remember(key: string, user: AuthenticatedUser): void {
    if (this.entries.size >= this.maxEntries) {
      this.entries.clear();
      this.byUser.clear();
    }
    this.entries.set(key, { user, expiresAt: this.now() + this.ttlMs });
    const userKey = `${user.accountId}\u0000${user.id}`;
    const keys = this.byUser.get(userKey) ?? new Set<string>();
    keys.add(key);
    this.byUser.set(userKey, keys);
  }
}
