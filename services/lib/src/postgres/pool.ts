// PostgreSQL pool per service (each service has its own database) and a transaction helper.
// No named prepared statements and no session settings, so PgBouncer in transaction mode works:
// a pool's statement timeout and work_mem are set with SET LOCAL inside each transaction, never
// as startup parameters (PgBouncer refuses those) or session SETs (they would leak to whoever
// gets the server connection next).
import pg from 'pg';
import type { Logger } from '../logging/logger';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

const transactionSettings = new WeakMap<pg.Pool, string>();

/**
 * statementTimeoutMs: the server cancels any statement running longer (PostgreSQL error 57014);
 * workMemMb: memory each sort or hash may use. With either, every query of the pool runs in a
 * transaction that sets them locally.
 */
export function createPool(connectionString: string, logger: Logger, max = 10, options: { statementTimeoutMs?: number; workMemMb?: number } = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 5_000 });
  pool.on('error', (error) => logger.warn({ error: error.message }, 'idle postgres client error'));
  const settings = [
    options.statementTimeoutMs ? `SET LOCAL statement_timeout = ${Math.floor(options.statementTimeoutMs)}` : '',
    options.workMemMb ? `SET LOCAL work_mem = '${Math.floor(options.workMemMb)}MB'` : '',
  ].filter(Boolean);
  if (settings.length > 0) {
    transactionSettings.set(pool, settings.join('; '));
    const query = (text: string, values?: unknown[]) => withTransaction(pool, (tx) => tx.query(text, values));
    pool.query = query as unknown as typeof pool.query;
  }
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
    const settings = transactionSettings.get(pool);
    await client.query(settings ? `${begin}; ${settings}` : begin);
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
