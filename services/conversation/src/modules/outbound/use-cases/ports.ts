// What the outbound module's use cases need of storage and of the chat edge. Methods that take a
// Transaction join it.
import type { Transaction } from '../../../use-cases/unit-of-work';
import type { Address } from '../domain/recipients';

export interface OutboundEmailRow {
  messageId: string;
  accountId: string;
  conversationId: string;
  rfcMessageId: string;
  inReplyTo: string[];
  references: string[];
  fromName: string;
  fromAddress: string;
  to: Address;
  cc: Address[];
  bcc: Address[];
  subject: string;
  text: string;
  html: string | null;
  authorId: string;
  replyToAddress: string;
  kind: string | null;
}

export interface QuotedMessage {
  id: string;
  fromName: string;
  fromAddress: string;
  subject: string;
  text: string;
  createdAt: Date;
}

export interface ChatLine {
  direction: string;
  fromName: string;
  text: string;
  createdAt: Date;
}

export interface OutboundStore {
  contactOf(tx: Transaction, contactId: string): Promise<{ name: string; email: string | null; phone: string | null } | null>;
  /** Every address the account receives email on. */
  ownEmailAddresses(tx: Transaction, accountId: string): Promise<string[]>;
  /** Whom the customer's last email went to. */
  lastInboundRecipients(tx: Transaction, conversationId: string): Promise<{ to: Address[]; cc: Address[] }>;
  /** The Message-IDs of the thread, oldest first. */
  threadMessageIds(tx: Transaction, conversationId: string): Promise<{ rfcMessageId: string; direction: string }[]>;
  replyToken(tx: Transaction, conversationId: string): Promise<string | null>;
  insertReplyToken(tx: Transaction, token: string, accountId: string, conversationId: string): Promise<void>;
  /** The inbox's email channel to send from: the preferred one, else a verified one, else the oldest. */
  emailChannel(tx: Transaction, accountId: string, inboxId: string, preferredId: string | null): Promise<{ id: string; address: string; verified: boolean; signature: string } | null>;
  hasEmailChannel(tx: Transaction, accountId: string, inboxId: string): Promise<boolean>;
  /** The message, queued for the delivery worker. */
  insertOutboundEmail(tx: Transaction, email: OutboundEmailRow): Promise<void>;
  insertMessengerReply(tx: Transaction, reply: { id: string; accountId: string; conversationId: string; authorName: string; authorId: string; text: string }): Promise<void>;
  /** Moves the author's uploads onto the message; answers how many were theirs. */
  claimUploads(tx: Transaction, accountId: string, userId: string, uploadIds: string[], messageId: string): Promise<number>;
  insertUpload(upload: { id: string; accountId: string; userId: string; filename: string; contentType: string; size: number; objectKey: string }): Promise<void>;
  insertComposedConversation(
    tx: Transaction,
    conversation: { id: string; accountId: string; inboxId: string; channelId: string; subject: string; contactId: string; assigneeId: string; preview: string; at: Date },
  ): Promise<void>;
  inboxName(tx: Transaction, inboxId: string): Promise<string | null>;
  /** The visible messages on these channels, oldest first. */
  chatLines(tx: Transaction, conversationId: string, channels: string[]): Promise<ChatLine[]>;
  /** Whether anything was said on these channels since the last transcript. */
  saidSinceLastTranscript(tx: Transaction, conversationId: string, channels: string[]): Promise<boolean>;
  /** Visible messages a forward quotes (one, or all that are not our own transcripts, forwards or surveys), oldest first. */
  quotedMessages(tx: Transaction, accountId: string, conversationId: string, messageId: string | null): Promise<QuotedMessage[]>;
  copyAttachments(tx: Transaction, accountId: string, fromMessageIds: string[], toMessageId: string): Promise<void>;
  /** The inbox's phone channel, the conversation's own first. */
  phoneChannel(tx: Transaction, accountId: string, inboxId: string, conversationId: string): Promise<{ id: string; number: string } | null>;
  /** The call's message, its call record and its delivery, queued for the provider. */
  insertPlacedCall(
    tx: Transaction,
    call: { messageId: string; callId: string; accountId: string; conversationId: string; channelId: string; authorName: string; authorId: string; from: string; to: string; text: string },
  ): Promise<void>;
}

/** Stores a message to a chat visitor and hands it to the chat edge in the same transaction; returns its id. */
export type ChatSender = (
  tx: Transaction,
  conversation: { id: string; accountId: string; sessionId: string },
  author: { name: string; userId: string | null },
  text: string,
) => Promise<string>;
