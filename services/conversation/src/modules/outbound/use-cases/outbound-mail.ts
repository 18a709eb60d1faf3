// What every outbound email shares, whichever use case sends it (a reply, a new email, a
// transcript, a forward, a survey): the channel it goes from, the conversation's reply token,
// the stored and queued message, and the conversation's new version and events.
import { randomBytes } from 'node:crypto';
import { FailedPreconditionError, newId, uuidv7 } from '@inbox/lib';
import { ConversationEventType } from '@inbox/lib/gen/inbox/events/v1/events';
import { MessageDirection } from '@inbox/lib/gen/inbox/common/v1/common';
import type { ConversationChanges, EventDraft, LockedConversation, Transaction, UnitOfWork } from '../../../use-cases/unit-of-work';
import type { User } from '../../directory';
import { preview } from '../../../domain/email-rules';
import type { Address } from '../domain/recipients';
import type { OutboundStore } from './ports';

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

export class OutboundMail {
  constructor(
    private readonly work: UnitOfWork,
    private readonly store: Pick<OutboundStore, 'emailChannel' | 'replyToken' | 'insertReplyToken' | 'insertOutboundEmail'>,
  ) {}

  /** The inbox's email channel to send from; an unverified address sends nothing. */
  async emailChannel(tx: Transaction, accountId: string, inboxId: string, preferredId: string | null): Promise<{ id: string; address: string; signature: string }> {
    const found = await this.store.emailChannel(tx, accountId, inboxId, preferredId);
    if (!found) throw new FailedPreconditionError('no_email_channel', 'this inbox has no email channel to send from');
    if (!found.verified) throw new FailedPreconditionError('channel_unverified', `nothing is sent from ${found.address} until an admin enters the code mailed to it`);
    return { id: found.id, address: found.address, signature: found.signature };
  }

  /** The conversation's reply token (answers to any of its emails thread back by it), made on first use. */
  async replyToken(tx: Transaction, accountId: string, conversationId: string): Promise<string> {
    const existing = await this.store.replyToken(tx, conversationId);
    if (existing) return existing;
    const token = randomBytes(12).toString('base64url');
    await this.store.insertReplyToken(tx, token, accountId, conversationId);
    return token;
  }

  /** Stores the email and queues it for the delivery worker; returns the message id. */
  async queue(tx: Transaction, email: OutboundEmail): Promise<string> {
    const messageId = newId('msg');
    const [local, domain] = email.channelAddress.split('@');
    await this.store.insertOutboundEmail(tx, {
      messageId,
      accountId: email.accountId,
      conversationId: email.conversationId,
      rfcMessageId: `r-${email.token}.${uuidv7()}@${domain}`,
      inReplyTo: email.inReplyTo,
      references: email.references,
      fromName: email.author.name,
      fromAddress: email.channelAddress,
      to: email.to,
      cc: email.cc ?? [],
      bcc: email.bcc ?? [],
      subject: email.subject,
      text: email.text,
      html: email.html,
      authorId: email.author.id,
      replyToAddress: `${local}+r-${email.token}@${domain}`,
      kind: email.kind ?? null,
    });
    return messageId;
  }

  /** An outbound message that is not a reply (transcript, forward, survey): a new version and its event, nothing else changes. */
  async announce(tx: Transaction, conversation: LockedConversation, authorId: string, messageId: string): Promise<void> {
    const version = await this.work.changeConversation(tx, conversation, {});
    await this.work.emit(tx, [
      {
        accountId: conversation.accountId,
        inboxId: conversation.inboxId,
        conversationId: conversation.id,
        version: String(version),
        actorUserId: authorId,
        messageId,
        messageDirection: MessageDirection.MESSAGE_DIRECTION_OUTBOUND,
        type: ConversationEventType.CONVERSATION_EVENT_TYPE_MESSAGE_CREATED,
      },
    ]);
  }

  /** A reply: the list shows it, an unassigned conversation becomes the replier's. */
  async finishReply(tx: Transaction, conversation: LockedConversation, author: User, messageId: string, text: string, extra: ConversationChanges = {}): Promise<void> {
    const changes: ConversationChanges = { ...extra, lastMessageDirection: 'outbound', preview: preview(text) };
    const assignNow = conversation.assigneeId === null;
    if (assignNow) changes.assigneeId = author.id;
    const version = await this.work.changeConversation(tx, conversation, changes);
    const base = { accountId: conversation.accountId, inboxId: conversation.inboxId, conversationId: conversation.id, version: String(version), actorUserId: author.id };
    const events: EventDraft[] = [
      { ...base, type: ConversationEventType.CONVERSATION_EVENT_TYPE_MESSAGE_CREATED, messageId, messageDirection: MessageDirection.MESSAGE_DIRECTION_OUTBOUND },
      { ...base, type: ConversationEventType.CONVERSATION_EVENT_TYPE_UPDATED },
    ];
    if (assignNow) events.push({ ...base, type: ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED, assigneeId: author.id, previousAssigneeId: '' });
    await this.work.emit(tx, events);
  }
}
