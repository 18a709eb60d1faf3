// Owner, team and status of one conversation: assign, reassign, unassign, put in a team or take
// out of one, close (optionally with its tickets), reopen.
import { FailedPreconditionError, InvalidArgumentError, NotFoundError } from '@inbox/lib';
import { ConversationEventType } from '@inbox/lib/gen/inbox/events/v1/events';
import { ConversationStatus } from '@inbox/lib/gen/inbox/common/v1/common';
import type { ConversationChanges, LockedConversation, Transaction, UnitOfWork } from '../../../use-cases/unit-of-work';
import type { DirectoryStore } from '../../directory';
import type { ConversationWorkStore } from './ports';
import type { Actor, User } from '../../directory';
import { requireActor } from '../../directory';

/** A bot conversation whose visitor never reached "send to team member" closes only after this much inactivity. */
export const BOT_CLOSE_INACTIVITY_MS = 30 * 60 * 1000;

/** What else happens in the closing transaction (a chat's transcript, an inbox's automatic survey); other modules provide it. */
export type CloseHook = (tx: Transaction, conversation: LockedConversation, closedBy: User) => Promise<void>;

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
    private readonly work: UnitOfWork,
    private readonly store: Pick<ConversationWorkStore, 'lockTeam' | 'closeOpenTickets'>,
    private readonly directory: DirectoryStore,
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
    await this.work.run(async (tx) => {
      const conversation = await this.work.lockConversation(tx, actor.accountId, conversationId);
      if (conversation.trashedAt) throw new FailedPreconditionError('conversation_in_trash', 'restore the conversation first');
      if (assignee && !(await this.directory.canSeeInboxOf(tx, assignee, conversation.inboxId))) {
        throw new FailedPreconditionError('assignee_not_inbox_member', 'this user is not a member of the conversation’s inbox; add them first');
      }
      const changes: ConversationChanges = {};
      const newAssignee = change.unassign ? null : change.assigneeId;
      if (newAssignee !== undefined && newAssignee !== conversation.assigneeId) changes.assigneeId = newAssignee;
      if (change.teamId !== undefined) {
        if (change.teamId !== null && !(await this.store.lockTeam(tx, actor.accountId, change.teamId))) throw new NotFoundError('team_not_found', 'no such team');
        if (conversation.teamId !== change.teamId) changes.teamId = change.teamId;
      }
      if (change.status && change.status !== conversation.status) {
        if (change.status === 'closed') assertClosable(conversation, this.now());
        changes.status = change.status;
      }
      if (Object.keys(changes).length === 0 && !change.closeTicket) return;
      const version = await this.work.changeConversation(tx, conversation, changes);
      if (change.status === 'closed' && change.closeTicket) await this.store.closeOpenTickets(tx, actor.accountId, conversationId);
      const base = { accountId: actor.accountId, inboxId: conversation.inboxId, conversationId, version: String(version), actorUserId: actor.userId };
      await this.work.emit(tx, [
        { ...base, type: ConversationEventType.CONVERSATION_EVENT_TYPE_UPDATED, statusChangedTo: statusEnum(changes.status) },
        ...('assigneeId' in changes
          ? [{ ...base, type: ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED, assigneeId: newAssignee ?? '', previousAssigneeId: conversation.assigneeId ?? '' }]
          : []),
      ]);
      if (changes.status === 'closed') {
        await this.afterClose(tx, { ...conversation, version, status: 'closed' }, user);
      }
    });
    this.onCommitted();
  }
}

/** The status a change set, as events carry it (unspecified: unchanged). */
export function statusEnum(status: 'open' | 'closed' | undefined): ConversationStatus {
  if (status === 'closed') return ConversationStatus.CONVERSATION_STATUS_CLOSED;
  if (status === 'open') return ConversationStatus.CONVERSATION_STATUS_OPEN;
  return ConversationStatus.CONVERSATION_STATUS_UNSPECIFIED;
}
