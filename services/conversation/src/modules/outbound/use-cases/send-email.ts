// Outbound email: a reply on a conversation (the unassigned conversation becomes the replier's)
// and a new email composed from the inbox (in Sent until the contact replies). The message gets
// a Message-ID carrying the conversation's reply token, In-Reply-To/References of the thread and
// a plus-address Reply-To; it is queued for the delivery worker in the same transaction.
import { randomBytes } from 'node:crypto';
import { FailedPreconditionError, InvalidArgumentError, NotFoundError, newId, uuidv7, withTransaction, type Pool, type PoolClient, isEmailAddress } from '@inbox/lib';
import type { EmailContacts } from '../../../domain/email-contacts';
import { convert } from 'html-to-text';
import { ConversationEventType } from '@inbox/lib/gen/inbox/events/v1/events';
import { lockConversation, updateConversation, type LockedConversation } from '../../../adapters/conversation-rows';
import type { DirectoryRepository } from '../../directory/adapters';
import { sendOnChat } from '../adapters/chat-outbound';
import { appendEvents, type EventDraft } from '../../../adapters/outbox';
import type { Actor, User } from '../../directory';
import { hasReplyPrefix, preview } from '../../../domain/email-rules';
import { sanitizeEmailHtml } from '../../../domain/html';
import { requireActor } from '../../directory';
import { parseRecipients, recipients, type Address } from '../domain/recipients';
import { withSignature } from '../domain/signature';

const MAX_BODY = 1_000_000;
const MAX_ATTACHMENTS = 20;
const MESSENGER_MAX_TEXT = 2000;

export interface OutboundBody {
  text?: string;
  html?: string;
}

function normaliseBody(body: OutboundBody): { text: string; html: string | null } {
  const html = body.html?.trim() ? sanitizeEmailHtml(body.html) : null;
  const text = body.text?.trim() ? body.text : html ? convert(html, { wordwrap: 78 }) : '';
  if (!text.trim()) throw new InvalidArgumentError('body_required', 'a message needs text or html');
  if (text.length > MAX_BODY || (html?.length ?? 0) > MAX_BODY) throw new InvalidArgumentError('body_too_long', 'the message body is too long');
  return { text, html };
}

export interface Copies {
  cc: string[];
  bcc: string[];
  replyAll: boolean;
}
const NO_COPIES: Copies = { cc: [], bcc: [], replyAll: false };

/** Every address the account receives email on (replies never copy these). */
async function ownEmailAddresses(tx: PoolClient, accountId: string): Promise<string[]> {
  const result = await tx.query<{ lookup_key: string }>("SELECT lookup_key FROM channels WHERE account_id = $1 AND type = 'email'", [accountId]);
  return result.rows.map((r) => r.lookup_key);
}

/** Whom the customer's last email went to, for reply-all. */
async function lastInboundRecipients(tx: PoolClient, conversationId: string): Promise<{ to: Address[]; cc: Address[] }> {
  const last = await tx.query<{ to_addresses: Address[]; cc_addresses: Address[] }>(
    `SELECT to_addresses, cc_addresses FROM messages WHERE conversation_id = $1 AND direction = 'inbound' AND channel = 'email'
     ORDER BY created_at DESC, id DESC LIMIT 1`,
    [conversationId],
  );
  return { to: last.rows[0]?.to_addresses ?? [], cc: last.rows[0]?.cc_addresses ?? [] };
}

export async function replyToken(tx: PoolClient, accountId: string, conversationId: string): Promise<string> {
  const existing = await tx.query<{ token: string }>('SELECT token FROM reply_tokens WHERE conversation_id = $1 LIMIT 1', [conversationId]);
  if (existing.rowCount) return existing.rows[0].token;
  const token = randomBytes(12).toString('base64url');
  await tx.query('INSERT INTO reply_tokens (token, account_id, conversation_id) VALUES ($1, $2, $3)', [token, accountId, conversationId]);
  return token;
}

export async function emailChannelOf(tx: PoolClient, accountId: string, inboxId: string, preferredId: string | null): Promise<{ id: string; address: string; signature: string }> {
  const found = await tx.query<{ id: string; lookup_key: string; verified: boolean; signature: string | null }>(
    `SELECT id, lookup_key, verified, settings->>'signature' AS signature FROM channels WHERE account_id = $1 AND inbox_id = $2 AND type = 'email'
     ORDER BY (id = $3) DESC, verified DESC, created_at LIMIT 1`,
    [accountId, inboxId, preferredId ?? ''],
  );
  if (!found.rowCount) throw new FailedPreconditionError('no_email_channel', 'this inbox has no email channel to send from');
  if (!found.rows[0].verified) {
    throw new FailedPreconditionError('channel_unverified', `nothing is sent from ${found.rows[0].lookup_key} until an admin enters the code mailed to it`);
  }
  return { id: found.rows[0].id, address: found.rows[0].lookup_key, signature: found.rows[0].signature ?? '' };
}

