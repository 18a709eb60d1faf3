// Rules, round-robin positions, waiting conversations and decisions, in the routing database.
import type { Rule, CandidateOutcome, DecisionRecord, Waiting, RoutingStore } from '../use-cases/ports';
import { newId, type Pool, type PoolClient } from '@inbox/lib';






type Db = Pool | PoolClient;

export function noRule(inboxId: string): Rule {
  return { inboxId, mode: 'none', userIds: [], teamIds: [], chatCapacity: 0, emailCapacity: 0 };
}

const toRule = (r: any): Rule => ({
  inboxId: r.inbox_id,
  mode: r.mode,
  userIds: r.user_ids,
  teamIds: r.team_ids,
  chatCapacity: r.chat_capacity,
  emailCapacity: r.email_capacity,
});

export class RoutingRepository implements RoutingStore {
  constructor(readonly pool: Pool) {}

  async rule(accountId: string, inboxId: string, db: Db = this.pool): Promise<Rule> {
    const result = await db.query('SELECT * FROM routing_rules WHERE account_id = $1 AND inbox_id = $2', [accountId, inboxId]);
    return result.rows[0] ? toRule(result.rows[0]) : noRule(inboxId);
  }

  /** Accounts without any rule (most events' accounts, in a shared stream) need no routing work at all. */
  async hasRules(accountId: string): Promise<boolean> {
    const result = await this.pool.query("SELECT 1 FROM routing_rules WHERE account_id = $1 AND mode <> 'none' LIMIT 1", [accountId]);
    return (result.rowCount ?? 0) > 0;
  }

  async rules(accountId: string): Promise<Map<string, Rule>> {
    const result = await this.pool.query('SELECT * FROM routing_rules WHERE account_id = $1', [accountId]);
    return new Map(result.rows.map((r) => [r.inbox_id, toRule(r)]));
  }

  async setRule(accountId: string, rule: Rule, db: Db = this.pool): Promise<Rule> {
    const result = await db.query(
      `INSERT INTO routing_rules (account_id, inbox_id, mode, user_ids, team_ids, chat_capacity, email_capacity) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (account_id, inbox_id) DO UPDATE SET mode = $3, user_ids = $4, team_ids = $5, chat_capacity = $6, email_capacity = $7, updated_at = now()
       RETURNING *`,
      [accountId, rule.inboxId, rule.mode, rule.userIds, rule.teamIds, rule.chatCapacity, rule.emailCapacity],
    );
    return toRule(result.rows[0]);
  }

  /** Serialises routing decisions per inbox across replicas, for the rest of the transaction. */
  async lockInbox(tx: PoolClient, accountId: string, inboxId: string): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`route:${accountId}:${inboxId}`]);
  }

  async lastAssigned(tx: Db, accountId: string, inboxId: string): Promise<string | null> {
    const result = await tx.query<{ last_user_id: string }>('SELECT last_user_id FROM round_robin_positions WHERE account_id = $1 AND inbox_id = $2', [accountId, inboxId]);
    return result.rows[0]?.last_user_id ?? null;
  }

  async setLastAssigned(tx: PoolClient, accountId: string, inboxId: string, userId: string): Promise<void> {
    await tx.query(
      `INSERT INTO round_robin_positions (account_id, inbox_id, last_user_id) VALUES ($1, $2, $3)
       ON CONFLICT (account_id, inbox_id) DO UPDATE SET last_user_id = $3`,
      [accountId, inboxId, userId],
    );
  }

  /** Returns true when the conversation was not waiting before. */
  async addWaiting(tx: Db, accountId: string, waiting: Waiting): Promise<boolean> {
    const result = await tx.query(
      `INSERT INTO waiting_conversations (account_id, conversation_id, inbox_id, channel, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [accountId, waiting.conversationId, waiting.inboxId, waiting.channel, waiting.createdAt],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async removeWaiting(db: Db, accountId: string, conversationIds: string[]): Promise<void> {
    if (conversationIds.length === 0) return;
    await db.query('DELETE FROM waiting_conversations WHERE account_id = $1 AND conversation_id = ANY($2::text[])', [accountId, conversationIds]);
  }

  async oldestWaiting(accountId: string, limit: number): Promise<Waiting[]> {
    const result = await this.pool.query(
      'SELECT conversation_id, inbox_id, channel, created_at FROM waiting_conversations WHERE account_id = $1 ORDER BY created_at, conversation_id LIMIT $2',
      [accountId, limit],
    );
    return result.rows.map((r) => ({ conversationId: r.conversation_id, inboxId: r.inbox_id, channel: r.channel, createdAt: r.created_at }));
  }

  async recordDecisions(db: Db, decisions: DecisionRecord[]): Promise<void> {
    if (decisions.length === 0) return;
    // A share holds one decision per conversation, so the order among them is free; a conversation's
    // decisions from separate transactions read back by decided_at.
    const column = <T>(value: (d: DecisionRecord) => T) => decisions.map(value);
    await db.query(
      `INSERT INTO routing_decisions (id, account_id, conversation_id, inbox_id, trigger, rule, candidates, chosen_user_id, outcome)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::jsonb[], $8::text[], $9::text[])`,
      [
        column(() => newId('rdc')),
        column((d) => d.accountId),
        column((d) => d.conversationId),
        column((d) => d.inboxId),
        column((d) => d.trigger),
        column((d) => JSON.stringify(d.rule)),
        column((d) => JSON.stringify(d.candidates)),
        column((d) => d.chosenUserId),
        column((d) => d.outcome),
      ],
    );
  }

  /** Whether routing has ever given this conversation an owner (that one, when `userId` is given). */
  async hasDecisionFor(db: Db, accountId: string, conversationId: string, userId?: string): Promise<boolean> {
    const result = await db.query(
      `SELECT 1 FROM routing_decisions WHERE account_id = $1 AND conversation_id = $2 AND ($3::text IS NULL OR chosen_user_id = $3) AND outcome IN ('assigned', 'already_assigned') LIMIT 1`,
      [accountId, conversationId, userId ?? null],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async decidedAmong(db: Db, accountId: string, conversationIds: string[]): Promise<Set<string>> {
    if (conversationIds.length === 0) return new Set();
    const result = await db.query<{ conversation_id: string }>(
      `SELECT DISTINCT conversation_id FROM routing_decisions WHERE account_id = $1 AND conversation_id = ANY($2::text[]) AND outcome IN ('assigned', 'already_assigned')`,
      [accountId, conversationIds],
    );
    return new Set(result.rows.map((r) => r.conversation_id));
  }

  async decisions(accountId: string, conversationId: string) {
    const result = await this.pool.query(
      'SELECT * FROM routing_decisions WHERE account_id = $1 AND conversation_id = $2 ORDER BY decided_at DESC, id DESC LIMIT 100',
      [accountId, conversationId],
    );
    return result.rows.map((r) => ({
      id: r.id as string,
      conversationId: r.conversation_id as string,
      trigger: r.trigger as string,
      rule: r.rule as Rule,
      candidates: r.candidates as CandidateOutcome[],
      chosenUserId: (r.chosen_user_id as string | null) ?? '',
      outcome: r.outcome as string,
      decidedAt: r.decided_at as Date,
    }));
  }
}
