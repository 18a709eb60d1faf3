// Outbound email: a reply on a conversation (the unassigned conversation becomes the replier's)
// and a new email composed from the inbox (in Sent until the contact replies). The message gets
// a Message-ID carrying the conversation's reply token, In-Reply-To/References of the thread and
// a plus-address Reply-To; it is queued for the delivery worker in the same transaction.
import { FailedPreconditionError, InvalidArgumentError, NotFoundError, newId, isEmailAddress } from '@inbox/lib';
import type { EmailContacts } from '../../../domain/email-contacts';
import { convert } from 'html-to-text';
import { ConversationEventType } from '@inbox/lib/gen/inbox/events/v1/events';
import { MessageDirection } from '@inbox/lib/gen/inbox/common/v1/common';
import type { LockedConversation, Transaction, UnitOfWork } from '../../../use-cases/unit-of-work';
import type { DirectoryStore } from '../../directory';
import type { Actor, User } from '../../directory';
import { hasReplyPrefix, preview } from '../../../domain/email-rules';
import { sanitizeEmailHtml } from '../../../domain/html';
import { requireActor } from '../../directory';
import { parseRecipients, recipients } from '../domain/recipients';
import { withSignature } from '../domain/signature';
import type { OutboundMail } from './outbound-mail';
import type { ChatSender, OutboundStore } from './ports';

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

type ReplyStore = Pick<OutboundStore, 'contactOf' | 'threadMessageIds' | 'lastInboundRecipients' | 'ownEmailAddresses' | 'insertMessengerReply' | 'claimUploads'>;

export class ReplyToConversation {
  constructor(
    private readonly work: UnitOfWork,
    private readonly mail: OutboundMail,
    private readonly store: ReplyStore,
    private readonly sendOnChat: ChatSender,
    private readonly directory: DirectoryStore,
    private readonly onCommitted: () => void,
  ) {}

  async execute(actor: Actor, conversationId: string, body: OutboundBody, channel?: string, uploadIds: string[] = [], copies: Copies = NO_COPIES): Promise<string> {
    const author = await requireActor(this.directory, actor, 'agent');
    const { text, html } = normaliseBody(body);
    const cc = parseRecipients('cc', copies.cc);
    const bcc = parseRecipients('bcc', copies.bcc);
    const uploads = [...new Set(uploadIds)];
    if (uploads.length > MAX_ATTACHMENTS) throw new InvalidArgumentError('too_many_attachments', `at most ${MAX_ATTACHMENTS} attachments`);
    const messageId = await this.work.run(async (tx) => {
      const conversation = await this.work.lockConversation(tx, actor.accountId, conversationId);
      if (conversation.trashedAt) throw new FailedPreconditionError('conversation_in_trash', 'restore the conversation first');
      const replyChannel = channel || conversation.replyChannel || conversation.channel;
      if (uploads.length > 0 && replyChannel !== 'email') throw new FailedPreconditionError('attachments_not_supported', `attachments can be sent by email only, not on ${replyChannel}`);
      if ((cc.length || bcc.length || copies.replyAll) && replyChannel !== 'email') throw new FailedPreconditionError('copies_need_email', `copies and reply-all are for email, not ${replyChannel}`);
      if (replyChannel === 'chat') return this.replyOnChat(tx, conversation, author, text);
      if (replyChannel === 'messenger') return this.replyOnMessenger(tx, conversation, author, text);
      if (replyChannel !== 'email') {
        throw new FailedPreconditionError('channel_not_supported', replyChannel === 'phone' ? 'place a call with POST /conversations/:id/calls, or reply by email' : `replies on ${replyChannel} are not possible; reply by email instead`);
      }
      const contact = conversation.contactId ? await this.store.contactOf(tx, conversation.contactId) : null;
      if (!contact?.email) throw new FailedPreconditionError('no_contact_email', 'the contact has no email address to reply to');
      const thread = await this.store.threadMessageIds(tx, conversationId);
      const ids = thread.map((r) => r.rfcMessageId);
      const lastInbound = [...thread].reverse().find((r) => r.direction === 'inbound')?.rfcMessageId;
      const channelRow = await this.mail.emailChannel(tx, actor.accountId, conversation.inboxId, null);
      const addressed = recipients({
        to: { name: contact.name, address: contact.email },
        replyAllTo: copies.replyAll ? await this.store.lastInboundRecipients(tx, conversationId) : undefined,
        cc,
        bcc,
        ownAddresses: await this.store.ownEmailAddresses(tx, actor.accountId),
      });
      const id = await this.mail.queue(tx, {
        conversationId,
        accountId: actor.accountId,
        author,
        channelAddress: channelRow.address,
        token: await this.mail.replyToken(tx, actor.accountId, conversationId),
        to: addressed.to,
        cc: addressed.cc,
        bcc: addressed.bcc,
        subject: !conversation.subject ? 'Your conversation with us' : hasReplyPrefix(conversation.subject) ? conversation.subject : `Re: ${conversation.subject}`,
        ...withSignature({ text, html }, channelRow.signature, author.name),
        inReplyTo: lastInbound ? [lastInbound] : ids.slice(-1),
        references: ids.slice(-20),
      });
      await this.attachUploads(tx, actor, id, uploads);
      // Answering a chat, Messenger or call by email continues it on email (the customer's reply threads back into it);
      // it stays a chat in its views, and its transcript is still sent on close.
      const switched = conversation.channel === 'email' || conversation.replyChannel === 'email' ? {} : { replyChannel: 'email', channelId: channelRow.id, threadKey: null };
      await this.mail.finishReply(tx, conversation, author, id, text, switched);
      return id;
    });
    this.onCommitted();
    return messageId;
  }

