// Service-level policies and each conversation's target in PostgreSQL. A state is stored only if
// the conversation has not changed since its timeline was read (its version), and every stored
// change and breach is announced through the outbox in the same transaction.
import { withTransaction, type Pool, type PoolClient, type WorkingHours } from '@inbox/lib';
import { ConversationEventType } from '@inbox/lib/gen/inbox/events/v1/events';
import { appendEvents } from '../../../adapters/outbox';
import type { SlaPolicy, SlaState, SlaTarget, Timeline } from '../domain/service-levels';
import type { PolicyScope, ServiceLevelStore } from '../use-cases/service-levels';

interface PolicyRow {
  first_response_minutes: number | null;
  next_response_minutes: number | null;
  resolution_minutes: number | null;
  business_hours: WorkingHours | null;
  pause_while_waiting: boolean;
}

const toPolicy = (row: PolicyRow | undefined): SlaPolicy | null =>
  row
    ? {
        firstResponseMinutes: row.first_response_minutes,
        nextResponseMinutes: row.next_response_minutes,
        resolutionMinutes: row.resolution_minutes,
        businessHours: row.business_hours,
        pauseWhileWaitingOnCustomer: row.pause_while_waiting,
      }
    : null;

const HEAD_SQL = `SELECT c.inbox_id, c.team_id, c.version, c.sla_target, c.sla_due_at, c.sla_warn_at, c.sla_paused,
    EXISTS (SELECT 1 FROM sla_policies p WHERE p.account_id = c.account_id AND (p.inbox_id = c.inbox_id OR p.team_id = c.team_id)) AS governed
  FROM conversations c WHERE c.account_id = $1 AND c.id = $2`;

/** What a response is: a person's message; not a bot's (no author), nor the automatic mails (transcripts, forwards, surveys). */
const COUNTED_MESSAGES = `direction = 'inbound' OR (author_user_id IS NOT NULL AND COALESCE(fields->>'kind', '') NOT IN ('transcript', 'forward', 'survey'))`;

export class PostgresServiceLevels implements ServiceLevelStore {
  constructor(
    private readonly pool: Pool,
    private readonly onCommitted: () => void,
  ) {}

  async policy(accountId: string, scope: PolicyScope): Promise<SlaPolicy | null> {
    const result = await this.pool.query<PolicyRow>(`SELECT * FROM sla_policies WHERE account_id = $1 AND ${scope.teamId !== undefined ? 'team_id' : 'inbox_id'} = $2`, [
      accountId,
      scope.teamId ?? scope.inboxId,
    ]);
    return toPolicy(result.rows[0]);
  }

  async effectivePolicy(accountId: string, inboxId: string, teamId: string | null): Promise<SlaPolicy | null> {
    const result = await this.pool.query<PolicyRow>(
      'SELECT * FROM sla_policies WHERE account_id = $1 AND (inbox_id = $2 OR team_id = $3) ORDER BY team_id IS NULL LIMIT 1',
      [accountId, inboxId, teamId],
    );
    return toPolicy(result.rows[0]);
  }

