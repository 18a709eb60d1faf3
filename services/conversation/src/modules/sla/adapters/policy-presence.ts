// Which accounts have any service-level policy, kept in memory: every conversation event asks,
// and most accounts have none. A save on any replica is announced over NATS and drops that
// account's answer everywhere; a short lifetime bounds what a missed announcement can cost (a
// conversation event skipped in that window; the policy save itself recomputes every conversation
// it governs).
import type { NatsConnection } from '@nats-io/nats-core';
import type { Pool } from '@inbox/lib';
import type { PolicyPresence } from '../use-cases/service-levels';

const SUBJECT = 'inbox.v1.sla.policies_changed';

export class CachedPolicyPresence implements PolicyPresence {
  private readonly cache = new Map<string, { at: number; any: Promise<boolean> }>();

  constructor(
    private readonly pool: Pool,
    private readonly nc: NatsConnection | undefined,
    private readonly maxAgeMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {}

  anyPolicy(accountId: string): Promise<boolean> {
    const cached = this.cache.get(accountId);
    if (cached && this.now() - cached.at < this.maxAgeMs) return cached.any;
    const any = this.pool.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM sla_policies WHERE account_id = $1) AS any', [accountId]).then((r) => r.rows[0].any);
    this.cache.set(accountId, { at: this.now(), any });
    any.catch(() => this.cache.delete(accountId));
    if (this.cache.size > 50_000) this.cache.delete(this.cache.keys().next().value!);
    return any;
  }

  changed(accountId: string): void {
    this.cache.delete(accountId);
    this.nc?.publish(SUBJECT, JSON.stringify({ accountId }));
  }

  listen(): () => void {
    if (!this.nc) return () => undefined;
    const subscription = this.nc.subscribe(SUBJECT, {
      callback: (error, message) => {
        if (error) return;
        try {
          const { accountId } = message.json<{ accountId?: unknown }>();
          if (typeof accountId === 'string') this.cache.delete(accountId);
        } catch {
          // Not ours to crash on; the lifetime still bounds staleness.
        }
      },
    });
    return () => subscription.unsubscribe();
  }
}
