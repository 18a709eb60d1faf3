// Keeps report_day_counts (migrations 0028, 0029): folds the committed fact deltas into its three
// grains (a local day and combination of dimensions, a local month and combination, a local day
// for all of them), values included, and rebuilds an account's rows when its time zone changes
// (its days start at other instants then).
import { withTransaction, type Pool, type PoolClient } from '@inbox/lib';

const BATCH = 20_000;
const COLUMNS = 'account_id, grain, day, kind, inbox_id, team_id, agent_id, channel, n, total, promoters, detractors, packed';
const SAME_KEY = `d.account_id = s.account_id AND d.grain = s.grain AND d.day = s.day AND d.kind = s.kind AND d.inbox_id = s.inbox_id
  AND d.team_id IS NOT DISTINCT FROM s.team_id AND d.agent_id IS NOT DISTINCT FROM s.agent_id AND d.channel = s.channel`;

export class ReportDayCounts {
  constructor(private readonly pool: Pool) {}

  /** Folds up to a batch of committed deltas; returns how many (0 when another replica holds the lock). */
  compact(): Promise<number> {
    return withTransaction(this.pool, async (tx) => {
      if (!(await this.lock(tx))) return 0;
      // Rows that exist take the sums and merge their values; the others are inserted; each day
      // written takes a new version. The lock makes this the only writer of the kept rows.
      const folded = await tx.query<{ folded: string }>(
        `WITH moved AS (DELETE FROM report_fact_deltas WHERE id IN (SELECT id FROM report_fact_deltas ORDER BY id LIMIT ${BATCH}) RETURNING *),
              daily AS (
                SELECT m.account_id, (m.at AT TIME ZONE a.time_zone)::date AS day, m.kind, m.inbox_id, m.team_id, m.agent_id, m.channel, m.n, m.value,
                       report_value_bytes(m.kind, report_kept_value(m.kind, m.at, m.value, a.time_zone)) AS bytes
                  FROM moved m JOIN accounts a ON a.id = m.account_id),
              summed AS (
                SELECT m.account_id, g.grain, g.day, m.kind, g.inbox_id, g.team_id, g.agent_id, g.channel,
                       sum(m.n) AS n, sum(m.n * coalesce(m.value, 0)) AS total,
                       coalesce(sum(m.n) FILTER (WHERE m.kind = 'nps' AND m.value >= 9), 0) AS promoters,
                       coalesce(sum(m.n) FILTER (WHERE m.kind = 'nps' AND m.value <= 6), 0) AS detractors,
                       string_agg(m.bytes, ''::bytea) FILTER (WHERE m.n > 0) AS added,
                       string_agg(m.bytes, ''::bytea) FILTER (WHERE m.n < 0) AS removed
                  FROM daily m
                 CROSS JOIN LATERAL (VALUES ('day', m.day, m.inbox_id, m.team_id, m.agent_id, m.channel),
                                            ('month', date_trunc('month', m.day)::date, m.inbox_id, m.team_id, m.agent_id, m.channel),
                                            ('all', m.day, '', NULL, NULL, '')) g(grain, day, inbox_id, team_id, agent_id, channel)
                 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8),
              updated AS (
                UPDATE report_day_counts d SET n = d.n + s.n, total = d.total + s.total, promoters = d.promoters + s.promoters,
                       detractors = d.detractors + s.detractors, packed = report_values_merged(d.kind, d.packed, s.added, s.removed)
                  FROM summed s WHERE ${SAME_KEY}
                RETURNING d.account_id, d.grain, d.day, d.kind, d.inbox_id, d.team_id, d.agent_id, d.channel),
              inserted AS (
                INSERT INTO report_day_counts (${COLUMNS})
                SELECT s.account_id, s.grain, s.day, s.kind, s.inbox_id, s.team_id, s.agent_id, s.channel, s.n, s.total, s.promoters, s.detractors,
                       report_values_merged(s.kind, NULL, s.added, s.removed)
                  FROM summed s WHERE NOT EXISTS (SELECT 1 FROM updated d WHERE ${SAME_KEY})),
              versioned AS (
                INSERT INTO report_day_versions (account_id, grain, day, version)
                SELECT account_id, grain, day, nextval('report_day_versions_seq') FROM (SELECT DISTINCT account_id, grain, day FROM summed) t
                ON CONFLICT (account_id, grain, day) DO UPDATE SET version = excluded.version)
         SELECT count(*) AS folded FROM moved`,
      );
      const count = Number(folded.rows[0].folded);
      // Over the partial index of empty rows (0029), not the whole table.
      if (count > 0) await tx.query('DELETE FROM report_day_counts WHERE n = 0');
      return count;
    });
  }

  /**
   * Counts the account's facts again in its time zone now. Its pending deltas are part of that
   * count, so they go: one snapshot (repeatable read) sees each fact either in both or in neither.
   * LOCK TABLE waits for a running compaction and takes no snapshot, so the snapshot (taken by
   * the first DELETE) is younger than any compaction, and none runs until this commits.
   */
  async rebuild(accountId: string): Promise<void> {
    await withTransaction(
      this.pool,
      async (tx) => {
        await tx.query('LOCK TABLE report_counts_lock IN EXCLUSIVE MODE');
        await tx.query('DELETE FROM report_day_counts WHERE account_id = $1', [accountId]);
        await tx.query('DELETE FROM report_fact_deltas WHERE account_id = $1', [accountId]);
        await tx.query('SELECT report_day_counts_recount($1)', [accountId]);
      },
      'BEGIN ISOLATION LEVEL REPEATABLE READ',
    );
  }

  /** One compactor at a time across replicas: the others skip their turn rather than wait. */
  private async lock(tx: PoolClient): Promise<boolean> {
    return (await tx.query('SELECT id FROM report_counts_lock WHERE id = 1 FOR UPDATE SKIP LOCKED')).rowCount === 1;
  }
}
