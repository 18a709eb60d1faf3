// Chat transcripts by email: on demand ("send transcript"), and automatically when a chat whose
// visitor left an address is closed. The transcript is an outbound email recorded on the
// conversation, so agents see that (and whether) it was delivered; closing the same chat twice
// without new messages sends it once.
import { FailedPreconditionError, InvalidArgumentError, isEmailAddress, withTransaction, type Pool, type PoolClient } from '@inbox/lib';
import { lockConversation, type LockedConversation } from '../../../adapters/conversation-rows';
import type { DirectoryRepository } from '../../directory/adapters';
import type { Actor, User } from '../../directory';
import { announceOutbound, emailChannelOf, insertOutbound, replyToken } from './send-email';
import { requireActor } from '../../directory';

const TRANSCRIPT_CHANNELS = new Set(['chat', 'messenger']);

function transcriptText(inboxName: string, rows: { direction: string; from_name: string; text_body: string; created_at: Date }[]): string {
  const lines = rows.map((r) => {
    const at = r.created_at.toISOString().slice(0, 16).replace('T', ' ');
    const who = r.direction === 'inbound' ? r.from_name || 'You' : r.from_name || inboxName;
    return `[${at} UTC] ${who}: ${r.text_body}`;
  });
  return `Here is the transcript of your chat with ${inboxName}.\n\n${lines.join('\n')}\n`;
}

/** Queues the transcript email in the caller's transaction; returns the message id. */
export async function queueTranscript(tx: PoolClient, conversation: LockedConversation, author: User, to: { name: string; address: string }): Promise<string> {
  const rows = await tx.query<{ direction: string; from_name: string; text_body: string; created_at: Date }>(
    `SELECT direction, from_name, text_body, created_at FROM messages
     WHERE conversation_id = $1 AND channel = ANY($2::text[]) AND hidden_at IS NULL ORDER BY created_at, id`,
    [conversation.id, [...TRANSCRIPT_CHANNELS]],
  );
  if (rows.rowCount === 0) throw new FailedPreconditionError('nothing_to_send', 'this conversation has no chat messages');
  const inbox = await tx.query<{ name: string }>('SELECT name FROM inboxes WHERE id = $1', [conversation.inboxId]);
  const inboxName = inbox.rows[0]?.name ?? 'us';
  const channel = await emailChannelOf(tx, conversation.accountId, conversation.inboxId, null);
  const messageId = await insertOutbound(tx, {
    conversationId: conversation.id,
    accountId: conversation.accountId,
    author,
    channelAddress: channel.address,
    token: await replyToken(tx, conversation.accountId, conversation.id),
    to,
    subject: `Transcript of your chat with ${inboxName}`,
    text: transcriptText(inboxName, rows.rows),
    html: null,
    inReplyTo: [],
    references: [],
    kind: 'transcript',
  });
  await announceOutbound(tx, conversation, author.id, messageId);
  return messageId;
}

/** When a chat closes: its transcript goes to the visitor's address, unless nothing was said since the last one. */
export async function sendTranscriptOnClose(tx: PoolClient, conversation: LockedConversation, author: User): Promise<void> {
  if (!TRANSCRIPT_CHANNELS.has(conversation.channel) || !conversation.contactId) return;
  const contact = (await tx.query<{ name: string; email: string | null }>('SELECT name, email FROM contacts WHERE id = $1', [conversation.contactId])).rows[0];
  if (!contact?.email) return;
  const news = await tx.query(
    `SELECT 1 FROM messages m WHERE m.conversation_id = $1 AND m.channel = ANY($2::text[])
       AND NOT EXISTS (SELECT 1 FROM messages t WHERE t.conversation_id = $1 AND t.fields ->> 'kind' = 'transcript' AND t.created_at >= m.created_at)
     LIMIT 1`,
    [conversation.id, [...TRANSCRIPT_CHANNELS]],
  );
  if (!news.rowCount) return;
  const hasEmailChannel = await tx.query("SELECT 1 FROM channels WHERE account_id = $1 AND inbox_id = $2 AND type = 'email' LIMIT 1", [conversation.accountId, conversation.inboxId]);
  if (!hasEmailChannel.rowCount) return;
  await queueTranscript(tx, conversation, author, { name: contact.name, address: contact.email });
}

export class SendTranscript {
  constructor(
    private readonly pool: Pool,
    private readonly directory: DirectoryRepository,
    private readonly onCommitted: () => void,
  ) {}

  async execute(actor: Actor, conversationId: string, to?: string): Promise<string> {
    const author = await requireActor(this.directory, actor, 'agent');
    const address = to?.trim().toLowerCase();
    if (address !== undefined && address !== '' && !isEmailAddress(address)) throw new InvalidArgumentError('invalid_recipient', 'to is not a valid email address');
    const messageId = await withTransaction(this.pool, async (tx) => {
      const conversation = await lockConversation(tx, actor.accountId, conversationId);
      if (conversation.trashedAt) throw new FailedPreconditionError('conversation_in_trash', 'restore the conversation first');
      if (!TRANSCRIPT_CHANNELS.has(conversation.channel)) throw new FailedPreconditionError('not_a_chat', 'only chat and Messenger conversations have transcripts');
      const contact = conversation.contactId
        ? (await tx.query<{ name: string; email: string | null }>('SELECT name, email FROM contacts WHERE id = $1', [conversation.contactId])).rows[0]
        : undefined;
      const recipient = address || contact?.email;
      if (!recipient) throw new FailedPreconditionError('no_contact_email', 'the visitor left no email address; send one as to');
      return queueTranscript(tx, conversation, author, { name: address ? '' : (contact?.name ?? ''), address: recipient });
    });
    this.onCommitted();
    return messageId;
  }
}
