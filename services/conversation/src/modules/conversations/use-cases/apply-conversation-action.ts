// One action on one or many conversations, all or nothing: close, reopen, trash, restore, mark
// as spam (this thread only), not spam, block sender (this and future threads filtered; tickets
// deleted).
import { FailedPreconditionError, InvalidArgumentError, withTransaction, type Pool, type PoolClient } from '@inbox/lib';
import { ConversationEventType } from '@inbox/lib/gen/inbox/events/v1/events';
import { lockConversation, updateConversation, type LockedConversation } from '../../../adapters/conversation-rows';
import type { DirectoryRepository } from '../../directory/adapters';
import { appendEvents } from '../../../adapters/outbox';
import type { Actor, User } from '../../directory';
import { assertClosable, type CloseHook } from './update-conversation';
import { sendTranscriptOnClose } from '../../outbound';
import { requireActor } from '../../directory';

export const CONVERSATION_ACTIONS = ['close', 'reopen', 'trash', 'restore', 'spam', 'not_spam', 'block_sender'] as const;
export type ConversationAction = (typeof CONVERSATION_ACTIONS)[number];

export const MAX_BULK = 500;

export async function senderKeyOf(tx: PoolClient, conversation: LockedConversation): Promise<string | null> {
  if (!conversation.contactId) return null;
  const contact = await tx.query<{ email: string | null; external_id: string | null }>('SELECT email, external_id FROM contacts WHERE id = $1', [conversation.contactId]);
  const row = contact.rows[0];
  if (!row) return null;
  if ((conversation.replyChannel ?? conversation.channel) === 'email' && row.email) return `email:${row.email.toLowerCase()}`;
  if (row.external_id) return `${conversation.channel}:${row.external_id}`;
  return row.email ? `email:${row.email.toLowerCase()}` : null;
}

export class ApplyConversationAction {
  constructor(
    private readonly pool: Pool,
    private readonly directory: DirectoryRepository,
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
    await withTransaction(this.pool, async (tx) => {
      for (const id of ids) await this.applyOne(tx, user, actor, await lockConversation(tx, actor.accountId, id), action as ConversationAction);
    });
    this.onCommitted();
    return ids;
  }

  private async applyOne(tx: PoolClient, user: User, actor: Actor, conversation: LockedConversation, action: ConversationAction): Promise<void> {
    const columns: Record<string, unknown> = {};
    switch (action) {
      case 'close':
        if (conversation.trashedAt) throw new FailedPreconditionError('conversation_in_trash', `conversation ${conversation.id} is in the trash`);
        if (conversation.status === 'closed') return;
        assertClosable(conversation, this.now());
        columns.status = 'closed';
        break;
      case 'reopen':
        if (conversation.status === 'open') return;
        columns.status = 'open';
        break;
      case 'trash':
        if (conversation.trashedAt) return;
        columns.trashed_at = this.now();
        break;
      case 'restore':
        if (!conversation.trashedAt) return;
        columns.trashed_at = null;
        break;
      case 'spam':
        if (conversation.filtered) return;
        columns.filtered = true;
        columns.filtered_reason = 'marked_spam';
        break;
      case 'not_spam':
        if (!conversation.filtered) return;
        columns.filtered = false;
        columns.filtered_reason = null;
        break;
      case 'block_sender': {
        const senderKey = await senderKeyOf(tx, conversation);
        if (!senderKey) throw new FailedPreconditionError('no_sender', 'this conversation has no sender to block');
        await tx.query('INSERT INTO blocked_senders (account_id, sender_key, blocked_by) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
          actor.accountId,
          senderKey,
          actor.userId,
        ]);
        await tx.query('DELETE FROM tickets WHERE account_id = $1 AND conversation_id = $2', [actor.accountId, conversation.id]);
        columns.filtered = true;
        columns.filtered_reason = 'blocked_sender';
        break;
      }
    }
    const version = await updateConversation(tx, conversation, columns);
    await appendEvents(tx, [
      {
        accountId: actor.accountId,
        inboxId: conversation.inboxId,
        conversationId: conversation.id,
        version: String(version),
        actorUserId: actor.userId,
        type: ConversationEventType.CONVERSATION_EVENT_TYPE_UPDATED,
      },
    ]);
    if (action === 'close') {
      await sendTranscriptOnClose(tx, { ...conversation, version }, user);
      await this.afterClose(tx, { ...conversation, version, status: 'closed' }, user);
    }
  }
}

export class UnblockSender {
  constructor(
    private readonly pool: Pool,
    private readonly directory: DirectoryRepository,
    private readonly onCommitted: () => void,
  ) {}

  /** Removes the block and returns the sender's blocked conversations to the inbox. */
  async execute(actor: Actor, input: { senderKey?: string; conversationId?: string }): Promise<void> {
    await requireActor(this.directory, actor, 'agent');
    await withTransaction(this.pool, async (tx) => {
      let senderKey = input.senderKey;
      if (!senderKey && input.conversationId) senderKey = (await senderKeyOf(tx, await lockConversation(tx, actor.accountId, input.conversationId))) ?? undefined;
      if (!senderKey) throw new InvalidArgumentError('sender_required', 'name the sender or a conversation of theirs');
      const removed = await tx.query('DELETE FROM blocked_senders WHERE account_id = $1 AND sender_key = $2', [actor.accountId, senderKey]);
      if (!removed.rowCount) throw new FailedPreconditionError('not_blocked', 'this sender is not blocked');
      const [kind, ...rest] = senderKey.split(':');
      const value = rest.join(':');
      const restored = await tx.query<{ id: string; inbox_id: string; version: string }>(
        `UPDATE conversations c SET filtered = false, filtered_reason = NULL, version = version + 1, updated_at = now()
         FROM contacts ct WHERE ct.id = c.contact_id AND c.account_id = $1 AND c.filtered_reason = 'blocked_sender'
           AND ((($2 = 'email') AND lower(ct.email) = $3) OR ct.external_id = $3)
         RETURNING c.id, c.inbox_id, c.version`,
        [actor.accountId, kind, value],
      );
      await appendEvents(
        tx,
        restored.rows.map((row) => ({
          accountId: actor.accountId,
          inboxId: row.inbox_id,
          conversationId: row.id,
          version: row.version,
          actorUserId: actor.userId,
          type: ConversationEventType.CONVERSATION_EVENT_TYPE_UPDATED,
        })),
      );
    });
    this.onCommitted();
  }
}
