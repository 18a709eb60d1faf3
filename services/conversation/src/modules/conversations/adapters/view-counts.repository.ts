// View counts from the per-combination counts and not-yet-folded deltas that the conversations
// table's triggers keep (migration 0015), instead of a scan of the inbox. The compactor folds the
// deltas into the counts; a count read in between sums both in one snapshot, so it is exact either way.
import { queryWithCachedPlan, withTransaction, type Pool } from '@inbox/lib';

const KEY = 'account_id, inbox_id, status, channel, assignee_id, bot_chatflow_id, handed_off, awaiting_first_reply, filtered, trashed_at, last_message_direction, team_id';
// Any constant: one compactor at a time across replicas.
const COMPACTOR_LOCK = 7_204_611;

export class ViewCountsRepository {
  constructor(private readonly pool: Pool) {}

  /**
   * One count per predicate (over alias c, $1 = the viewing user) for this inbox. fixed: the
   * predicates are always the same (the built-in views), so the statement runs a plan cached on
   * the connection; planning it cost twice its execution, and with a name alone PostgreSQL kept
   * planning it once the counts table had grown.
   */
  async count(accountId: string, inboxId: string, userId: string, predicates: string[], { fixed = false }: { fixed?: boolean } = {}): Promise<number[]> {
    const columns = predicates.map((predicate, i) => `coalesce(sum(c.n) FILTER (WHERE ${predicate}), 0) AS v${i}`).join(', ');
    const text = `SELECT ${columns} FROM (
         SELECT ${KEY}, n FROM conversation_view_counts WHERE account_id = $2 AND inbox_id = $3
         UNION ALL
         SELECT ${KEY}, n FROM conversation_view_count_deltas WHERE account_id = $2 AND inbox_id = $3
       ) c WHERE $1::text IS NOT NULL`;
    const values = [userId, accountId, inboxId];
    const result = fixed ? await queryWithCachedPlan<Record<string, string>>(this.pool, text, values) : await this.pool.query<Record<string, string>>(text, values);
    return predicates.map((_, i) => Number(result.rows[0][`v${i}`]));
  }

  /** Folds every committed delta into the counts; returns how many deltas it folded (0 when another replica holds the lock). */
  compact(): Promise<number> {
    return withTransaction(this.pool, async (tx) => {
      const locked = await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [COMPACTOR_LOCK]);
      if (!locked.rows[0].ok) return 0;
      const folded = await tx.query<{ folded: string }>(
        `WITH moved AS (DELETE FROM conversation_view_count_deltas RETURNING ${KEY}, n),
              summed AS (SELECT ${KEY}, sum(n) AS n, count(*) AS rows FROM moved GROUP BY ${KEY}),
              applied AS (
                INSERT INTO conversation_view_counts (${KEY}, n) SELECT ${KEY}, n FROM summed
                ON CONFLICT ON CONSTRAINT conversation_view_counts_key DO UPDATE SET n = conversation_view_counts.n + excluded.n
              )
         SELECT coalesce(sum(rows), 0) AS folded FROM summed`,
      );
      await tx.query('DELETE FROM conversation_view_counts WHERE n = 0');
      return Number(folded.rows[0].folded);
    });
  }
}
