// Whether anyone is there to answer an inbox's chats now, for the chat widget (through ingest).
import { NotFoundError } from '@inbox/lib';
import { countAvailable, ringTargets, type MemberFacts } from '../domain/presence';
import { rotation } from '../domain/rotation';

/** The account's directory as routing reads it from the conversation service. */
export interface InboxDirectory {
  inboxMembers(accountId: string, inboxId: string): Promise<string[] | undefined>;
  users(accountId: string): Promise<Map<string, MemberFacts>>;
}

export interface AvailabilityStatuses {
  statuses(accountId: string): Promise<(userId: string) => 'available' | 'away'>;
}

/** Where an inbox's round robin stands: the one assigned last. */
export interface RotationPositions {
  lastAssigned(accountId: string, inboxId: string): Promise<string | null>;
}

/** What a call needs of the inbox's routing: its rule's mode, and whose customer is calling. */
export interface CallRouting {
  mode(accountId: string, inboxId: string): Promise<string>;
  callerOwner(accountId: string, phoneNumber: string): Promise<string | null>;
}

export class AgentPresence {
  constructor(
    private readonly directory: InboxDirectory,
    private readonly availability: AvailabilityStatuses,
    private readonly positions: RotationPositions,
    private readonly calls: CallRouting,
  ) {}

  /** Under contact-owner routing the caller's owner rings first; then everyone in round-robin order. */
  async ringTargets(accountId: string, inboxId: string, caller = ''): Promise<{ userId: string; phoneNumber: string }[]> {
    const owner = async () => (caller && (await this.calls.mode(accountId, inboxId)) === 'contact_owner' ? this.calls.callerOwner(accountId, caller) : null);
    const [members, users, status, last, ownerId] = await Promise.all([
      this.directory.inboxMembers(accountId, inboxId),
      this.directory.users(accountId),
      this.availability.statuses(accountId),
      this.positions.lastAssigned(accountId, inboxId),
      owner(),
    ]);
    if (!members) throw new NotFoundError('inbox_not_found', 'no such inbox in this account');
    return ringTargets(members, users, status, (ids) => (ownerId && ids.includes(ownerId) ? [ownerId, ...rotation(ids.filter((id) => id !== ownerId), last)] : rotation(ids, last)));
  }

  async count(accountId: string, inboxId: string): Promise<{ available: number; members: number }> {
    const [members, users, status] = await Promise.all([this.directory.inboxMembers(accountId, inboxId), this.directory.users(accountId), this.availability.statuses(accountId)]);
    if (!members) throw new NotFoundError('inbox_not_found', 'no such inbox in this account');
    return countAvailable(members, users, status);
  }
}
