// Who a user is on a row (name, and whether deactivated or removed), kept per replica for rows
// that do not come from the conversation service: search answers from its index, where an
// assignee's name is as of the conversation's last change. Dropped when the user changes (the
// announcement that re-checks their sessions follows every change of a user, on every replica);
// the lifetime bounds what a missed announcement can cost.
export interface UserRef {
  id: string;
  name: string;
  deactivated: boolean;
}

export class UserRefs {
  private readonly kept = new Map<string, { ref: Promise<UserRef | null>; expiresAt: number }>();

  constructor(
    private readonly load: (tenant: { accountId: string; userId: string }, userId: string) => Promise<UserRef | null>,
    private readonly ttlMs = 10_000,
    private readonly maxKept = 20_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The user as now, or null when the account has no such user; `reader` is whoever asks (it is looked up as them). */
  get(accountId: string, userId: string, reader: string): Promise<UserRef | null> {
    const key = `${accountId}\u0000${userId}`;
    const found = this.kept.get(key);
    if (found && found.expiresAt > this.now()) return found.ref;
    if (this.kept.size >= this.maxKept) this.kept.clear();
    const ref = this.load({ accountId, userId: reader }, userId);
    const entry = { ref, expiresAt: this.now() + this.ttlMs };
    this.kept.set(key, entry);
    // A failed look-up is not kept: the next row asks again.
    ref.catch(() => {
      if (this.kept.get(key) === entry) this.kept.delete(key);
    });
    return ref;
  }

  forget(accountId: string, userId: string): void {
    this.kept.delete(`${accountId}\u0000${userId}`);
  }

  forgetAll(): void {
    this.kept.clear();
  }
}
