// What earlier benchmark runs generated straight into the conversation database goes before a
// scenario generates its own, so running the benchmark again does not fill the disk: seventeen
// reports runs had left 42 GB of report facts (a year over 1,000,000 conversations is about
// 2.5 GB), and each read data set is 100,000 conversations and 500,000 messages. Only accounts the
// benchmark signed up are touched (named "Bench <label>", with a bench-…@bench.example user), and
// only the rows it generated; the accounts stay. The space is vacuumed for the next generation.
import type pg from 'pg';

/** The accounts earlier runs of this scenario signed up, the current one left out. */
export async function earlierBenchAccounts(pool: pg.Pool, label: string, currentAccountId: string): Promise<string[]> {
  const found = await pool.query<{ id: string }>(
    `SELECT a.id FROM accounts a
      WHERE a.name = $1 AND a.id <> $2
        AND EXISTS (SELECT 1 FROM users u WHERE u.account_id = a.id AND u.email LIKE 'bench-%@bench.example')`,
    [`Bench ${label}`, currentAccountId],
  );
  return found.rows.map((r) => r.id);
}

/** The report facts earlier reports runs generated, and what was counted from them. */
export async function forgetReportFacts(pool: pg.Pool, accounts: string[]): Promise<number> {
  if (accounts.length === 0) return 0;
  const deleted = await pool.query('DELETE FROM report_facts WHERE account_id = ANY($1::text[])', [accounts]);
  for (const table of ['report_fact_deltas', 'report_day_counts', 'report_day_versions']) {
    await pool.query(`DELETE FROM ${table} WHERE account_id = ANY($1::text[])`, [accounts]);
  }
  await pool.query('VACUUM report_facts, report_fact_deltas, report_day_counts');
  return deleted.rowCount ?? 0;
}

/**
 * The conversations and messages generateReadData made for earlier runs (ids *_gen_*). Not its
 * thousand contacts a run: before migration 0038 each contact's delete read every conversation of
 * every account, and the few kilobytes they hold were not worth it.
 */
export async function forgetReadData(pool: pg.Pool, accounts: string[]): Promise<number> {
  if (accounts.length === 0) return 0;
  // Every earlier account in one statement: messages have no index by account, so a statement per
  // account read all of them once per earlier run (44 s with nineteen runs behind, most of them
  // already emptied by the run after them).
  const messages = await pool.query(`DELETE FROM messages WHERE account_id = ANY($1::text[]) AND id LIKE 'msg\\_gen\\_%'`, [accounts]);
  const conversations = await pool.query(`DELETE FROM conversations WHERE account_id = ANY($1::text[]) AND id LIKE 'con\\_gen\\_%'`, [accounts]);
  await pool.query('VACUUM conversations, messages');
  return (messages.rowCount ?? 0) + (conversations.rowCount ?? 0);
}
