// Hide a message with sensitive data (anyone in the account); unhide only by a super admin or
// the user who hid it.
import { NotFoundError, PermissionDeniedError, withTransaction, type Pool } from '@inbox/lib';
import { ConversationEventType } from '@inbox/lib/gen/inbox/events/v1/events';
import { lockConversation, updateConversation } from '../../../adapters/conversation-rows';
import type { DirectoryRepository } from '../../directory/adapters';
import { appendEvents } from '../../../adapters/outbox';
import type { Actor } from '../../directory';
import { preview } from '../../../domain/email-rules';
import { requireActor } from '../../directory';

const HIDDEN_PREVIEW = 'Message is hidden';

export class SetMessageHidden {
  constructor(
    private readonly pool: Pool,
    private readonly directory: DirectoryRepository,
    private readonly onCommitted: () => void,
  ) {}

  async execute(actor: Actor, messageId: string, hidden: boolean): Promise<string> {
    const acting = await requireActor(this.directory, actor, 'agent');
    const conversationId = await withTransaction(this.pool, async (tx) => {
      const found = await tx.query<{ conversation_id: string }>('SELECT conversation_id FROM messages WHERE account_id = $1 AND id = $2', [actor.accountId, messageId]);
      if (!found.rowCount) throw new NotFoundError('message_not_found', 'no such message');
      const conversation = await lockConversation(tx, actor.accountId, found.rows[0].conversation_id);
      const message = await tx.query<{ hidden_at: Date | null; hidden_by: string | null }>('SELECT hidden_at, hidden_by FROM messages WHERE id = $1 FOR UPDATE', [messageId]);
      const current = message.rows[0];
      if (hidden === (current.hidden_at !== null)) return conversation.id;
      if (!hidden && acting.role !== 'superadmin' && current.hidden_by !== acting.id) {
        throw new PermissionDeniedError('forbidden', 'only a super admin or the user who hid this message can unhide it');
      }
      await tx.query('UPDATE messages SET hidden_at = $2, hidden_by = $3 WHERE id = $1', [messageId, hidden ? new Date() : null, hidden ? acting.id : null]);
      // The list's preview shows the latest message: hidden there too when that is the one hidden.
      const latest = await tx.query<{ id: string; text: string }>(
        `SELECT id, COALESCE(NULLIF(reply_text, ''), NULLIF(text_body, ''), subject, '') AS text FROM messages
         WHERE account_id = $1 AND conversation_id = $2 ORDER BY created_at DESC, id DESC LIMIT 1`,
        [actor.accountId, conversation.id],
      );
      const changes = latest.rows[0]?.id === messageId ? { preview: hidden ? HIDDEN_PREVIEW : preview(latest.rows[0].text) } : {};
      const version = await updateConversation(tx, conversation, changes);
      await appendEvents(tx, [
        {
          accountId: actor.accountId,
          inboxId: conversation.inboxId,
          conversationId: conversation.id,
          version: String(version),
          actorUserId: actor.userId,
          messageId,
          type: hidden ? ConversationEventType.CONVERSATION_EVENT_TYPE_MESSAGE_HIDDEN : ConversationEventType.CONVERSATION_EVENT_TYPE_MESSAGE_UNHIDDEN,
        },
      ]);
      return conversation.id;
    });
    this.onCommitted();
    return conversationId;
  }
}
