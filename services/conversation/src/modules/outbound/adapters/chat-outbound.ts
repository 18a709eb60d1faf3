// A message to a chat visitor (an agent's reply or the bot's): stored, and handed to the chat
// edge through the outbox in the same transaction, which delivers it to the visitor's widget.
import { newId, type PoolClient } from '@inbox/lib';
import { ChatReply } from '@inbox/lib/gen/inbox/events/v1/events';
import { appendRawEvent } from '../../../adapters/outbox';

export async function sendOnChat(
  tx: PoolClient,
  conversation: { id: string; accountId: string; sessionId: string },
  author: { name: string; userId: string | null },
  text: string,
  extra: { options?: string[]; fields?: Record<string, string>; visitorText?: string } = {},
): Promise<string> {
  const id = newId('msg');
  const createdAt = new Date();
  await tx.query(
    `INSERT INTO messages (id, account_id, conversation_id, direction, channel, from_name, text_body, reply_text, author_user_id, delivery_status, fields, created_at)
     VALUES ($1, $2, $3, 'outbound', 'chat', $4, $5, $5, $6, 'sent', $7, $8)`,
    [id, conversation.accountId, conversation.id, author.name, text, author.userId, extra.fields ? JSON.stringify(extra.fields) : null, createdAt],
  );
  const reply = ChatReply.encode({
    eventId: `chat-reply:${id}`,
    accountId: conversation.accountId,
    conversationId: conversation.id,
    sessionId: conversation.sessionId,
    messageId: id,
    text: extra.visitorText ?? text,
    authorName: author.name,
    createdAt,
    options: extra.options ?? [],
  }).finish();
  await appendRawEvent(tx, `chat.outbound.${conversation.accountId}`, `chat-reply:${id}`, reply);
  return id;
}
