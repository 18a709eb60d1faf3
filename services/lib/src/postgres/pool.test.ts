import pg from 'pg';
import { databaseUrl } from '@inbox/testkit';
import { createLogger } from '../logging/logger';
import { createMetrics } from '../observability/metrics';
import { createPool, withTransaction } from './pool';
import { preparing, queryWithCachedPlan, statementName, withCachedPlans } from './prepared';

/** The text of every statement the pool's connections send, in order. */
function statementsSent(pool: pg.Pool): string[] {
  const sent: string[] = [];
  pool.on('connect', (client) => {
    const send = client.query.bind(client) as (...args: unknown[]) => unknown;
    client.query = ((config: unknown, ...rest: unknown[]) => {
      sent.push(typeof config === 'string' ? config : (config as { text: string }).text);
      return send(config, ...rest);
    }) as typeof client.query;
  });
  return sent;
}

describe('withTransaction against a real PostgreSQL', () => {
  const pool = createPool(databaseUrl('postgres'), createLogger({ service: 'pool-test', level: 'silent' }), 2);
  afterAll(() => pool.end());

  it('survives the server terminating its connection mid-transaction, and the pool recovers', async () => {
    const admin = new pg.Client({ connectionString: databaseUrl('postgres') });
    await admin.connect();
    try {
      const failure = await withTransaction(pool, async (tx) => {
        const pid = (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
        // Terminated while checked out and idle between two queries: the moment an unhandled
        // client 'error' used to crash the whole service.
        await admin.query('SELECT pg_terminate_backend($1)', [pid]);
        await new Promise((resolve) => setTimeout(resolve, 300));
        await tx.query('SELECT 1');
      }).catch((error: Error) => error);
      expect(failure).toBeInstanceOf(Error);
      const answers = await Promise.all([1, 2, 3].map(() => withTransaction(pool, async (tx) => (await tx.query<{ one: number }>('SELECT 1 AS one')).rows[0].one)));
      expect(answers).toEqual([1, 1, 1]);
    } finally {
      await admin.end();
    }
  });

  it.each([
    [true, 'prepares a statement the code names, once per connection'],
    [false, 'sends named statements unnamed when named statements are off, from the pool and a transaction client alike'],
  ])('with named statements %s, %s', async (named) => {
    const text = `SELECT $1::int + ${named ? 1 : 2} AS n`;
    const through = createPool(databaseUrl('postgres'), createLogger({ service: 'pool-test', level: 'silent' }), 1, { namedStatements: named });
    try {
      expect((await through.query<{ n: number }>({ name: statementName(text), text, values: [1] })).rows[0].n).toBe(named ? 2 : 3);
      const prepared = await withTransaction(through, async (tx) => {
        expect((await preparing(tx).query<{ n: number }>(text, [2])).rows[0].n).toBe(named ? 3 : 4);
        return (await tx.query<{ name: string }>('SELECT name FROM pg_prepared_statements')).rows.map((r) => r.name);
      });
      expect(prepared).toEqual(named ? [statementName(text)] : []);
    } finally {
      await through.end();
    }
  });

  it('runs a named statement that takes an array with the plan cached for it instead of planning it on every call', async () => {
    const statement = (n: number) => `SELECT count(*)::int AS n${n} FROM pg_class WHERE oid = ANY($1::oid[])`;
    const plans = (tx: pg.PoolClient, text: string) =>
      tx.query<{ generic_plans: string; custom_plans: string }>('SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = $1', [statementName(text)]);
    const one = createPool(databaseUrl('postgres'), createLogger({ service: 'pool-test', level: 'silent' }), 1);
    try {
      // A name alone: PostgreSQL keeps choosing a custom plan, so it plans the statement every time.
      const named = await withTransaction(one, async (tx) => {
        for (let i = 0; i < 8; i += 1) await preparing(tx).query(statement(1), [[1259]]);
        return (await plans(tx, statement(1))).rows[0];
      });
      expect(named).toEqual({ generic_plans: '0', custom_plans: '8' });
      for (let i = 0; i < 7; i += 1) expect((await queryWithCachedPlan<{ n2: number }>(one, statement(2), [[1259, 1247]])).rows[0].n2).toBe(2);
      const cached = await withCachedPlans(one, async (tx) => {
        await tx.query(statement(2), [[1259]]);
        return (await plans(tx, statement(2))).rows[0];
      });
      expect(cached).toEqual({ generic_plans: '8', custom_plans: '0' });
      // A statement given as a config object is sent as given, unnamed: nothing is kept for it.
      const asGiven = 'SELECT count(*)::int AS n3 FROM pg_class WHERE relkind = \'r\'';
      const kept = await withCachedPlans(one, async (tx) => {
        await tx.query({ text: asGiven });
        return (await tx.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements')).rows.map((r) => r.statement);
      });
      expect(kept).not.toContain(asGiven);
      expect(kept.length).toBeGreaterThan(0);
      // The setting ends with each transaction: the session plans as before outside one.
      expect((await one.query<{ plan_cache_mode: string }>('SHOW plan_cache_mode')).rows[0].plan_cache_mode).toBe('auto');
    } finally {
      await one.end();
    }
  });

  it('sets the plan mode in a transaction around a single cached read, never on the session', async () => {
    const one = createPool(databaseUrl('postgres'), createLogger({ service: 'pool-test', level: 'silent' }), 1);
    const sent = statementsSent(one);
    try {
      sent.length = 0;
      expect((await queryWithCachedPlan<{ n: number }>(one, 'SELECT $1::int AS n', [7])).rows[0].n).toBe(7);
      expect(sent).toEqual(['BEGIN; SET LOCAL plan_cache_mode = force_generic_plan', 'SELECT $1::int AS n', 'COMMIT']);
    } finally {
      await one.end();
    }
  });

  it('plans with the values on a pool that sends statements unnamed, where nothing is cached', async () => {
    const unnamed = createPool(databaseUrl('postgres'), createLogger({ service: 'pool-test', level: 'silent' }), 1, { namedStatements: false });
    try {
      const seen = await withCachedPlans(unnamed, async (tx) => {
        await tx.query('SELECT count(*) FROM pg_class WHERE oid = ANY($1::oid[])', [[1259]]);
        return {
          mode: (await tx.query<{ plan_cache_mode: string }>('SHOW plan_cache_mode')).rows[0].plan_cache_mode,
          prepared: (await tx.query<{ n: string }>('SELECT count(*) AS n FROM pg_prepared_statements')).rows[0].n,
        };
      });
      expect(seen).toEqual({ mode: 'auto', prepared: '0' });
    } finally {
      await unnamed.end();
    }
  });

  it('bounds a pool with a statement timeout and work_mem set in each transaction, never on the session', async () => {
    const bounded = createPool(databaseUrl('postgres'), createLogger({ service: 'pool-test', level: 'silent' }), 1, { statementTimeoutMs: 200, workMemMb: 48 });
    try {
      // Nothing goes in the startup packet: PgBouncer refuses unknown startup parameters.
      expect((bounded as unknown as { options: Record<string, unknown> }).options.options).toBeUndefined();
      expect((bounded as unknown as { options: Record<string, unknown> }).options.statement_timeout).toBeUndefined();
      await expect(bounded.query('SELECT pg_sleep(1)')).rejects.toMatchObject({ code: '57014' });
      await expect(withTransaction(bounded, (tx) => tx.query('SELECT pg_sleep(1)'))).rejects.toMatchObject({ code: '57014' });
      expect((await bounded.query<{ work_mem: string }>('SHOW work_mem')).rows[0].work_mem).toBe('48MB');
      expect((await withTransaction(bounded, (tx) => tx.query<{ work_mem: string }>('SHOW work_mem'), 'BEGIN READ ONLY')).rows[0].work_mem).toBe('48MB');
      // The same server connection, outside a transaction, has the server's defaults again.
      const client = await bounded.connect();
      try {
        expect((await client.query<{ statement_timeout: string }>('SHOW statement_timeout')).rows[0].statement_timeout).toBe('0');
      } finally {
        client.release();
      }
    } finally {
      await bounded.end();
    }
  });

  it('reports its connections by state to the metrics at each scrape', async () => {
    const metrics = createMetrics('pool-test');
    metrics.observePool('main', pool);
    const client = await pool.connect();
    try {
      const text = await metrics.registry.getSingleMetricAsString('inbox_pg_pool_connections');
      expect(text).toMatch(/inbox_pg_pool_connections\{pool="main",state="in_use",service="pool-test"\} 1/);
      expect(text).toMatch(/inbox_pg_pool_connections\{pool="main",state="max",service="pool-test"\} 2/);
    } finally {
      client.release();
    }
  });
});
