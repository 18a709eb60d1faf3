// Whether anyone is there to answer an inbox's chats now, for the chat widget (through ingest).
import { NotFoundError } from '@inbox/lib';
import { countAvailable, type MemberFacts } from '../domain/presence';

/** The account's directory as routing reads it from the conversation service. */
export interface InboxDirectory {
  inboxMembers(accountId: string, inboxId: string): Promise<string[] | undefined>;
  users(accountId: string): Promise<Map<string, MemberFacts>>;
}

export interface AvailabilityStatuses {
  statuses(accountId: string): Promise<(userId: string) => 'available' | 'away'>;
}

export class AgentPresence {
  constructor(
    private readonly directory: InboxDirectory,
    private readonly availability: AvailabilityStatuses,
  ) {}

  async count(accountId: string, inboxId: string): Promise<{ available: number; members: number }> {
    const [members, users, status] = await Promise.all([this.directory.inboxMembers(accountId, inboxId), this.directory.users(accountId), this.availability.statuses(accountId)]);
    if (!members) throw new NotFoundError('inbox_not_found', 'no such inbox in this account');
    return countAvailable(members, users, status);
  }
}
