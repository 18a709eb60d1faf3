// Retention settings, due conversations and legal holds in PostgreSQL.
import type { Pool } from '@inbox/lib';
import type { Transaction } from '../../../use-cases/unit-of-work';
import type { InboxRetention, InboxRetentionMode, LegalHold, LegalHoldTarget, RetentionPolicy } from '../domain/retention';
import type { RetentionCount, RetentionStore } from '../use-cases/retention';
import type { LegalHoldStore } from '../use-cases/legal-holds';

type Db = Pool | Transaction;

/** SQL: the conversation `c` is not held, by itself or by its contact. For every deletion's query. */
export function notUnderLegalHold(c: string): string {
  return `NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.account_id = ${c}.account_id AND ((h.target_type = 'conversation' AND h.target_id = ${c}.id) OR (h.target_type = 'contact' AND h.target_id = ${c}.contact_id)))`;
}

// The days each closed conversation of the account is kept (NULL: forever), by its inbox's setting or the account's.
const KEPT_DAYS = `CASE i.retention_mode WHEN 'account' THEN a.retention_days WHEN 'days' THEN i.retention_days END`;
const DUE = `FROM conversations c
  JOIN inboxes i ON i.id = c.inbox_id
  JOIN accounts a ON a.id = c.account_id
  WHERE c.account_id = $1 AND c.status = 'closed'
    AND ${KEPT_DAYS} IS NOT NULL
    AND c.updated_at < $2::timestamptz - make_interval(days => ${KEPT_DAYS})`;

interface HoldRow {
  target_type: LegalHoldTarget;
  target_id: string;
  reason: string;
  placed_by: string;
  placed_at: Date;
}

const toHold = (r: HoldRow): LegalHold => ({ targetType: r.target_type, targetId: r.target_id, reason: r.reason, placedBy: r.placed_by, placedAt: r.placed_at });

export class PostgresGovernance implements RetentionStore, LegalHoldStore {
  constructor(private readonly pool: Pool) {}

  async policy(accountId: string, db: Db = this.pool): Promise<RetentionPolicy> {
    const account = await db.query<{ retention_days: number | null }>('SELECT retention_days FROM accounts WHERE id = $1', [accountId]);
    const inboxes = await db.query<{ id: string; retention_mode: InboxRetentionMode; retention_days: number | null }>(
      `SELECT id, retention_mode, retention_days FROM inboxes WHERE account_id = $1 AND retention_mode <> 'account' ORDER BY id`,
      [accountId],
    );
    return {
      accountDays: account.rows[0]?.retention_days ?? null,
      inboxes: inboxes.rows.map((r): InboxRetention => ({ inboxId: r.id, mode: r.retention_mode, days: r.retention_days })),
    };
  }

  async savePolicy(tx: Transaction, accountId: string, policy: RetentionPolicy): Promise<boolean> {
    await tx.query('UPDATE accounts SET retention_days = $2 WHERE id = $1', [accountId, policy.accountDays]);
    const own = await tx.query(
      `UPDATE inboxes i SET retention_mode = p.mode, retention_days = p.days
       FROM unnest($2::text[], $3::text[], $4::int[]) AS p (inbox_id, mode, days)
       WHERE i.account_id = $1 AND i.id = p.inbox_id`,
      [accountId, policy.inboxes.map((i) => i.inboxId), policy.inboxes.map((i) => i.mode), policy.inboxes.map((i) => i.days)],
    );
    if ((own.rowCount ?? 0) !== policy.inboxes.length) return false;
    await tx.query(`UPDATE inboxes SET retention_mode = 'account', retention_days = NULL WHERE account_id = $1 AND retention_mode <> 'account' AND NOT (id = ANY($2::text[]))`, [
      accountId,
      policy.inboxes.map((i) => i.inboxId),
    ]);
    return true;
  }

