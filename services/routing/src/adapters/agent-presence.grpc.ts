// The edge port's one service: ingest asks how many agents could answer an inbox's chats now.
import { InvalidArgumentError, type UnaryHandlers } from '@inbox/lib';
import { Role } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import type { MemberFacts } from '../domain/presence';
import type { AgentPresenceServiceService } from '@inbox/lib/gen/inbox/routing/v1/presence';
import type { AgentPresence, InboxDirectory } from '../use-cases/agent-presence';
import type { DirectorySource } from '../use-cases/route-conversations';

export function agentPresenceGrpcHandlers(presence: AgentPresence): UnaryHandlers<typeof AgentPresenceServiceService> {
  return {
    async countAvailableAgents(request) {
      if (!request.accountId || !request.inboxId) throw new InvalidArgumentError('inbox_required', 'account_id and inbox_id are required');
      return presence.count(request.accountId, request.inboxId);
    },
    async listRingTargets(request) {
      if (!request.accountId || !request.inboxId) throw new InvalidArgumentError('inbox_required', 'account_id and inbox_id are required');
      return { targets: await presence.ringTargets(request.accountId, request.inboxId, request.caller) };
    },
  };
}

/** The inbox directory, from routing's copy of the account's directory. */
export class ConversationInboxDirectory implements InboxDirectory {
  constructor(private readonly source: DirectorySource) {}

  async inboxMembers(accountId: string, inboxId: string): Promise<string[] | undefined> {
    return (await this.source.directory(accountId)).members.get(inboxId);
  }

  async users(accountId: string): Promise<Map<string, MemberFacts>> {
    const { users } = await this.source.directory(accountId);
    return new Map(
      [...users.values()].map((u) => [
        u.id,
        { deactivated: u.deactivated, removed: u.removed, seesEveryInbox: u.role === Role.ROLE_ADMIN || u.role === Role.ROLE_SUPERADMIN, phoneNumber: u.phoneNumber },
      ]),
    );
  }
}
