// What storing one inbound message needs of PostgreSQL, one method per statement of the hot path.
// Every method joins the caller's transaction.
import type { Attachment } from '@inbox/lib/gen/inbox/events/v1/events';
import type { Transaction } from '../../../use-cases/unit-of-work';
import type { BotState } from '../../assist';
import type { InboundChannel } from './store-inbound-batch';

export interface StoredCall {
  id: string;
  conversationId: string;
  messageId: string | null;
  callSid: string | null;
  direction: 'inbound' | 'outbound';
  fromNumber: string;
  toNumber: string;
  status: string;
  answeredBy: string | null;
}

/** A channel thread's conversation after an inbound message touched it. */
export interface TouchedThread {
  version: number;
  assigneeId: string;
  contactId: string | null;
  bot: { chatflowId: string; state: BotState | null; handedOff: boolean } | null;
}

export interface NewInboundConversation {
  id: string;
  accountId: string;
  inboxId: string;
  channelId: string;
  channel: string;
  subject: string;
  contactId: string | null;
  preview: string;
  receivedAt: Date;
  filteredReason: string | null;
  /** Email: how many outside addresses the thread has. */
  participants?: number;
  /** Chat session, Messenger person or call: the thread this conversation is. */
  threadKey?: string;
}

export interface NewInboundMessage {
  id: string;
  accountId: string;
  conversationId: string;
  channel: 'email' | 'chat' | 'messenger' | 'form' | 'phone';
  sourceEventId: string;
  fromName: string;
  fromAddress: string;
  subject: string;
  text: string;
  replyText: string;
  receivedAt: Date;
  externalId?: string;
  fields?: Record<string, string> | null;
}

export interface NewInboundEmail extends NewInboundMessage {
  rfcMessageId: string | null;
  inReplyTo: string[];
  references: string[];
  to: unknown;
  cc: unknown;
  html: string | null;
  rawObjectKey: string | null;
  authentication: { spf: string; dkim: string; dmarc: string; aligned: boolean } | null;
  authorUserId: string | null;
  rawInline: Uint8Array | null;
}

export interface InboundMessageStore {
  /** Records the delivery; false when this event was stored before (its delivery count goes up). */
  recordReceipt(tx: Transaction, receipt: { eventId: string; accountId: string; channelType: string | null; receivedAt: Date }): Promise<boolean>;
  channel(tx: Transaction, accountId: string, channelId: string): Promise<InboundChannel | null>;
  /** One sender's or thread's events are stored one at a time, across replicas. */
  lockSender(tx: Transaction, key: string): Promise<void>;
  isBlocked(tx: Transaction, accountId: string, senderKeys: string[]): Promise<boolean>;
  /** The active user of the account with this email address. */
  userWithEmail(tx: Transaction, accountId: string, email: string): Promise<string | undefined>;
  userName(tx: Transaction, accountId: string, userId: string): Promise<string | null>;
  // Contacts
  /** A contact known only by a channel's own id (a chat visitor without email, an anonymous form). */
  upsertVisitor(tx: Transaction, accountId: string, externalId: string, name: string): Promise<string>;
  /** A contact identified by a calling number. */
  upsertPhoneContact(tx: Transaction, accountId: string, phone: string): Promise<string>;
  /** Puts the contact in the company of its email domain, made on first sight. */
  linkCompany(tx: Transaction, accountId: string, contactId: string, company: { name: string; domain: string }): Promise<void>;
  /** Whether an unfiltered conversation with this contact exists. */
  hasTalkedWith(tx: Transaction, accountId: string, contactId: string): Promise<boolean>;
  setContactEmailIfMissing(tx: Transaction, contactId: string, email: string): Promise<void>;
  setContactNameIfMissing(tx: Transaction, contactId: string, name: string): Promise<void>;
  setContactProperty(tx: Transaction, contactId: string, key: string, value: string): Promise<void>;
  // Threading
  conversationByMessageIds(tx: Transaction, accountId: string, inboxId: string, rfcMessageIds: string[]): Promise<string | null>;
  conversationByReplyTokens(tx: Transaction, accountId: string, tokens: string[]): Promise<string | null>;
  /** The contact's recent email conversations in the inbox, newest first. */
  recentEmailConversations(tx: Transaction, accountId: string, inboxId: string, contactId: string, days: number): Promise<{ id: string; subject: string }[]>;
  threadConversation(tx: Transaction, accountId: string, channel: string, threadKey: string): Promise<string | null>;
  // Conversations
  insertConversation(tx: Transaction, conversation: NewInboundConversation): Promise<void>;
  /** An email joined it: reopened, its preview and participants updated, a new version. */
  touchEmailConversation(tx: Transaction, c: { id: string; accountId: string; receivedAt: Date; preview: string; participants: number }): Promise<{ version: number; assigneeId: string }>;
  /** A chat, Messenger or call message joined it: reopened (filtered when the sender is blocked), a new version. */
  touchThreadConversation(tx: Transaction, c: { id: string; accountId: string; receivedAt: Date; preview: string; blocked: boolean }): Promise<TouchedThread>;
  /** A call's news reached the list: reopened with its preview (the caller bumps the version). */
  showCallNews(tx: Transaction, c: { id: string; accountId: string; receivedAt: Date; preview: string }): Promise<void>;
  bumpVersion(tx: Transaction, accountId: string, conversationId: string): Promise<{ version: number; assigneeId: string }>;
  assignIfUnowned(tx: Transaction, accountId: string, conversationId: string, userId: string): Promise<boolean>;
  /** The bot's progress on the conversation; returns the new version. */
  setBotState(tx: Transaction, conversationId: string, chatflowId: string | null, state: BotState, handedOff: boolean): Promise<number>;
  moveToContact(tx: Transaction, conversationId: string, contactId: string): Promise<void>;
  insertTicket(tx: Transaction, ticket: { id: string; accountId: string; conversationId: string; title: string }): Promise<void>;
  // Messages
  insertEmailMessage(tx: Transaction, message: NewInboundEmail): Promise<void>;
  insertMessage(tx: Transaction, message: NewInboundMessage): Promise<void>;
  insertAttachments(tx: Transaction, accountId: string, messageId: string, attachments: Attachment[]): Promise<void>;
  appendToMessage(tx: Transaction, messageId: string, text: string): Promise<void>;
  // Calls
  findCall(tx: Transaction, accountId: string, callSid: string, callId: string): Promise<StoredCall | null>;
  insertCall(
    tx: Transaction,
    call: { id: string; accountId: string; conversationId: string; channelId: string; callSid: string; direction: string; from: string; to: string; status: string; startedAt: Date },
  ): Promise<StoredCall>;
  setCallSid(tx: Transaction, callId: string, callSid: string): Promise<void>;
  setCallStatus(tx: Transaction, callId: string, status: string, durationSeconds: number, endedAt: Date | null): Promise<void>;
  setCallRecording(tx: Transaction, callId: string, url: string): Promise<void>;
  /** Also moves a call not yet in progress into progress. */
  setCallAnsweredBy(tx: Transaction, callId: string, userId: string): Promise<void>;
  setCallTranscript(tx: Transaction, callId: string, transcript: string): Promise<void>;
}