export interface OutboundEmail {
  conversationId: string;
  accountId: string;
  author: User;
  channelAddress: string;
  token: string;
  to: { name: string; address: string };
  cc?: Address[];
  bcc?: Address[];
  subject: string;
  text: string;
  html: string | null;
  inReplyTo: string[];
  references: string[];
  /** What kind of email this is when it is not a reply (transcript, forward). */
  kind?: 'transcript' | 'forward' | 'survey';
}

export async function insertOutbound(tx: PoolClient, email: OutboundEmail): Promise<string> {
  const messageId = newId('msg');
  const [local, domain] = email.channelAddress.split('@');
  const rfcMessageId = `r-${email.token}.${uuidv7()}@${domain}`;
  await tx.query(
    `INSERT INTO messages (id, account_id, conversation_id, direction, channel, rfc_message_id, in_reply_to, reference_ids, from_name, from_address,
       to_addresses, subject, text_body, html_body, author_user_id, delivery_status, reply_to_address, fields, cc_addresses, bcc_addresses)
     VALUES ($1, $2, $3, 'outbound', 'email', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'queued', $14, $15, $16, $17)`,
    [
      messageId,
      email.accountId,
      email.conversationId,
      rfcMessageId,
      email.inReplyTo,
      email.references,
      email.author.name,
      email.channelAddress,
      JSON.stringify([email.to]),
      email.subject,
      email.text,
      email.html,
      email.author.id,
      `${local}+r-${email.token}@${domain}`,
      email.kind ? JSON.stringify({ kind: email.kind }) : null,
      JSON.stringify(email.cc ?? []),
      JSON.stringify(email.bcc ?? []),
    ],
  );
  await tx.query('INSERT INTO outbound_deliveries (message_id, account_id) VALUES ($1, $2)', [messageId, email.accountId]);
  return messageId;
}

export class ReplyToConversation {
  constructor(
    private readonly pool: Pool,
    private readonly directory: DirectoryRepository,
    private readonly onCommitted: () => void,
  ) {}

  async execute(actor: Actor, conversationId: string, body: OutboundBody, channel?: string, uploadIds: string[] = [], copies: Copies = NO_COPIES): Promise<string> {
    const author = await requireActor(this.directory, actor, 'agent');
    const { text, html } = normaliseBody(body);
    const cc = parseRecipients('cc', copies.cc);
    const bcc = parseRecipients('bcc', copies.bcc);
    const uploads = [...new Set(uploadIds)];
    if (uploads.length > MAX_ATTACHMENTS) throw new InvalidArgumentError('too_many_attachments', `at most ${MAX_ATTACHMENTS} attachments`);
    const messageId = await withTransaction(this.pool, async (tx) => {
      const conversation = await lockConversation(tx, actor.accountId, conversationId);
      if (conversation.trashedAt) throw new FailedPreconditionError('conversation_in_trash', 'restore the conversation first');
      const replyChannel = channel || conversation.replyChannel || conversation.channel;
      if (uploads.length > 0 && replyChannel !== 'email') throw new FailedPreconditionError('attachments_not_supported', `attachments can be sent by email only, not on ${replyChannel}`);
      if ((cc.length || bcc.length || copies.replyAll) && replyChannel !== 'email') throw new FailedPreconditionError('copies_need_email', `copies and reply-all are for email, not ${replyChannel}`);
      if (replyChannel === 'chat') return this.replyOnChat(tx, conversation, author, text);
      if (replyChannel === 'messenger') return this.replyOnMessenger(tx, conversation, author, text);
      if (replyChannel !== 'email') {
        throw new FailedPreconditionError('channel_not_supported', replyChannel === 'phone' ? 'place a call with POST /conversations/:id/calls, or reply by email' : `replies on ${replyChannel} are not possible; reply by email instead`);
      }
      const contact = conversation.contactId
        ? (await tx.query<{ name: string; email: string | null }>('SELECT name, email FROM contacts WHERE id = $1', [conversation.contactId])).rows[0]
        : undefined;
      if (!contact?.email) throw new FailedPreconditionError('no_contact_email', 'the contact has no email address to reply to');
      const thread = await tx.query<{ rfc_message_id: string; direction: string }>(
        `SELECT rfc_message_id, direction FROM messages WHERE conversation_id = $1 AND rfc_message_id IS NOT NULL ORDER BY created_at, id`,
        [conversationId],
      );
      const ids = thread.rows.map((r) => r.rfc_message_id);
      const lastInbound = [...thread.rows].reverse().find((r) => r.direction === 'inbound')?.rfc_message_id;
      const channelRow = await emailChannelOf(tx, actor.accountId, conversation.inboxId, null);
      const addressed = recipients({
        to: { name: contact.name, address: contact.email },
        replyAllTo: copies.replyAll ? await lastInboundRecipients(tx, conversationId) : undefined,
        cc,
        bcc,
        ownAddresses: await ownEmailAddresses(tx, actor.accountId),
      });
      const id = await insertOutbound(tx, {
        conversationId,
        accountId: actor.accountId,
        author,
        channelAddress: channelRow.address,
        token: await replyToken(tx, actor.accountId, conversationId),
        to: addressed.to,
        cc: addressed.cc,
        bcc: addressed.bcc,
        subject: !conversation.subject ? 'Your conversation with us' : hasReplyPrefix(conversation.subject) ? conversation.subject : `Re: ${conversation.subject}`,
        ...withSignature({ text, html }, channelRow.signature, author.name),
        inReplyTo: lastInbound ? [lastInbound] : ids.slice(-1),
        references: ids.slice(-20),
      });
      await attachUploads(tx, actor, id, uploads);
      // Answering a chat, Messenger or call by email continues it on email (the customer's reply threads back into it);
      // it stays a chat in its views, and its transcript is still sent on close.
      const switched = conversation.channel === 'email' || conversation.replyChannel === 'email' ? {} : { reply_channel: 'email', channel_id: channelRow.id, thread_key: null };
      await finishReply(tx, conversation, author, id, text, switched);
      return id;
    });
    this.onCommitted();
    return messageId;
  }

