// What the conversations module's use cases need of storage beyond the shared unit of work. Every
// method that takes a Transaction joins it.
import type { Transaction } from '../../../use-cases/unit-of-work';

export interface StoredComment {
  id: string;
  accountId: string;
  conversationId: string;
  authorId: string;
  text: string;
  mentionedUserIds: string[];
  createdAt: Date;
}

export interface ConversationWorkStore {
  // Comments
  inboxMemberIds(tx: Transaction, accountId: string, inboxId: string): Promise<Set<string>>;
  insertComment(tx: Transaction, comment: StoredComment): Promise<void>;
  // Senders and blocking
  /** The contact's email and channel id, to name its sender; null when there is no such contact. */
  contactAddresses(tx: Transaction, contactId: string): Promise<{ email: string | null; externalId: string | null } | null>;
  blockSender(tx: Transaction, accountId: string, senderKey: string, blockedBy: string): Promise<void>;
  /** False when the sender was not blocked. */
  unblockSender(tx: Transaction, accountId: string, senderKey: string): Promise<boolean>;
  /** Returns the sender's blocked conversations to the inbox (a new version each). */
  restoreBlockedConversations(tx: Transaction, accountId: string, sender: { kind: string; value: string }): Promise<{ id: string; inboxId: string; version: number }[]>;
  deleteTickets(tx: Transaction, accountId: string, conversationId: string): Promise<void>;
  closeOpenTickets(tx: Transaction, accountId: string, conversationId: string): Promise<void>;
  /** Locks the team against deletion for the rest of the transaction; false when there is no such team. */
  lockTeam(tx: Transaction, accountId: string, teamId: string): Promise<boolean>;
  // Assignment
  /** Serialises assignments to one user for the rest of the transaction, across replicas. */
  lockAssignee(tx: Transaction, accountId: string, userId: string): Promise<void>;
  /** The user's open conversations answered on chat-like channels (or on the others). */
  openAssigned(tx: Transaction, accountId: string, userId: string, chatLike: boolean): Promise<number>;
  // Hiding messages
  conversationOfMessage(tx: Transaction, accountId: string, messageId: string): Promise<string | null>;
  lockMessageHiding(tx: Transaction, messageId: string): Promise<{ hiddenAt: Date | null; hiddenBy: string | null }>;
  setMessageHidden(tx: Transaction, messageId: string, hidden: { at: Date; by: string } | null): Promise<void>;
  latestMessage(tx: Transaction, accountId: string, conversationId: string): Promise<{ id: string; text: string } | null>;
  // Deleting forever
  /** The blob keys of its attachments and raw messages. */
  blobKeysOf(tx: Transaction, conversationId: string): Promise<string[]>;
  deleteConversation(tx: Transaction, accountId: string, conversationId: string): Promise<void>;
  blobInUse(key: string): Promise<boolean>;
  /** Trashed before the cutoff, oldest first, locked and skipped by concurrent purges. */
  claimTrashedBefore(tx: Transaction, cutoff: Date, limit: number): Promise<{ id: string; accountId: string }[]>;
}
