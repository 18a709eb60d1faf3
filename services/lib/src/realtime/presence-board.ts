// Who is viewing or typing in a conversation, shared by every gateway replica (agents) and every
// ingest replica (chat visitors typing): one Redis sorted set per conversation (member =
// connection, score = expiry), so a crashed replica's entries expire on their own; changes are
// announced on core NATS so each replica can push the new list to its own sockets.
import type { NatsConnection } from '@nats-io/nats-core';
import type { RedisClient } from '../clients/redis';

export type Activity = 'viewing' | 'typing';

export interface PresenceEntry {
  connectionId: string;
  userId: string;
  name: string;
  activity: Activity;
}

export interface PresenceChange {
  accountId: string;
  inboxId: string;
  conversationId: string;
}

export const PRESENCE_TTL_MS = 30_000;
const key = (accountId: string, conversationId: string) => `presence:${accountId}:${conversationId}`;
const subject = (accountId: string) => `realtime.presence.${accountId}`;

export class PresenceBoard {
  constructor(
    private readonly redis: RedisClient,
    private readonly nc: NatsConnection,
  ) {}

  async set(change: PresenceChange, entry: PresenceEntry, ttlMs = PRESENCE_TTL_MS): Promise<void> {
    const k = key(change.accountId, change.conversationId);
    await this.removeMember(k, entry.connectionId);
    await this.redis.zAdd(k, { score: Date.now() + ttlMs, value: JSON.stringify(entry) });
    await this.redis.pExpire(k, PRESENCE_TTL_MS * 2);
    this.announce(change);
  }

  async clear(change: PresenceChange, connectionId: string): Promise<void> {
    await this.removeMember(key(change.accountId, change.conversationId), connectionId);
    this.announce(change);
  }

  /** Everyone present, one entry per user (typing wins over viewing). */
  async list(accountId: string, conversationId: string): Promise<{ userId: string; name: string; activity: Activity }[]> {
    const k = key(accountId, conversationId);
    await this.redis.zRemRangeByScore(k, '-inf', Date.now());
    const byUser = new Map<string, { userId: string; name: string; activity: Activity }>();
    for (const raw of await this.redis.zRange(k, 0, -1)) {
      const entry = JSON.parse(raw) as PresenceEntry;
      const seen = byUser.get(entry.userId);
      if (!seen || entry.activity === 'typing') byUser.set(entry.userId, { userId: entry.userId, name: entry.name, activity: entry.activity });
    }
    return [...byUser.values()].sort((a, b) => a.userId.localeCompare(b.userId));
  }

  subscribe(accountId: string, onChange: (change: PresenceChange) => void): () => void {
    const subscription = this.nc.subscribe(subject(accountId), {
      callback: (error, msg) => {
        if (error) return;
        try {
          onChange(JSON.parse(new TextDecoder().decode(msg.data)) as PresenceChange);
        } catch {
          // A malformed announcement is ignored; the next one carries the full list anyway.
        }
      },
    });
    return () => subscription.unsubscribe();
  }

  private announce(change: PresenceChange): void {
    this.nc.publish(subject(change.accountId), JSON.stringify(change));
  }

  private async removeMember(k: string, connectionId: string): Promise<void> {
    for (const raw of await this.redis.zRange(k, 0, -1)) {
      if ((JSON.parse(raw) as PresenceEntry).connectionId === connectionId) await this.redis.zRem(k, raw);
    }
  }
}
