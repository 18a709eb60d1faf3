// The account's directory (users, inboxes with their members, teams) as routing reads it from the
// conversation service: three calls, so it is kept per account until an announcement says it
// changed (see DirectoryChanged), and for a short while at most in case one was missed. Every
// routing decision and every inbound call reads it; it changes rarely.
import { AccountCache, onDirectoryChange, type ConversationClients } from '@inbox/lib';
import type { NatsConnection } from '@nats-io/nats-core';
import type { AccountDirectory, DirectorySource } from '../use-cases/route-conversations';
import { SERVICE_TENANT } from '../use-cases/route-conversations';

export class CachedDirectory implements DirectorySource {
  private readonly cache: AccountCache<AccountDirectory>;

  constructor(
    private readonly directoryService: ConversationClients['directory'],
    maxAgeMs = 30_000,
    now: () => number = Date.now,
  ) {
    this.cache = new AccountCache((accountId) => this.load(accountId), maxAgeMs, now);
  }

  directory(accountId: string): Promise<AccountDirectory> {
    return this.cache.get(accountId);
  }

  invalidate(accountId: string): void {
    this.cache.invalidate(accountId);
  }

  listen(nc: NatsConnection): () => void {
    return onDirectoryChange(nc, (change) => this.invalidate(change.accountId));
  }

  private async load(accountId: string): Promise<AccountDirectory> {
    const tenant = SERVICE_TENANT(accountId);
    const [users, inboxes, teams] = await Promise.all([
      this.directoryService.call.listUsers({ tenant }),
      this.directoryService.call.listInboxes({ tenant }),
      this.directoryService.call.listTeams({ tenant }),
    ]);
    return {
      users: new Map(users.users.map((u) => [u.id, u])),
      members: new Map(inboxes.inboxes.map((i) => [i.id, i.memberIds])),
      teams: new Map(teams.teams.map((t) => [t.id, t.userIds])),
    };
  }
}
