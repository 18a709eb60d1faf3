// Owner, team and status of one conversation: assign, reassign, unassign, put in a team or take
// out of one, close (optionally with its tickets), reopen.
import { FailedPreconditionError, InvalidArgumentError, NotFoundError, withTransaction, type Pool, type PoolClient } from '@inbox/lib';
import { ConversationEventType } from '@inbox/lib/gen/inbox/events/v1/events';
import { lockConversation, updateConversation, type LockedConversation } from '../../../adapters/conversation-rows';
import type { DirectoryRepository } from '../../directory/adapters';
import { appendEvents } from '../../../adapters/outbox';
import type { Actor, User } from '../../directory';
import { sendTranscriptOnClose } from '../../outbound';
import { requireActor } from '../../directory';

/** A bot conversation whose visitor never reached "send to team member" closes only after this much inactivity. */
export const BOT_CLOSE_INACTIVITY_MS = 30 * 60 * 1000;

/** What else happens in the closing transaction (an inbox's automatic survey); other modules provide it. */
export type CloseHook = (tx: PoolClient, conversation: LockedConversation, closedBy: User) => Promise<void>;

export interface ConversationChange {
  assigneeId?: string;
  unassign?: boolean;
  status?: 'open' | 'closed';
  closeTicket?: boolean;
  /** A team id, or null to take it out of its team. */
  teamId?: string | null;
}

export function assertClosable(conversation: LockedConversation, now: Date): void {
  const inBot = conversation.botChatflowId !== null && !conversation.handedOff;
  if (inBot && now.getTime() - conversation.lastMessageAt.getTime() < BOT_CLOSE_INACTIVITY_MS) {
    throw new FailedPreconditionError('bot_conversation_active', 'a bot conversation can be closed only after the visitor has been inactive for 30 minutes');
  }
}

export class UpdateConversation {
  constructor(
    private readonly pool: Pool,
    private readonly directory: DirectoryRepository,
    private readonly onCommitted: () => void,
    private readonly afterClose: CloseHook = async () => undefined,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async execute(actor: Actor, conversationId: string, change: ConversationChange): Promise<void> {
    const user = await requireActor(this.directory, actor, 'agent');
    if (change.assigneeId !== undefined && change.unassign) throw new InvalidArgumentError('conflicting_change', 'assign or unassign, not both');
    const assignee = change.assigneeId !== undefined ? await this.directory.findUser(actor.accountId, change.assigneeId) : undefined;
    if (change.assigneeId !== undefined) {
      if (!assignee || assignee.removed) throw new NotFoundError('user_not_found', 'no such user to assign');
      if (assignee.deactivated) throw new FailedPreconditionError('user_deactivated', 'a deactivated user cannot be assigned');
    }
    await withTransaction(this.pool, async (tx) => {
      const conversation = await lockConversation(tx, actor.accountId, conversationId);
      if (conversation.trashedAt) throw new FailedPreconditionError('conversation_in_trash', 'restore the conversation first');
      if (assignee && !(await this.directory.canSeeInboxOf(tx, assignee, conversation.inboxId))) {
        throw new FailedPreconditionError('assignee_not_inbox_member', 'this user is not a member of the conversation’s inbox; add them first');
      }
      const columns: Record<string, unknown> = {};
      const newAssignee = change.unassign ? null : change.assigneeId;
      if (newAssignee !== undefined && newAssignee !== conversation.assigneeId) columns.assignee_id = newAssignee;
      if (change.teamId !== undefined) {
        if (change.teamId !== null) {
          const team = await tx.query('SELECT 1 FROM teams WHERE account_id = $1 AND id = $2 FOR SHARE', [actor.accountId, change.teamId]);
          if (!team.rowCount) throw new NotFoundError('team_not_found', 'no such team');
        }
        if (conversation.teamId !== change.teamId) columns.team_id = change.teamId;
      }
      if (change.status && change.status !== conversation.status) {
        if (change.status === 'closed') assertClosable(conversation, this.now());
        columns.status = change.status;
      }
      if (Object.keys(columns).length === 0 && !change.closeTicket) return;
      const version = await updateConversation(tx, conversation, columns);
      if (change.status === 'closed' && change.closeTicket) {
        await tx.query(`UPDATE tickets SET status = 'closed', closed_at = now() WHERE account_id = $1 AND conversation_id = $2 AND status = 'open'`, [
          actor.accountId,
          conversationId,
        ]);
      }
      const base = { accountId: actor.accountId, inboxId: conversation.inboxId, conversationId, version: String(version), actorUserId: actor.userId };
      await appendEvents(tx, [
        { ...base, type: ConversationEventType.CONVERSATION_EVENT_TYPE_UPDATED },
        ...('assignee_id' in columns
          ? [{ ...base, type: ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED, assigneeId: newAssignee ?? '', previousAssigneeId: conversation.assigneeId ?? '' }]
          : []),
      ]);
      if (columns.status === 'closed') {
        await sendTranscriptOnClose(tx, { ...conversation, version }, user);
        await this.afterClose(tx, { ...conversation, version, status: 'closed' }, user);
      }
    });
    this.onCommitted();
  }
}
