// PostgreSQL pool per service (each service has its own database) and a transaction helper.
// No named prepared statements, so PgBouncer in transaction mode works.
import pg from 'pg';
import type { Logger } from '../logging/logger';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

/** statementTimeoutMs: the server cancels any statement running longer (PostgreSQL error 57014). */
export function createPool(connectionString: string, logger: Logger, max = 10, options: { statementTimeoutMs?: number; workMemMb?: number } = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
    statement_timeout: options.statementTimeoutMs,
    options: options.workMemMb ? `-c work_mem=${options.workMemMb}MB` : undefined,
  });
  pool.on('error', (error) => logger.warn({ error: error.message }, 'idle postgres client error'));
  return pool;
}

/** begin: the statement that opens it, e.g. 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' for one snapshot. */
export async function withTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  const client = await pool.connect();
  // A checked-out client has no pool error listener: a connection the server terminates between
  // two queries would otherwise be an unhandled 'error' that kills the process. Its next query
  // fails instead, and the broken client is discarded rather than returned to the pool.
  let broken: Error | undefined;
  const onError = (error: Error) => {
    broken = error;
  };
  client.on('error', onError);
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

export async function pingPostgres(pool: pg.Pool): Promise<void> {
  await pool.query('SELECT 1');
}
