// The unit of work every module's use cases share: one transaction around a change, the
// conversation's row lock, its versioned update and its events in the outbox, committed together.
// Use cases hand the open transaction to stores and to other modules' hooks; only adapters query
// through it.
import type { PoolClient } from '@inbox/lib';
import type { ConversationEvent } from '@inbox/lib/gen/inbox/events/v1/events';

export type Transaction = PoolClient;

export interface LockedConversation {
  id: string;
  accountId: string;
  inboxId: string;
  /** Where it came from: its views and its chat transcript follow this. */
  channel: string;
  /** Where replies go when it was answered on another channel (a chat answered by email); else null. */
  replyChannel: string | null;
  status: 'open' | 'closed';
  subject: string;
  contactId: string | null;
  assigneeId: string | null;
  teamId: string | null;
  filtered: boolean;
  filteredReason: string | null;
  trashedAt: Date | null;
  awaitingFirstReply: boolean;
  botChatflowId: string | null;
  handedOff: boolean;
  lastMessageAt: Date;
  threadKey: string | null;
  version: number;
}

/** A conversation's own fields a change may set; any change bumps its version. */
export interface ConversationChanges {
  assigneeId?: string | null;
  teamId?: string | null;
  status?: 'open' | 'closed';
  trashedAt?: Date | null;
  filtered?: boolean;
  filteredReason?: string | null;
  contactId?: string | null;
  /** The list's line under the subject: the latest message, or a hidden one's placeholder. */
  preview?: string;
  commentPreview?: string;
  lastMessageDirection?: 'inbound' | 'outbound';
  /** Answered on another channel from now on (a chat answered by email), through this channel. */
  replyChannel?: string | null;
  channelId?: string | null;
  threadKey?: string | null;
}

export type EventDraft = Omit<Partial<ConversationEvent>, 'eventId' | 'occurredAt'> &
  Pick<ConversationEvent, 'accountId' | 'inboxId' | 'conversationId' | 'type' | 'version'>;

export interface UnitOfWork {
  /** Runs the work in one transaction: committed when it returns, rolled back when it throws. */
  run<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  /** The same for a hot path of static statements: each is named and runs the plan cached for it on the connection. */
  runWithCachedPlans<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  /** Locks the conversation for the rest of the transaction; conversation_not_found when the account has no such one. */
  lockConversation(tx: Transaction, accountId: string, conversationId: string): Promise<LockedConversation>;
  /** Applies the changes and bumps the version; returns the new version. */
  changeConversation(tx: Transaction, conversation: LockedConversation, changes: ConversationChanges): Promise<number>;
  /** Records events in the outbox, to be published once the transaction commits. */
  emit(tx: Transaction, drafts: EventDraft[]): Promise<void>;
}
