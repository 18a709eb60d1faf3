// Which accounts have any service-level policy, kept in memory: every conversation event asks,
// and most accounts have none. A save on any replica is announced over NATS and drops that
// account's answer everywhere; a short lifetime bounds what a missed announcement can cost (a
// conversation event skipped in that window; the policy save itself recomputes every conversation
// it governs).
import type { NatsConnection } from '@nats-io/nats-core';
import { AnnouncedAccountCache, type Pool } from '@inbox/lib';
import type { PolicyPresence } from '../use-cases/service-levels';

const SUBJECT = 'inbox.v1.sla.policies_changed';

export class CachedPolicyPresence implements PolicyPresence {
  private readonly cache: AnnouncedAccountCache<boolean>;

  constructor(pool: Pool, nc: NatsConnection | undefined, maxAgeMs = 5_000, now: () => number = Date.now) {
    const load = async (accountId: string) =>
      (await pool.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM sla_policies WHERE account_id = $1) AS any', [accountId])).rows[0].any;
    this.cache = new AnnouncedAccountCache(load, SUBJECT, nc, maxAgeMs, now, 50_000);
  }

  anyPolicy(accountId: string): Promise<boolean> {
    return this.cache.get(accountId);
  }

  changed(accountId: string): void {
    this.cache.changed(accountId);
  }

  listen(): () => void {
    return this.cache.listen();
  }
}
