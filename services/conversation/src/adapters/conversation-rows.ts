// Row-level helpers every conversation write path shares: lock the conversation for the rest of
// the transaction and apply a change that bumps its version.
import { NotFoundError, withCachedPlans, withTransaction, type Pool, type PoolClient } from '@inbox/lib';
import type { ConversationChanges, EventDraft, LockedConversation, Transaction, UnitOfWork } from '../use-cases/unit-of-work';
import { appendEvents } from './outbox';

export type { LockedConversation } from '../use-cases/unit-of-work';


async function lockConversation(tx: PoolClient, accountId: string, conversationId: string): Promise<LockedConversation> {
  const result = await tx.query(
    `SELECT id, account_id, inbox_id, channel, reply_channel, status, subject, contact_id, assignee_id, team_id, filtered, filtered_reason, trashed_at,
            awaiting_first_reply, bot_chatflow_id, handed_off, last_message_at, thread_key, version
     FROM conversations WHERE account_id = $1 AND id = $2 FOR UPDATE`,
    [accountId, conversationId],
  );
  const row = result.rows[0];
  if (!row) throw new NotFoundError('conversation_not_found', 'no such conversation');
  return {
    id: row.id,
    accountId: row.account_id,
    inboxId: row.inbox_id,
    channel: row.channel,
    replyChannel: row.reply_channel,
    status: row.status,
    subject: row.subject,
    contactId: row.contact_id,
    assigneeId: row.assignee_id,
    teamId: row.team_id,
    filtered: row.filtered,
    filteredReason: row.filtered_reason,
    trashedAt: row.trashed_at,
    awaitingFirstReply: row.awaiting_first_reply,
    botChatflowId: row.bot_chatflow_id,
    handedOff: row.handed_off,
    lastMessageAt: row.last_message_at,
    threadKey: row.thread_key,
    version: Number(row.version),
  };
}

/** Applies column changes and bumps the version; returns the new version. */
async function updateConversation(tx: PoolClient, conversation: LockedConversation, changes: Record<string, unknown>): Promise<number> {
  const columns = Object.keys(changes);
  const assignments = columns.map((column, i) => `${column} = $${i + 3}`);
  const result = await tx.query<{ version: string }>(
    `UPDATE conversations SET ${[...assignments, 'version = version + 1', 'updated_at = now()'].join(', ')}
     WHERE account_id = $1 AND id = $2 RETURNING version`,
    [conversation.accountId, conversation.id, ...columns.map((c) => changes[c])],
  );
  return Number(result.rows[0].version);
}

const COLUMNS: Record<keyof ConversationChanges, string> = {
  assigneeId: 'assignee_id',
  teamId: 'team_id',
  status: 'status',
  trashedAt: 'trashed_at',
  filtered: 'filtered',
  filteredReason: 'filtered_reason',
  contactId: 'contact_id',
  preview: 'preview',
  commentPreview: 'comment_preview',
  lastMessageDirection: 'last_message_direction',
  replyChannel: 'reply_channel',
  channelId: 'channel_id',
  threadKey: 'thread_key',
};

export class PostgresUnitOfWork implements UnitOfWork {
  constructor(private readonly pool: Pool) {}

  run<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return withTransaction(this.pool, work);
  }

  runWithCachedPlans<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return withCachedPlans(this.pool, work);
  }

  lockConversation(tx: Transaction, accountId: string, conversationId: string): Promise<LockedConversation> {
    return lockConversation(tx, accountId, conversationId);
  }

  changeConversation(tx: Transaction, conversation: LockedConversation, changes: ConversationChanges): Promise<number> {
    const columns = Object.fromEntries(
      (Object.entries(changes) as [keyof ConversationChanges, unknown][]).filter(([, value]) => value !== undefined).map(([field, value]) => [COLUMNS[field], value]),
    );
    return updateConversation(tx, conversation, columns);
  }

  emit(tx: Transaction, drafts: EventDraft[]): Promise<void> {
    return appendEvents(tx, drafts);
  }
}
