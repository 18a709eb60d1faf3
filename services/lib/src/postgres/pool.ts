// PostgreSQL pool per service (each service has its own database) and a transaction helper.
// PgBouncer in transaction mode works: no session settings (a pool's statement timeout and
// work_mem are set with SET LOCAL inside each transaction, never as startup parameters, which
// PgBouncer refuses, or session SETs, which would leak to whoever gets the server connection
// next), and named prepared statements only where the pool allows them.
import pg from 'pg';
import type { Logger } from '../logging/logger';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

const transactionSettings = new WeakMap<pg.Pool, string>();
const unnamedPools = new WeakSet<pg.Pool>();

/**
 * A client that sends every statement unnamed, whatever the caller asked. Behind PgBouncer before
 * 1.21 in transaction mode, a name prepared on one server connection is unknown, or already
 * taken, on the next one a client is handed.
 */
class UnnamedStatementsClient extends pg.Client {}
const sendQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;
UnnamedStatementsClient.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const config = args[0] as { name?: string; submit?: unknown } | null;
  if (config && typeof config === 'object' && typeof config.submit !== 'function' && config.name !== undefined) {
    const { name: _name, ...unnamed } = config;
    args[0] = unnamed;
  }
  return sendQuery.apply(this, args);
} as typeof pg.Client.prototype.query;

export interface PoolOptions {
  /** The server cancels any statement running longer (PostgreSQL error 57014). */
  statementTimeoutMs?: number;
  /** Memory each sort or hash may use. With this or the timeout, every query runs in a transaction that sets them locally. */
  workMemMb?: number;
  /** false: statements the code names are sent unnamed (PgBouncer before 1.21 in transaction mode). Default true. */
  namedStatements?: boolean;
}

export function createPool(connectionString: string, logger: Logger, max = 10, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
    ...(options.namedStatements === false ? { Client: UnnamedStatementsClient } : {}),
  });
  pool.on('error', (error) => logger.warn({ error: error.message }, 'idle postgres client error'));
  if (options.namedStatements === false) unnamedPools.add(pool);
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

/** Whether the pool sends the statements the code names as named prepared statements. */
export function namesStatements(pool: pg.Pool): boolean {
  return !unnamedPools.has(pool);
}

/** Where a pool's transactions run again when its own server cannot be reached (a replica's primary). */
export interface ReadFallback {
  primary: pg.Pool;
  /** Whether the pool's server is being left alone after it failed. */
  avoiding(): boolean;
  /** Whether the error says the server cannot be reached (and, if so, leaves it alone a while). */
  failedOver(error: unknown): boolean;
}

const readFallbacks = new WeakMap<pg.Pool, ReadFallback>();

/** Only for pools that read: their transactions may run twice. */
export function setReadFallback(pool: pg.Pool, fallback: ReadFallback): void {
  readFallbacks.set(pool, fallback);
}

/** begin: the statement that opens it, e.g. 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' for one snapshot. */
export async function withTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  const fallback = readFallbacks.get(pool);
  if (!fallback) return transaction(pool, work, begin);
  if (fallback.avoiding()) return transaction(fallback.primary, work, begin);
  // A connection the replica loses in the middle of a read fails the read: it runs again, whole,
  // on the primary (falling back only where a connection is made would let this one fail).
  try {
    return await transaction(pool, work, begin);
  } catch (error) {
    if (fallback.failedOver(error)) return transaction(fallback.primary, work, begin);
    throw error;
  }
}

async function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>, begin: string): Promise<T> {
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
    // On a broken connection pg answers every later query "not queryable": the connection's own
    // error (terminated, reset) says what happened, and lets a replica's reader fall back.
    throw broken ?? error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

export async function pingPostgres(pool: pg.Pool): Promise<void> {
  await pool.query('SELECT 1');
}
