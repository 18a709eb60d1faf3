// Forward a conversation (or one message of it) to an outside address: a note, then the quoted
// messages with their attachments. It is recorded on the conversation as an outbound email, and
// its Reply-To carries the conversation's token, so an answer from outside threads back in.
import { FailedPreconditionError, InvalidArgumentError, NotFoundError, isEmailAddress, withTransaction, type Pool } from '@inbox/lib';
import { lockConversation } from '../../../adapters/conversation-rows';
import type { DirectoryRepository } from '../../directory/adapters';
import type { Actor } from '../../directory';
import { hasReplyPrefix } from '../../../domain/email-rules';
import { announceOutbound, emailChannelOf, insertOutbound, replyToken } from './send-email';
import { requireActor } from '../../directory';

const MAX_NOTE = 100_000;

interface QuotedRow {
  id: string;
  from_name: string;
  from_address: string;
  subject: string;
  text_body: string;
  created_at: Date;
}

export class ForwardConversation {
  constructor(
    private readonly pool: Pool,
    private readonly directory: DirectoryRepository,
    private readonly onCommitted: () => void,
  ) {}

  async execute(actor: Actor, conversationId: string, input: { to: string; note?: string; messageId?: string }): Promise<string> {
    const author = await requireActor(this.directory, actor, 'agent');
    const to = input.to.trim().toLowerCase();
    if (!isEmailAddress(to)) throw new InvalidArgumentError('invalid_recipient', 'to is not a valid email address');
    const note = input.note?.trim() ?? '';
    if (note.length > MAX_NOTE) throw new InvalidArgumentError('note_too_long', 'the note is too long');
    const messageId = await withTransaction(this.pool, async (tx) => {
      const conversation = await lockConversation(tx, actor.accountId, conversationId);
      if (conversation.trashedAt) throw new FailedPreconditionError('conversation_in_trash', 'restore the conversation first');
      // Hidden messages stay hidden: they are never forwarded.
      const quoted = await tx.query<QuotedRow>(
        `SELECT id, from_name, from_address, subject, text_body, created_at FROM messages
         WHERE account_id = $1 AND conversation_id = $2 AND hidden_at IS NULL AND ($3::text IS NULL OR id = $3)
           AND (fields IS NULL OR fields ->> 'kind' IS NULL) ORDER BY created_at, id`,
        [actor.accountId, conversationId, input.messageId || null],
      );
      if (input.messageId && quoted.rowCount === 0) throw new NotFoundError('message_not_found', 'no such visible message in this conversation');
      if (quoted.rowCount === 0) throw new FailedPreconditionError('nothing_to_forward', 'this conversation has no messages to forward');
      const blocks = quoted.rows.map(
        (m) => `From: ${m.from_name ? `${m.from_name} <${m.from_address}>` : m.from_address || 'unknown'}\nDate: ${m.created_at.toUTCString()}${m.subject ? `\nSubject: ${m.subject}` : ''}\n\n${m.text_body}`,
      );
      const subject = conversation.subject || quoted.rows[0].subject || 'Conversation';
      const channel = await emailChannelOf(tx, actor.accountId, conversation.inboxId, null);
      const id = await insertOutbound(tx, {
        conversationId,
        accountId: actor.accountId,
        author,
        channelAddress: channel.address,
        token: await replyToken(tx, actor.accountId, conversationId),
        to: { name: '', address: to },
        subject: /^fwd?:/i.test(subject) || hasReplyPrefix(subject) ? `Fwd: ${subject.replace(/^(re|fwd?):\s*/i, '')}` : `Fwd: ${subject}`,
        text: `${note ? `${note}\n\n` : ''}---------- Forwarded conversation ----------\n\n${blocks.join('\n\n----------\n\n')}\n`,
        html: null,
        inReplyTo: [],
        references: [],
        kind: 'forward',
      });
      await tx.query(
        `INSERT INTO attachments (id, account_id, message_id, filename, content_type, size, object_key, content_id, inline, position)
         SELECT 'att_' || gen_random_uuid(), account_id, $3, filename, content_type, size, object_key, NULL, false,
                row_number() OVER (ORDER BY message_id, position, id) - 1
         FROM attachments WHERE account_id = $1 AND message_id = ANY($2::text[])`,
        [actor.accountId, quoted.rows.map((m) => m.id), id],
      );
      await announceOutbound(tx, conversation, author.id, id);
      return id;
    });
    this.onCommitted();
    return messageId;
  }
}
