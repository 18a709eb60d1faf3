// One action on one or many conversations, all or nothing: close, reopen, trash, restore, mark
// as spam (this thread only), not spam, block sender (this and future threads filtered; tickets
// deleted).
import { FailedPreconditionError, InvalidArgumentError } from '@inbox/lib';
import { ConversationEventType } from '@inbox/lib/gen/inbox/events/v1/events';
import type { ConversationChanges, LockedConversation, Transaction, UnitOfWork } from '../../../use-cases/unit-of-work';
import type { DirectoryStore } from '../../directory';
import type { ConversationWorkStore } from './ports';
import type { Actor, User } from '../../directory';
import { assertClosable, statusEnum, type CloseHook } from './update-conversation';
import { requireActor } from '../../directory';

export const CONVERSATION_ACTIONS = ['close', 'reopen', 'trash', 'restore', 'spam', 'not_spam', 'block_sender'] as const;
export type ConversationAction = (typeof CONVERSATION_ACTIONS)[number];

export const MAX_BULK = 500;

type SenderStore = Pick<ConversationWorkStore, 'contactAddresses'>;

/** How a block names the conversation's sender: their email when it is answered by email, else their id on its channel. */
async function senderKeyOf(store: SenderStore, tx: Transaction, conversation: LockedConversation): Promise<string | null> {
  if (!conversation.contactId) return null;
  const contact = await store.contactAddresses(tx, conversation.contactId);
  if (!contact) return null;
  if ((conversation.replyChannel ?? conversation.channel) === 'email' && contact.email) return `email:${contact.email.toLowerCase()}`;
  if (contact.externalId) return `${conversation.channel}:${contact.externalId}`;
  return contact.email ? `email:${contact.email.toLowerCase()}` : null;
}

export class ApplyConversationAction {
  constructor(
    private readonly work: UnitOfWork,
    private readonly store: Pick<ConversationWorkStore, 'contactAddresses' | 'blockSender' | 'deleteTickets'>,
    private readonly directory: DirectoryStore,
    private readonly onCommitted: () => void,
    private readonly afterClose: CloseHook = async () => undefined,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async execute(actor: Actor, conversationIds: string[], action: string): Promise<string[]> {
    const user = await requireActor(this.directory, actor, 'agent');
    if (!(CONVERSATION_ACTIONS as readonly string[]).includes(action)) {
      throw new InvalidArgumentError('unknown_action', `action must be one of ${CONVERSATION_ACTIONS.join(', ')}`);
    }
    const ids = [...new Set(conversationIds)];
    if (ids.length === 0) throw new InvalidArgumentError('no_conversations', 'name at least one conversation');
    if (ids.length > MAX_BULK) throw new InvalidArgumentError('too_many_conversations', `at most ${MAX_BULK} conversations at once`);
    // Sorted ids lock rows in one order, so concurrent bulk actions cannot deadlock.
    ids.sort();
    await this.work.run(async (tx) => {
      for (const id of ids) await this.applyOne(tx, user, actor, await this.work.lockConversation(tx, actor.accountId, id), action as ConversationAction);
    });
    this.onCommitted();
    return ids;
  }

  private async applyOne(tx: Transaction, user: User, actor: Actor, conversation: LockedConversation, action: ConversationAction): Promise<void> {
    const changes: ConversationChanges = {};
    switch (action) {
      case 'close':
        if (conversation.trashedAt) throw new FailedPreconditionError('conversation_in_trash', `conversation ${conversation.id} is in the trash`);
        if (conversation.status === 'closed') return;
        assertClosable(conversation, this.now());
        changes.status = 'closed';
        break;
      case 'reopen':
        if (conversation.status === 'open') return;
        changes.status = 'open';
        break;
      case 'trash':
        if (conversation.trashedAt) return;
        changes.trashedAt = this.now();
        break;
      case 'restore':
        if (!conversation.trashedAt) return;
        changes.trashedAt = null;
        break;
      case 'spam':
        if (conversation.filtered) return;
        changes.filtered = true;
        changes.filteredReason = 'marked_spam';
        break;
      case 'not_spam':
        if (!conversation.filtered) return;
        changes.filtered = false;
        changes.filteredReason = null;
        break;
      case 'block_sender': {
        const senderKey = await senderKeyOf(this.store, tx, conversation);
        if (!senderKey) throw new FailedPreconditionError('no_sender', 'this conversation has no sender to block');
        await this.store.blockSender(tx, actor.accountId, senderKey, actor.userId);
        await this.store.deleteTickets(tx, actor.accountId, conversation.id);
        changes.filtered = true;
        changes.filteredReason = 'blocked_sender';
        break;
      }
    }
    const version = await this.work.changeConversation(tx, conversation, changes);
    await this.work.emit(tx, [
      {
        accountId: actor.accountId,
        inboxId: conversation.inboxId,
        conversationId: conversation.id,
        version: String(version),
        actorUserId: actor.userId,
        type: ConversationEventType.CONVERSATION_EVENT_TYPE_UPDATED,
        statusChangedTo: statusEnum(changes.status),
      },
    ]);
    if (action === 'close') {
      await this.afterClose(tx, { ...conversation, version, status: 'closed' }, user);
    }
  }
}

export class UnblockSender {
  constructor(
    private readonly work: UnitOfWork,
    private readonly store: Pick<ConversationWorkStore, 'contactAddresses' | 'unblockSender' | 'restoreBlockedConversations'>,
    private readonly directory: DirectoryStore,
    private readonly onCommitted: () => void,
  ) {}

  /** Removes the block and returns the sender's blocked conversations to the inbox. */
  async execute(actor: Actor, input: { senderKey?: string; conversationId?: string }): Promise<void> {
    await requireActor(this.directory, actor, 'agent');
    await this.work.run(async (tx) => {
      let senderKey = input.senderKey;
      if (!senderKey && input.conversationId) {
        senderKey = (await senderKeyOf(this.store, tx, await this.work.lockConversation(tx, actor.accountId, input.conversationId))) ?? undefined;
      }
      if (!senderKey) throw new InvalidArgumentError('sender_required', 'name the sender or a conversation of theirs');
      if (!(await this.store.unblockSender(tx, actor.accountId, senderKey))) throw new FailedPreconditionError('not_blocked', 'this sender is not blocked');
      const [kind, ...rest] = senderKey.split(':');
      const restored = await this.store.restoreBlockedConversations(tx, actor.accountId, { kind, value: rest.join(':') });
      await this.work.emit(
        tx,
        restored.map((row) => ({
          accountId: actor.accountId,
          inboxId: row.inboxId,
          conversationId: row.id,
          version: String(row.version),
          actorUserId: actor.userId,
          type: ConversationEventType.CONVERSATION_EVENT_TYPE_UPDATED,
        })),
      );
    });
    this.onCommitted();
  }
}