  /** A Messenger reply is queued for the Send API; its delivery status (or Meta's refusal) shows on the message. */
  private async replyOnMessenger(tx: PoolClient, conversation: LockedConversation, author: User, text: string): Promise<string> {
    if (conversation.channel !== 'messenger' || !conversation.threadKey) {
      throw new FailedPreconditionError('channel_not_available', 'only a Messenger conversation can be answered on Messenger');
    }
    if (text.length > MESSENGER_MAX_TEXT) throw new InvalidArgumentError('message_too_long', `Messenger messages have at most ${MESSENGER_MAX_TEXT} characters`);
    const id = newId('msg');
    await tx.query(
      `INSERT INTO messages (id, account_id, conversation_id, direction, channel, from_name, text_body, reply_text, author_user_id, delivery_status)
       VALUES ($1, $2, $3, 'outbound', 'messenger', $4, $5, $5, $6, 'queued')`,
      [id, conversation.accountId, conversation.id, author.name, text, author.id],
    );
    await tx.query('INSERT INTO outbound_deliveries (message_id, account_id) VALUES ($1, $2)', [id, conversation.accountId]);
    await finishReply(tx, conversation, author, id, text);
    return id;
  }

  /** A chat reply is stored and handed to the chat edge, which delivers it to the visitor's widget. */
  private async replyOnChat(tx: PoolClient, conversation: LockedConversation, author: User, text: string): Promise<string> {
    if (conversation.channel !== 'chat' || !conversation.threadKey) {
      throw new FailedPreconditionError('channel_not_available', 'only a chat conversation can be answered on chat');
    }
    const id = await sendOnChat(tx, { id: conversation.id, accountId: conversation.accountId, sessionId: conversation.threadKey }, { name: author.name, userId: author.id }, text);
    await finishReply(tx, conversation, author, id, text);
    return id;
  }
}

/** Moves the author's own uploads onto the message; an id that is not theirs (or gone) fails the whole reply. */
async function attachUploads(tx: PoolClient, actor: Actor, messageId: string, uploadIds: string[]): Promise<void> {
  if (uploadIds.length === 0) return;
  const claimed = await tx.query<{ id: string }>(
    `WITH taken AS (DELETE FROM uploads WHERE account_id = $1 AND user_id = $2 AND id = ANY($3::text[]) RETURNING *)
     INSERT INTO attachments (id, account_id, message_id, filename, content_type, size, object_key, inline, position)
     SELECT 'att_' || gen_random_uuid(), account_id, $4, filename, content_type, size, object_key, false,
            array_position($3::text[], taken.id) - 1
     FROM taken RETURNING id`,
    [actor.accountId, actor.userId, uploadIds, messageId],
  );
  if (claimed.rowCount !== uploadIds.length) throw new NotFoundError('upload_not_found', 'an attachment is not one of your uploads (or was already sent)');
}

