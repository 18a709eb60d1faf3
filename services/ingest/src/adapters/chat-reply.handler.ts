// Agents' chat replies (CHAT_OUTBOUND) into the visitor's transcript and live socket.
import { PermanentError, type EventHandler } from '@inbox/lib';
import { ChatReply } from '@inbox/lib/gen/inbox/events/v1/events';
import type { ChatSessionStore } from './chat-session.store';

export class ChatReplyHandler implements EventHandler<ChatReply> {
  constructor(private readonly sessions: ChatSessionStore) {}

  decode(data: Uint8Array): ChatReply {
    const reply = ChatReply.decode(data);
    if (!reply.sessionId || !reply.messageId) throw new PermanentError('chat reply without session or message id');
    return reply;
  }

  orderingKey(reply: ChatReply): string {
    return reply.sessionId;
  }

  async handle(reply: ChatReply): Promise<void> {
    if (!(await this.sessions.get(reply.sessionId))) return; // the session expired; the reply stays in the conversation
    await this.sessions.append(reply.sessionId, {
      id: reply.messageId,
      from: 'agent',
      text: reply.text,
      authorName: reply.authorName,
      at: (reply.createdAt ?? new Date()).toISOString(),
      ...(reply.options.length > 0 ? { options: reply.options } : {}),
    });
  }
}
