// Keeps report_day_counts (migration 0028): folds the committed fact deltas into one row per
// local day and combination of dimensions, and rebuilds an account's rows when its time zone
// changes (its days start at other instants then).
import { withTransaction, type Pool, type PoolClient } from '@inbox/lib';

// Any constant: one compactor or rebuild at a time across replicas.
const REPORT_COUNTS_LOCK = 7_204_612;
const BATCH = 20_000;
const COLUMNS = 'account_id, day, kind, inbox_id, team_id, agent_id, channel, n, total, promoters, detractors';
const ADD = `ON CONFLICT ON CONSTRAINT report_day_counts_key DO UPDATE SET n = report_day_counts.n + excluded.n, total = report_day_counts.total + excluded.total,
  promoters = report_day_counts.promoters + excluded.promoters, detractors = report_day_counts.detractors + excluded.detractors`;

export class ReportDayCounts {
  constructor(private readonly pool: Pool) {}

  /** Folds up to a batch of committed deltas; returns how many (0 when another replica holds the lock). */
  compact(): Promise<number> {
    return withTransaction(this.pool, async (tx) => {
      if (!(await this.lock(tx))) return 0;
      const folded = await tx.query<{ folded: string }>(
        `WITH moved AS (DELETE FROM report_fact_deltas WHERE id IN (SELECT id FROM report_fact_deltas ORDER BY id LIMIT ${BATCH}) RETURNING *),
              summed AS (
                SELECT m.account_id, (m.at AT TIME ZONE a.time_zone)::date AS day, m.kind, m.inbox_id, m.team_id, m.agent_id, m.channel,
                       sum(m.n) AS n, sum(m.n * coalesce(m.value, 0)) AS total,
                       coalesce(sum(m.n) FILTER (WHERE m.kind = 'nps' AND m.value >= 9), 0) AS promoters,
                       coalesce(sum(m.n) FILTER (WHERE m.kind = 'nps' AND m.value <= 6), 0) AS detractors
                  FROM moved m JOIN accounts a ON a.id = m.account_id
                 GROUP BY 1, 2, 3, 4, 5, 6, 7),
              applied AS (INSERT INTO report_day_counts (${COLUMNS}) SELECT ${COLUMNS} FROM summed ${ADD})
         SELECT count(*) AS folded FROM moved`,
      );
      await tx.query('DELETE FROM report_day_counts WHERE n = 0');
      return Number(folded.rows[0].folded);
    });
  }

  /**
   * Counts the account's facts again in its time zone now. Its pending deltas are part of that
   * count, so they go: one snapshot (repeatable read) sees each fact either in both or in neither.
   * The lock is taken first, on the session, so that snapshot is younger than any compaction.
   */
  async rebuild(accountId: string): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [REPORT_COUNTS_LOCK]);
      try {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
        try {
          await client.query('DELETE FROM report_day_counts WHERE account_id = $1', [accountId]);
          await client.query('DELETE FROM report_fact_deltas WHERE account_id = $1', [accountId]);
          await client.query(
            `INSERT INTO report_day_counts (${COLUMNS})
             SELECT f.account_id, (f.at AT TIME ZONE a.time_zone)::date, f.kind, f.inbox_id, f.team_id, f.agent_id, f.channel, count(*), coalesce(sum(f.value), 0),
                    count(*) FILTER (WHERE f.kind = 'nps' AND f.value >= 9), count(*) FILTER (WHERE f.kind = 'nps' AND f.value <= 6)
               FROM report_facts f JOIN accounts a ON a.id = f.account_id WHERE f.account_id = $1
              GROUP BY 1, 2, 3, 4, 5, 6, 7`,
            [accountId],
          );
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [REPORT_COUNTS_LOCK]);
      }
    } finally {
      client.release();
    }
  }

  private async lock(tx: PoolClient): Promise<boolean> {
    return (await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [REPORT_COUNTS_LOCK])).rows[0].ok;
  }
}
