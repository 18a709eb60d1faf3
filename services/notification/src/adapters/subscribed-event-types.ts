// Which webhook event types each account subscribes to, kept in memory: every conversation event
// asks, and most accounts subscribe to none, so most events need no statement at all. A change on
// any replica drops that account's copy locally (after its commit) and everywhere else through
// core NATS; the short lifetime bounds what a missed announcement can cost (events of a new
// subscription's first seconds).
import type { NatsConnection } from '@nats-io/nats-core';
import { AnnouncedAccountCache } from '@inbox/lib';

const SUBJECT = 'inbox.v1.webhooks.subscriptions_changed';

export class SubscribedEventTypes {
  private readonly cache: AnnouncedAccountCache<ReadonlySet<string>>;

  constructor(eventTypesOf: (accountId: string) => Promise<string[]>, nc: NatsConnection | undefined, maxAgeMs = 5_000, now: () => number = Date.now) {
    this.cache = new AnnouncedAccountCache(async (accountId) => new Set(await eventTypesOf(accountId)), SUBJECT, nc, maxAgeMs, now, 50_000);
  }

  async wants(accountId: string, eventType: string): Promise<boolean> {
    return (await this.cache.get(accountId)).has(eventType);
  }

  changed(accountId: string): void {
    this.cache.changed(accountId);
  }

  listen(): () => void {
    return this.cache.listen();
  }
}