  async savePolicy(accountId: string, scope: PolicyScope, policy: SlaPolicy | null, alsoInTransaction?: (tx: PoolClient) => Promise<void>): Promise<void> {
    const column = scope.teamId !== undefined ? 'team_id' : 'inbox_id';
    const id = scope.teamId ?? scope.inboxId;
    await withTransaction(this.pool, async (tx) => {
      await tx.query(`DELETE FROM sla_policies WHERE account_id = $1 AND ${column} = $2`, [accountId, id]);
      if (policy) {
        await tx.query(
          `INSERT INTO sla_policies (account_id, ${column}, first_response_minutes, next_response_minutes, resolution_minutes, business_hours, pause_while_waiting)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [accountId, id, policy.firstResponseMinutes, policy.nextResponseMinutes, policy.resolutionMinutes, policy.businessHours ? JSON.stringify(policy.businessHours) : null, policy.pauseWhileWaitingOnCustomer],
        );
      }
      await alsoInTransaction?.(tx);
    });
  }

  async scopeExists(accountId: string, scope: PolicyScope): Promise<boolean> {
    const table = scope.teamId !== undefined ? 'teams' : 'inboxes';
    return ((await this.pool.query(`SELECT 1 FROM ${table} WHERE account_id = $1 AND id = $2`, [accountId, scope.teamId ?? scope.inboxId])).rowCount ?? 0) > 0;
  }

  async head(accountId: string, conversationId: string) {
    // Runs for every conversation event: named, it is parsed and planned once per connection.
    const found = await this.pool.query<{
      inbox_id: string;
      team_id: string | null;
      version: string;
      sla_target: SlaTarget | null;
      sla_due_at: Date | null;
      sla_warn_at: Date | null;
      sla_paused: boolean;
      governed: boolean;
    }>({ name: 'sla_head', text: HEAD_SQL, values: [accountId, conversationId] });
    const row = found.rows[0];
    return row
      ? {
          inboxId: row.inbox_id,
          teamId: row.team_id,
          version: Number(row.version),
          governed: row.governed,
          stored: { target: row.sla_target, dueAt: row.sla_due_at, warnAt: row.sla_warn_at, paused: row.sla_paused },
        }
      : null;
  }

  async timeline(accountId: string, conversationId: string): Promise<Timeline | null> {
    const found = await this.pool.query<{ status: 'open' | 'closed'; created_at: Date; trashed_at: Date | null }>(
      'SELECT status, created_at, trashed_at FROM conversations WHERE account_id = $1 AND id = $2',
      [accountId, conversationId],
    );
    const row = found.rows[0];
    if (!row) return null;
    const messages = await this.pool.query<{ direction: 'inbound' | 'outbound'; created_at: Date }>(
      `SELECT direction, created_at FROM messages WHERE account_id = $1 AND conversation_id = $2 AND (${COUNTED_MESSAGES}) ORDER BY created_at, id`,
      [accountId, conversationId],
    );
    return {
      createdAt: messages.rows[0]?.created_at ?? row.created_at,
      // A conversation in the trash runs no clock.
      status: row.trashed_at ? 'closed' : row.status,
      messages: messages.rows.map((m) => ({ direction: m.direction, at: m.created_at })),
    };
  }

  async saveState(accountId: string, conversationId: string, version: number, state: SlaState): Promise<boolean> {
    const saved = await withTransaction(this.pool, async (tx) => {
      const updated = await tx.query<{ inbox_id: string; version: string }>(
        `UPDATE conversations SET sla_target = $4, sla_due_at = $5, sla_warn_at = $6, sla_paused = $7, version = version + 1, updated_at = now()
         WHERE account_id = $1 AND id = $2 AND version = $3 RETURNING inbox_id, version`,
        [accountId, conversationId, version, state.target, state.dueAt, state.warnAt, state.paused],
      );
      const row = updated.rows[0];
      if (!row) return false;
      await appendEvents(tx, [
        { accountId, inboxId: row.inbox_id, conversationId, version: row.version, type: ConversationEventType.CONVERSATION_EVENT_TYPE_SLA_CHANGED, slaTarget: state.target ?? '' },
      ]);
      return true;
    });
    if (saved) this.onCommitted();
    return saved;
  }

  async openConversations(accountId: string, scope: PolicyScope, after: string, limit: number): Promise<string[]> {
    const result = await this.pool.query<{ id: string }>(
      `SELECT id FROM conversations WHERE account_id = $1 AND ${scope.teamId !== undefined ? 'team_id' : 'inbox_id'} = $2
         AND (status = 'open' OR sla_target IS NOT NULL) AND id > $3 ORDER BY id LIMIT $4`,
      [accountId, scope.teamId ?? scope.inboxId, after, limit],
    );
    return result.rows.map((r) => r.id);
  }

  async announceBreaches(now: Date, limit: number): Promise<number> {
    const count = await withTransaction(this.pool, async (tx) => {
      const breached = await tx.query<{ id: string; account_id: string; inbox_id: string; version: string; assignee_id: string | null; sla_target: string }>(
        // Materialised, as the outbox relay's batch: a rescanned locking subquery would pass its limit.
        `WITH due AS MATERIALIZED (SELECT id FROM conversations WHERE status = 'open' AND trashed_at IS NULL AND sla_due_at <= $1 AND sla_breached_due_at IS DISTINCT FROM sla_due_at
               ORDER BY sla_due_at LIMIT $2 FOR UPDATE SKIP LOCKED)
         UPDATE conversations c SET sla_breached_due_at = c.sla_due_at FROM due
         WHERE c.id = due.id RETURNING c.id, c.account_id, c.inbox_id, c.version, c.assignee_id, c.sla_target`,
        [now, limit],
      );
      if (breached.rowCount === 0) return 0;
      // Nobody owns it: the account's admins (who see every inbox) are told.
      const accounts = [...new Set(breached.rows.filter((r) => !r.assignee_id).map((r) => r.account_id))];
      const admins = accounts.length
        ? await tx.query<{ account_id: string; id: string }>(
            `SELECT account_id, id FROM users WHERE account_id = ANY($1::text[]) AND role IN ('admin', 'superadmin') AND deactivated_at IS NULL AND removed_at IS NULL`,
            [accounts],
          )
        : { rows: [] };
      await appendEvents(
        tx,
        breached.rows.map((r) => ({
          accountId: r.account_id,
          inboxId: r.inbox_id,
          conversationId: r.id,
          version: r.version,
          type: ConversationEventType.CONVERSATION_EVENT_TYPE_SLA_BREACHED,
          slaTarget: r.sla_target,
          assigneeId: r.assignee_id ?? '',
          recipientUserIds: r.assignee_id ? [r.assignee_id] : admins.rows.filter((a) => a.account_id === r.account_id).map((a) => a.id),
        })),
      );
      return breached.rowCount ?? 0;
    });
    if (count > 0) this.onCommitted();
    return count;
  }
}
