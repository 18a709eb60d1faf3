// Tells every gateway replica that a signed-in write changed something of an account (a contact's
// name, a user's, a view), so each drops the account's cached reads. This replica first, before
// the write's answer leaves; the others through core NATS, where a missed message costs at most
// the read cache's lifetime.
import type { NatsConnection } from '@nats-io/nats-core';

const SUBJECT = 'inbox.v1.gateway.account_changed';

export class AccountChanges {
  private readonly local: ((accountId: string) => void)[] = [];

  constructor(private readonly nc: NatsConnection) {}

  publish(accountId: string): void {
    for (const listener of this.local) listener(accountId);
    this.nc.publish(SUBJECT, JSON.stringify({ accountId }));
  }

  /** `onChange` for this replica's writes (at once) and every other replica's. */
  subscribe(onChange: (accountId: string) => void): () => void {
    this.local.push(onChange);
    const subscription = this.nc.subscribe(SUBJECT, {
      callback: (error, message) => {
        if (error) return;
        try {
          const change = message.json<{ accountId?: unknown }>();
          if (typeof change?.accountId === 'string') onChange(change.accountId);
        } catch {
          // Not ours to crash on; cached reads still expire.
        }
      },
    });
    return () => subscription.unsubscribe();
  }
}
