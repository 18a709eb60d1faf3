// Against a real conversation database: what earlier benchmark runs generated goes, and nothing
// else does (the current run's, another account's of the same name, the rows the API made).
import pg from 'pg';
import { ensureDatabase, migrate } from '@inbox/lib';
import { databaseUrl, uniqueName } from '@inbox/testkit';
import { MIGRATIONS_DIR } from '../../services/conversation/src/migrations-dir';
import { earlierBenchAccounts, forgetReadData, forgetReportFacts } from './earlier-runs';

describe('what earlier benchmark runs generated', () => {
  const url = databaseUrl('inbox_test_bench_earlier_runs');
  let pool: pg.Pool;
  const earlier = uniqueName('acc');
  const current = uniqueName('acc');
  const lookalike = uniqueName('acc');
  // The database outlives a test run: a label of this run's own keeps the last run's accounts out.
  const label = uniqueName('reports');
  const countOf = async (table: string, account: string) =>
    Number((await pool.query(`SELECT count(*) AS n FROM ${table} WHERE account_id = $1`, [account])).rows[0].n);

  beforeAll(async () => {
    await ensureDatabase(url);
    pool = new pg.Pool({ connectionString: url, max: 2 });
    await migrate(pool, MIGRATIONS_DIR);
    const owners: Array<[string, string]> = [
      [earlier, `bench-${label}-1@bench.example`],
      [current, `bench-${label}-2@bench.example`],
      // Named as the benchmark names its accounts, but signed up by someone else.
      [lookalike, `owner-${lookalike}@example.com`],
    ];
    for (const [account, email] of owners) {
      await pool.query('INSERT INTO accounts (id, name) VALUES ($1, $2)', [account, `Bench ${label}`]);
      await pool.query("INSERT INTO users (id, account_id, name, email, password_hash, role) VALUES ($1, $2, 'Owner', $3, 'x', 'admin')", [`${account}_owner`, account, email]);
      await pool.query("INSERT INTO inboxes (id, account_id, name) VALUES ($1, $2, 'Bench')", [`${account}_inbox`, account]);
      await pool.query(
        `INSERT INTO report_facts (account_id, kind, at, conversation_id, inbox_id, channel, value)
         SELECT $1, 'first_response', now() - g * interval '1 hour', $1 || '_con_' || g, $2, 'email', 60 * g FROM generate_series(1, 50) g`,
        [account, `${account}_inbox`],
      );
      await pool.query(
        "INSERT INTO report_day_counts (account_id, grain, day, kind, inbox_id, channel, n, total, promoters, detractors) VALUES ($1, 'all', current_date, 'created', '', '', 5, 0, 0, 0)",
        [account],
      );
      await pool.query("INSERT INTO report_day_versions (account_id, grain, day, version) VALUES ($1, 'all', current_date, 1)", [account]);
      const tag = account.slice(-8);
      await pool.query(`INSERT INTO contacts (id, account_id, name, email) SELECT 'ctc_gen_${tag}_' || g, $1, 'Customer', 'c' || g || '@gen.example' FROM generate_series(1, 3) g`, [account]);
      await pool.query(
        `INSERT INTO conversations (id, account_id, inbox_id, channel, status, contact_id, last_message_at)
         SELECT 'con_gen_${tag}_' || g, $1, $2, 'email', 'open', 'ctc_gen_${tag}_' || g, now() FROM generate_series(1, 3) g`,
        [account, `${account}_inbox`],
      );
      await pool.query(
        `INSERT INTO messages (id, account_id, conversation_id, direction, channel)
         SELECT 'msg_gen_${tag}_' || g, $1, 'con_gen_${tag}_' || ((g - 1) / 5 + 1), 'inbound', 'email' FROM generate_series(1, 15) g`,
        [account],
      );
      // One the API made during the run: not generated, so it stays.
      await pool.query("INSERT INTO conversations (id, account_id, inbox_id, channel, status, last_message_at) VALUES ($1, $2, $3, 'email', 'open', now())", [`${account}_con_api`, account, `${account}_inbox`]);
      await pool.query("INSERT INTO messages (id, account_id, conversation_id, direction, channel) VALUES ($1, $2, $3, 'inbound', 'email')", [`${account}_msg_api`, account, `${account}_con_api`]);
    }
  });

  afterAll(async () => {
    await pool.end();
  });

  it('finds only the earlier accounts the benchmark signed up for the same scenario', async () => {
    expect(await earlierBenchAccounts(pool, label, current)).toEqual([earlier]);
    expect(await earlierBenchAccounts(pool, `${label}-reads`, current)).toEqual([]);
  });

  it('deletes the report facts and what was counted from them of the earlier accounts only', async () => {
    // The 50 written above, and one for each conversation opened (the service's own trigger).
    const facts = await Promise.all([earlier, current, lookalike].map((a) => countOf('report_facts', a)));
    expect(facts).toEqual([54, 54, 54]);
    expect(await forgetReportFacts(pool, [earlier])).toBe(54);
    for (const table of ['report_facts', 'report_fact_deltas', 'report_day_counts', 'report_day_versions']) {
      expect(await countOf(table, earlier)).toBe(0);
    }
    for (const account of [current, lookalike]) {
      expect(await countOf('report_facts', account)).toBe(54);
      expect(await countOf('report_fact_deltas', account)).toBeGreaterThan(0);
      expect(await countOf('report_day_counts', account)).toBe(1);
      expect(await countOf('report_day_versions', account)).toBe(1);
    }
    expect(await forgetReportFacts(pool, [])).toBe(0);
  });

  it('deletes the generated conversations and messages and keeps what the API made', async () => {
    // 15 generated messages and 3 conversations.
    expect(await forgetReadData(pool, [earlier])).toBe(18);
    expect((await pool.query('SELECT id FROM conversations WHERE account_id = $1', [earlier])).rows).toEqual([{ id: `${earlier}_con_api` }]);
    expect((await pool.query('SELECT id FROM messages WHERE account_id = $1', [earlier])).rows).toEqual([{ id: `${earlier}_msg_api` }]);
    expect(await countOf('contacts', earlier)).toBe(3);
    for (const account of [current, lookalike]) {
      expect(await countOf('conversations', account)).toBe(4);
      expect(await countOf('messages', account)).toBe(16);
      expect(await countOf('contacts', account)).toBe(3);
    }
  });
});
