// PostgreSQL behind the conversations module's use cases: comments, blocked senders, tickets a
// change touches, assignment counts, hidden messages and deleting forever.
import { notUnderLegalHold } from '../../governance/adapters';
import type { Pool } from '@inbox/lib';
import type { Transaction } from '../../../use-cases/unit-of-work';
import type { ConversationWorkStore, StoredComment } from '../use-cases/ports';

export class PostgresConversationWork implements ConversationWorkStore {
  constructor(private readonly pool: Pool) {}

  async inboxMemberIds(tx: Transaction, accountId: string, inboxId: string): Promise<Set<string>> {
    const result = await tx.query<{ user_id: string }>('SELECT user_id FROM inbox_members WHERE account_id = $1 AND inbox_id = $2', [accountId, inboxId]);
    return new Set(result.rows.map((r) => r.user_id));
  }

  async insertComment(tx: Transaction, c: StoredComment): Promise<void> {
    await tx.query('INSERT INTO comments (id, account_id, conversation_id, author_id, text_body, mentioned_ids, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      c.id,
      c.accountId,
      c.conversationId,
      c.authorId,
      c.text,
      c.mentionedUserIds,
      c.createdAt,
    ]);
  }

  async contactAddresses(tx: Transaction, contactId: string): Promise<{ email: string | null; externalId: string | null } | null> {
    const result = await tx.query<{ email: string | null; external_id: string | null }>('SELECT email, external_id FROM contacts WHERE id = $1', [contactId]);
    const row = result.rows[0];
    return row ? { email: row.email, externalId: row.external_id } : null;
  }

  async blockSender(tx: Transaction, accountId: string, senderKey: string, blockedBy: string): Promise<void> {
    await tx.query('INSERT INTO blocked_senders (account_id, sender_key, blocked_by) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [accountId, senderKey, blockedBy]);
  }

  async unblockSender(tx: Transaction, accountId: string, senderKey: string): Promise<boolean> {
    const removed = await tx.query('DELETE FROM blocked_senders WHERE account_id = $1 AND sender_key = $2', [accountId, senderKey]);
    return (removed.rowCount ?? 0) > 0;
  }

  async restoreBlockedConversations(tx: Transaction, accountId: string, sender: { kind: string; value: string }): Promise<{ id: string; inboxId: string; version: number }[]> {
    const restored = await tx.query<{ id: string; inbox_id: string; version: string }>(
      `UPDATE conversations c SET filtered = false, filtered_reason = NULL, version = version + 1, updated_at = now()
       FROM contacts ct WHERE ct.id = c.contact_id AND c.account_id = $1 AND c.filtered_reason = 'blocked_sender'
         AND ((($2 = 'email') AND lower(ct.email) = $3) OR ct.external_id = $3)
       RETURNING c.id, c.inbox_id, c.version`,
      [accountId, sender.kind, sender.value],
    );
    return restored.rows.map((row) => ({ id: row.id, inboxId: row.inbox_id, version: Number(row.version) }));
  }

  async deleteTickets(tx: Transaction, accountId: string, conversationId: string): Promise<void> {
    await tx.query('DELETE FROM tickets WHERE account_id = $1 AND conversation_id = $2', [accountId, conversationId]);
  }

  async closeOpenTickets(tx: Transaction, accountId: string, conversationId: string): Promise<void> {
    await tx.query(`UPDATE tickets SET status = 'closed', closed_at = now() WHERE account_id = $1 AND conversation_id = $2 AND status = 'open'`, [accountId, conversationId]);
  }

  async lockTeam(tx: Transaction, accountId: string, teamId: string): Promise<boolean> {
    const team = await tx.query('SELECT 1 FROM teams WHERE account_id = $1 AND id = $2 FOR SHARE', [accountId, teamId]);
    return (team.rowCount ?? 0) > 0;
  }

  async lockAssignee(tx: Transaction, accountId: string, userId: string): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`assign:${accountId}:${userId}`]);
  }

  async openAssigned(tx: Transaction, accountId: string, userId: string, chatLike: boolean): Promise<number> {
    const open = await tx.query<{ count: string }>(
      `SELECT count(*) FROM conversations WHERE account_id = $1 AND assignee_id = $2 AND status = 'open' AND trashed_at IS NULL
         AND (COALESCE(reply_channel, channel) IN ('chat', 'messenger')) = $3`,
      [accountId, userId, chatLike],
    );
    return Number(open.rows[0].count);
  }

  async conversationOfMessage(tx: Transaction, accountId: string, messageId: string): Promise<string | null> {
    const found = await tx.query<{ conversation_id: string }>('SELECT conversation_id FROM messages WHERE account_id = $1 AND id = $2', [accountId, messageId]);
    return found.rows[0]?.conversation_id ?? null;
  }

  async lockMessageHiding(tx: Transaction, messageId: string): Promise<{ hiddenAt: Date | null; hiddenBy: string | null }> {
    const message = await tx.query<{ hidden_at: Date | null; hidden_by: string | null }>('SELECT hidden_at, hidden_by FROM messages WHERE id = $1 FOR UPDATE', [messageId]);
    return { hiddenAt: message.rows[0].hidden_at, hiddenBy: message.rows[0].hidden_by };
  }

  async setMessageHidden(tx: Transaction, messageId: string, hidden: { at: Date; by: string } | null): Promise<void> {
    await tx.query('UPDATE messages SET hidden_at = $2, hidden_by = $3 WHERE id = $1', [messageId, hidden?.at ?? null, hidden?.by ?? null]);
  }

  async latestMessage(tx: Transaction, accountId: string, conversationId: string): Promise<{ id: string; text: string } | null> {
    const latest = await tx.query<{ id: string; text: string }>(
      `SELECT id, COALESCE(NULLIF(reply_text, ''), NULLIF(text_body, ''), subject, '') AS text FROM messages
       WHERE account_id = $1 AND conversation_id = $2 ORDER BY created_at DESC, id DESC LIMIT 1`,
      [accountId, conversationId],
    );
    return latest.rows[0] ?? null;
  }

  async blobKeysOf(tx: Transaction, conversationId: string): Promise<string[]> {
    const keys = await tx.query<{ key: string }>(
      `SELECT a.object_key AS key FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.conversation_id = $1
       UNION SELECT raw_object_key FROM messages WHERE conversation_id = $1 AND raw_object_key IS NOT NULL`,
      [conversationId],
    );
    return keys.rows.map((r) => r.key).filter(Boolean);
  }

  async deleteConversation(tx: Transaction, accountId: string, conversationId: string): Promise<void> {
    await tx.query('DELETE FROM conversations WHERE account_id = $1 AND id = $2', [accountId, conversationId]);
  }

  async blobInUse(key: string): Promise<boolean> {
    const used = await this.pool.query('SELECT 1 FROM attachments WHERE object_key = $1 UNION ALL SELECT 1 FROM messages WHERE raw_object_key = $1 LIMIT 1', [key]);
    return (used.rowCount ?? 0) > 0;
  }

  async claimTrashedBefore(tx: Transaction, cutoff: Date, limit: number): Promise<{ id: string; accountId: string }[]> {
    const due = await tx.query<{ id: string; account_id: string }>(
      `SELECT c.id, c.account_id FROM conversations c WHERE c.trashed_at IS NOT NULL AND c.trashed_at < $1 AND ${notUnderLegalHold('c')} ORDER BY c.trashed_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [cutoff, limit],
    );
    return due.rows.map((row) => ({ id: row.id, accountId: row.account_id }));
  }
}