  async countDue(accountId: string, now: Date): Promise<{ inboxes: RetentionCount[]; held: number }> {
    const result = await this.pool.query<{ inbox_id: string; days: number; due: string; held: string }>(
      `SELECT c.inbox_id, ${KEPT_DAYS} AS days, count(*) FILTER (WHERE ${notUnderLegalHold('c')}) AS due, count(*) FILTER (WHERE NOT ${notUnderLegalHold('c')}) AS held
       ${DUE} GROUP BY c.inbox_id, ${KEPT_DAYS} ORDER BY c.inbox_id`,
      [accountId, now],
    );
    return {
      inboxes: result.rows.filter((r) => Number(r.due) > 0).map((r) => ({ inboxId: r.inbox_id, days: r.days, conversations: Number(r.due) })),
      held: result.rows.reduce((sum, r) => sum + Number(r.held), 0),
    };
  }

  async claimDue(tx: Transaction, accountId: string, now: Date, limit: number): Promise<string[]> {
    const result = await tx.query<{ id: string }>(`SELECT c.id ${DUE} AND ${notUnderLegalHold('c')} ORDER BY c.updated_at, c.id LIMIT $3 FOR UPDATE OF c SKIP LOCKED`, [accountId, now, limit]);
    return result.rows.map((r) => r.id);
  }

  async accountsWithRetention(): Promise<string[]> {
    const result = await this.pool.query<{ id: string }>(
      `SELECT id FROM accounts WHERE retention_days IS NOT NULL UNION SELECT DISTINCT account_id FROM inboxes WHERE retention_mode = 'days'`,
    );
    return result.rows.map((r) => r.id);
  }

  async list(accountId: string): Promise<LegalHold[]> {
    const result = await this.pool.query<HoldRow>('SELECT * FROM legal_holds WHERE account_id = $1 ORDER BY placed_at DESC, target_id', [accountId]);
    return result.rows.map(toHold);
  }

  async targetExists(tx: Transaction, accountId: string, targetType: LegalHoldTarget, targetId: string): Promise<boolean> {
    const table = targetType === 'conversation' ? 'conversations' : 'contacts';
    return ((await tx.query(`SELECT 1 FROM ${table} WHERE account_id = $1 AND id = $2`, [accountId, targetId])).rowCount ?? 0) > 0;
  }

  async place(tx: Transaction, accountId: string, hold: Omit<LegalHold, 'placedAt'>): Promise<LegalHold> {
    const result = await tx.query<HoldRow>(
      `INSERT INTO legal_holds (account_id, target_type, target_id, reason, placed_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (account_id, target_type, target_id) DO UPDATE SET reason = EXCLUDED.reason RETURNING *`,
      [accountId, hold.targetType, hold.targetId, hold.reason, hold.placedBy],
    );
    return toHold(result.rows[0]);
  }

  async release(tx: Transaction, accountId: string, targetType: LegalHoldTarget, targetId: string): Promise<LegalHold | null> {
    const result = await tx.query<HoldRow>('DELETE FROM legal_holds WHERE account_id = $1 AND target_type = $2 AND target_id = $3 RETURNING *', [accountId, targetType, targetId]);
    return result.rows[0] ? toHold(result.rows[0]) : null;
  }

  async contactHeld(tx: Transaction, accountId: string, contactId: string): Promise<boolean> {
    const result = await tx.query(
      `SELECT 1 FROM legal_holds WHERE account_id = $1 AND target_type = 'contact' AND target_id = $2
       UNION ALL SELECT 1 FROM legal_holds h JOIN conversations c ON c.id = h.target_id AND c.account_id = h.account_id
       WHERE h.account_id = $1 AND h.target_type = 'conversation' AND c.contact_id = $2 LIMIT 1`,
      [accountId, contactId],
    );
    return (result.rowCount ?? 0) > 0;
  }

  /** Whether a deletion of the conversation must be refused. */
  async isHeld(tx: Transaction, accountId: string, conversationId: string): Promise<boolean> {
    const result = await tx.query(`SELECT 1 FROM conversations c WHERE c.account_id = $1 AND c.id = $2 AND NOT ${notUnderLegalHold('c')}`, [accountId, conversationId]);
    return (result.rowCount ?? 0) > 0;
  }
}