/** An outbound message that is not a reply (transcript, forward): a new version and its event, nothing else changes. */
export async function announceOutbound(tx: PoolClient, conversation: LockedConversation, authorId: string, messageId: string): Promise<void> {
  const version = await updateConversation(tx, conversation, {});
  await appendEvents(tx, [
    {
      accountId: conversation.accountId,
      inboxId: conversation.inboxId,
      conversationId: conversation.id,
      version: String(version),
      actorUserId: authorId,
      messageId,
      messageDirection: 'outbound',
      type: ConversationEventType.CONVERSATION_EVENT_TYPE_MESSAGE_CREATED,
    },
  ]);
}

export async function finishReply(tx: PoolClient, conversation: LockedConversation, author: User, messageId: string, text: string, extra: Record<string, unknown> = {}): Promise<void> {
  const columns: Record<string, unknown> = { ...extra, last_message_direction: 'outbound', preview: preview(text) };
  const assignNow = conversation.assigneeId === null;
  if (assignNow) columns.assignee_id = author.id;
  const version = await updateConversation(tx, conversation, columns);
  const base = { accountId: conversation.accountId, inboxId: conversation.inboxId, conversationId: conversation.id, version: String(version), actorUserId: author.id };
  const events: EventDraft[] = [
    { ...base, type: ConversationEventType.CONVERSATION_EVENT_TYPE_MESSAGE_CREATED, messageId, messageDirection: 'outbound' },
    { ...base, type: ConversationEventType.CONVERSATION_EVENT_TYPE_UPDATED },
  ];
  if (assignNow) events.push({ ...base, type: ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED, assigneeId: author.id, previousAssigneeId: '' });
  await appendEvents(tx, events);
}

export class ComposeEmail {
  constructor(
    private readonly pool: Pool,
    private readonly directory: DirectoryRepository,
    private readonly contacts: EmailContacts,
    private readonly onCommitted: () => void,
  ) {}

  async execute(actor: Actor, input: { inboxId: string; to: string; subject: string; cc?: string[]; bcc?: string[] } & OutboundBody): Promise<{ conversationId: string; messageId: string }> {
    const author = await requireActor(this.directory, actor, 'agent');
    const to = input.to.trim().toLowerCase();
    if (!isEmailAddress(to)) throw new InvalidArgumentError('invalid_recipient', 'to is not a valid email address');
    const cc = parseRecipients('cc', input.cc ?? []);
    const bcc = parseRecipients('bcc', input.bcc ?? []);
    const subject = input.subject.trim();
    if (subject.length > 998) throw new InvalidArgumentError('subject_too_long', 'the subject is too long');
    const { text, html } = normaliseBody(input);
    const [inbox] = await this.directory.listInboxes(actor.accountId, input.inboxId);
    if (!inbox) throw new NotFoundError('inbox_not_found', 'no such inbox');
    const result = await withTransaction(this.pool, async (tx) => {
      const channel = await emailChannelOf(tx, actor.accountId, input.inboxId, null);
      const contact = await this.contacts.upsert(tx, actor.accountId, to);
      const addressed = recipients({ to: { name: contact.name, address: to }, cc, bcc, ownAddresses: await ownEmailAddresses(tx, actor.accountId) });
      const conversationId = newId('con');
      const now = new Date();
      await tx.query(
        `INSERT INTO conversations (id, account_id, inbox_id, channel_id, channel, subject, contact_id, assignee_id, preview, last_message_at,
           last_message_direction, awaiting_first_reply, created_at)
         VALUES ($1, $2, $3, $4, 'email', $5, $6, $7, $8, $9, 'outbound', true, $9)`,
        [conversationId, actor.accountId, input.inboxId, channel.id, subject, contact.id, author.id, preview(text), now],
      );
      const messageId = await insertOutbound(tx, {
        conversationId,
        accountId: actor.accountId,
        author,
        channelAddress: channel.address,
        token: await replyToken(tx, actor.accountId, conversationId),
        to: addressed.to,
        cc: addressed.cc,
        bcc: addressed.bcc,
        subject,
        ...withSignature({ text, html }, channel.signature, author.name),
        inReplyTo: [],
        references: [],
      });
      const base = { accountId: actor.accountId, inboxId: input.inboxId, conversationId, version: '1', actorUserId: author.id };
      await appendEvents(tx, [
        { ...base, type: ConversationEventType.CONVERSATION_EVENT_TYPE_CREATED },
        { ...base, type: ConversationEventType.CONVERSATION_EVENT_TYPE_MESSAGE_CREATED, messageId, messageDirection: 'outbound' },
      ]);
      return { conversationId, messageId };
    });
    this.onCommitted();
    return result;
  }
}