  /** A Messenger reply is queued for the Send API; its delivery status (or Meta's refusal) shows on the message. */
  private async replyOnMessenger(tx: Transaction, conversation: LockedConversation, author: User, text: string): Promise<string> {
    if (conversation.channel !== 'messenger' || !conversation.threadKey) {
      throw new FailedPreconditionError('channel_not_available', 'only a Messenger conversation can be answered on Messenger');
    }
    if (text.length > MESSENGER_MAX_TEXT) throw new InvalidArgumentError('message_too_long', `Messenger messages have at most ${MESSENGER_MAX_TEXT} characters`);
    const id = newId('msg');
    await this.store.insertMessengerReply(tx, { id, accountId: conversation.accountId, conversationId: conversation.id, authorName: author.name, authorId: author.id, text });
    await this.mail.finishReply(tx, conversation, author, id, text);
    return id;
  }

  /** A chat reply is stored and handed to the chat edge, which delivers it to the visitor's widget. */
  private async replyOnChat(tx: Transaction, conversation: LockedConversation, author: User, text: string): Promise<string> {
    if (conversation.channel !== 'chat' || !conversation.threadKey) {
      throw new FailedPreconditionError('channel_not_available', 'only a chat conversation can be answered on chat');
    }
    const id = await this.sendOnChat(tx, { id: conversation.id, accountId: conversation.accountId, sessionId: conversation.threadKey }, { name: author.name, userId: author.id }, text);
    await this.mail.finishReply(tx, conversation, author, id, text);
    return id;
  }

  /** Moves the author's own uploads onto the message; an id that is not theirs (or gone) fails the whole reply. */
  private async attachUploads(tx: Transaction, actor: Actor, messageId: string, uploadIds: string[]): Promise<void> {
    if (uploadIds.length === 0) return;
    const claimed = await this.store.claimUploads(tx, actor.accountId, actor.userId, uploadIds, messageId);
    if (claimed !== uploadIds.length) throw new NotFoundError('upload_not_found', 'an attachment is not one of your uploads (or was already sent)');
  }
}

export class ComposeEmail {
  constructor(
    private readonly work: UnitOfWork,
    private readonly mail: OutboundMail,
    private readonly store: Pick<OutboundStore, 'ownEmailAddresses' | 'insertComposedConversation'>,
    private readonly directory: DirectoryStore,
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
    const result = await this.work.run(async (tx) => {
      const channel = await this.mail.emailChannel(tx, actor.accountId, input.inboxId, null);
      const contact = await this.contacts.upsert(tx, actor.accountId, to);
      const addressed = recipients({ to: { name: contact.name, address: to }, cc, bcc, ownAddresses: await this.store.ownEmailAddresses(tx, actor.accountId) });
      const conversationId = newId('con');
      await this.store.insertComposedConversation(tx, {
        id: conversationId,
        accountId: actor.accountId,
        inboxId: input.inboxId,
        channelId: channel.id,
        subject,
        contactId: contact.id,
        assigneeId: author.id,
        preview: preview(text),
        at: new Date(),
      });
      const messageId = await this.mail.queue(tx, {
        conversationId,
        accountId: actor.accountId,
        author,
        channelAddress: channel.address,
        token: await this.mail.replyToken(tx, actor.accountId, conversationId),
        to: addressed.to,
        cc: addressed.cc,
        bcc: addressed.bcc,
        subject,
        ...withSignature({ text, html }, channel.signature, author.name),
        inReplyTo: [],
        references: [],
      });
      const base = { accountId: actor.accountId, inboxId: input.inboxId, conversationId, version: '1', actorUserId: author.id };
      await this.work.emit(tx, [
        { ...base, type: ConversationEventType.CONVERSATION_EVENT_TYPE_CREATED },
        { ...base, type: ConversationEventType.CONVERSATION_EVENT_TYPE_MESSAGE_CREATED, messageId, messageDirection: MessageDirection.MESSAGE_DIRECTION_OUTBOUND },
      ]);
      return { conversationId, messageId };
    });
    this.onCommitted();
    return result;
  }
}
