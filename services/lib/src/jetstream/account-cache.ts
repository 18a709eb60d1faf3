// A per-account copy of something slow to read and rare to change (routing rules, the directory,
// which accounts have service-level policies): read once, shared by concurrent askers, kept until
// it is invalidated or too old. Changes are announced over core NATS so every replica drops its
// copy; the age limit bounds what a missed announcement can cost.
import type { NatsConnection } from '@nats-io/nats-core';

export class AccountCache<T> {
  private readonly entries = new Map<string, { at: number; value: Promise<T> }>();

  constructor(
    private readonly load: (accountId: string) => Promise<T>,
    private readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxAccounts = 10_000,
  ) {}

  get(accountId: string): Promise<T> {
    const cached = this.entries.get(accountId);
    if (cached && this.now() - cached.at < this.maxAgeMs) return cached.value;
    const value = this.load(accountId);
    this.entries.set(accountId, { at: this.now(), value });
    value.catch(() => this.entries.delete(accountId));
    if (this.entries.size > this.maxAccounts) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }

  invalidate(accountId: string): void {
    this.entries.delete(accountId);
  }
}

/**
 * An AccountCache shared by the replicas of a service: changed() drops the account's copy here and,
 * announced on the subject, on every replica that listens. Without a connection it is local only.
 */
export class AnnouncedAccountCache<T> {
  private readonly cache: AccountCache<T>;

  constructor(
    load: (accountId: string) => Promise<T>,
    private readonly subject: string,
    private readonly nc: NatsConnection | undefined,
    maxAgeMs: number,
    now: () => number = Date.now,
    maxAccounts?: number,
  ) {
    this.cache = new AccountCache(load, maxAgeMs, now, maxAccounts);
  }

  get(accountId: string): Promise<T> {
    return this.cache.get(accountId);
  }

  changed(accountId: string): void {
    this.cache.invalidate(accountId);
    if (this.nc) announceAccountChange(this.nc, this.subject, accountId);
  }

  /** Drops the copies other replicas announce as changed; returns the unsubscribe. */
  listen(): () => void {
    return this.nc ? onAccountChange(this.nc, this.subject, (accountId) => this.cache.invalidate(accountId)) : () => undefined;
  }
}

/** Tells every replica that an account's copy of something (named by the subject) is stale. */
export function announceAccountChange(nc: NatsConnection, subject: string, accountId: string): void {
  nc.publish(subject, JSON.stringify({ accountId }));
}

/** Calls `onChange` with the account of every well-formed announcement on the subject; returns the unsubscribe. */
export function onAccountChange(nc: NatsConnection, subject: string, onChange: (accountId: string) => void): () => void {
  const subscription = nc.subscribe(subject, {
    callback: (error, message) => {
      if (error) return;
      try {
        const { accountId } = message.json<{ accountId?: unknown }>();
        if (typeof accountId === 'string') onChange(accountId);
      } catch {
        // Not ours to crash on; copies still expire.
      }
    },
  });
  return () => subscription.unsubscribe();
}
