// The row counter the read-path tests rely on, against a real PostgreSQL: it must see a table read
// whole even when the planner would have parallel workers read it.
import pg from 'pg';
import { ensureDatabase } from '@inbox/lib';
import { dropDatabase } from './databases';
import { databaseUrl } from './environment';
import { rowsReadWhile } from './schema';

describe('rowsReadWhile', () => {
  const database = 'inbox_test_rows_read';
  let pool: pg.Pool;

  beforeAll(async () => {
    await ensureDatabase(databaseUrl(database));
    pool = new pg.Pool({ connectionString: databaseUrl(database), max: 1 });
    await pool.query('CREATE TABLE IF NOT EXISTS rows_read (id int, note text)');
    await pool.query('TRUNCATE rows_read');
    await pool.query("INSERT INTO rows_read SELECT g, 'row ' || g FROM generate_series(1, 200000) g");
    await pool.query('ANALYZE rows_read');
  });

  afterAll(async () => {
    await pool?.end();
    await dropDatabase(database);
  });

  it('counts a table read whole by a plan that would run in parallel workers', async () => {
    // Parallel plans made as cheap as they can be, so the planner picks one wherever it may.
    for (const setting of ['parallel_setup_cost = 0', 'parallel_tuple_cost = 0', 'min_parallel_table_scan_size = 0', 'max_parallel_workers_per_gather = 3']) await pool.query(`SET ${setting}`);
    const plan = (await pool.query<{ 'QUERY PLAN': string }>("EXPLAIN SELECT count(*) FROM rows_read WHERE note LIKE '%7%'")).rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).toContain('Parallel Seq Scan');
    const read = await rowsReadWhile(pool, 'rows_read', () => pool.query("SELECT count(*) FROM rows_read WHERE note LIKE '%7%'"));
    expect(read).toBe(200_000);
    // And the setting is as it was for whatever runs next on the connection.
    expect((await pool.query<{ value: string }>("SELECT current_setting('max_parallel_workers_per_gather') AS value")).rows[0].value).toBe('3');
  });
});
