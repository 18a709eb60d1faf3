// Teams and their members in PostgreSQL.
import { withTransaction, type Pool } from '@inbox/lib';
import type { Transaction } from '../../../use-cases/unit-of-work';
import { ConversationEventType } from '@inbox/lib/gen/inbox/events/v1/events';
import { appendEvents } from '../../../adapters/outbox';
import type { Team, TeamStore } from '../use-cases/teams';

const UNIQUE_VIOLATION = '23505';

export class PostgresTeams implements TeamStore {
  constructor(private readonly pool: Pool) {}

  async list(accountId: string, teamId?: string): Promise<Team[]> {
    const result = await this.pool.query<{ id: string; name: string; created_at: Date; user_ids: string[] }>(
      `SELECT t.id, t.name, t.created_at, ARRAY(SELECT m.user_id FROM team_members m WHERE m.account_id = t.account_id AND m.team_id = t.id ORDER BY m.added_at, m.user_id) AS user_ids
       FROM teams t WHERE t.account_id = $1 AND ($2::text IS NULL OR t.id = $2) ORDER BY lower(t.name), t.id`,
      [accountId, teamId ?? null],
    );
    return result.rows.map((r) => ({ id: r.id, name: r.name, userIds: r.user_ids, createdAt: r.created_at }));
  }

  async insert(accountId: string, team: Team, alsoInTransaction?: (tx: Transaction) => Promise<void>): Promise<boolean> {
    try {
      await withTransaction(this.pool, async (tx) => {
        await tx.query('INSERT INTO teams (id, account_id, name, created_at) VALUES ($1, $2, $3, $4)', [team.id, accountId, team.name, team.createdAt]);
        await tx.query('INSERT INTO team_members (team_id, user_id, account_id) SELECT $1, u, $2 FROM unnest($3::text[]) AS u', [team.id, accountId, team.userIds]);
        await alsoInTransaction?.(tx);
      });
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) return false;
      throw error;
    }
  }

  async update(accountId: string, teamId: string, changes: { name?: string; userIds?: string[] }, alsoInTransaction?: (tx: Transaction) => Promise<void>): Promise<boolean | null> {
    try {
      return await withTransaction(this.pool, async (tx) => {
        const found = await tx.query('SELECT 1 FROM teams WHERE account_id = $1 AND id = $2 FOR UPDATE', [accountId, teamId]);
        if (!found.rowCount) return false;
        if (changes.name !== undefined) await tx.query('UPDATE teams SET name = $3 WHERE account_id = $1 AND id = $2', [accountId, teamId, changes.name]);
        if (changes.userIds !== undefined) {
          await tx.query('DELETE FROM team_members WHERE account_id = $1 AND team_id = $2 AND NOT (user_id = ANY($3::text[]))', [accountId, teamId, changes.userIds]);
          await tx.query('INSERT INTO team_members (team_id, user_id, account_id) SELECT $1, u, $2 FROM unnest($3::text[]) AS u ON CONFLICT DO NOTHING', [teamId, accountId, changes.userIds]);
        }
        await alsoInTransaction?.(tx);
        return true;
      });
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) return null;
      throw error;
    }
  }

  async remove(accountId: string, teamId: string, alsoInTransaction?: (tx: Transaction) => Promise<void>): Promise<boolean> {
    return withTransaction(this.pool, async (tx) => {
      const found = await tx.query('SELECT 1 FROM teams WHERE account_id = $1 AND id = $2 FOR UPDATE', [accountId, teamId]);
      if (!found.rowCount) return false;
      const released = await tx.query<{ id: string; inbox_id: string; version: string }>(
        `UPDATE conversations SET team_id = NULL, version = version + 1, updated_at = now() WHERE account_id = $1 AND team_id = $2 RETURNING id, inbox_id, version`,
        [accountId, teamId],
      );
      await appendEvents(
        tx,
        released.rows.map((r) => ({ accountId, inboxId: r.inbox_id, conversationId: r.id, version: r.version, type: ConversationEventType.CONVERSATION_EVENT_TYPE_UPDATED })),
      );
      await tx.query('DELETE FROM teams WHERE account_id = $1 AND id = $2', [accountId, teamId]);
      await alsoInTransaction?.(tx);
      return true;
    });
  }
}
