// A pool on a streaming replica for reads that may lag a little (list views, counts, reports).
// When the replica cannot be reached (down, restarting, promoted away) a read goes to the
// primary instead, and the replica is left alone for a while, so its loss costs no request: a
// query, a connection, and a transaction (withTransaction) that loses its connection midway.
import type pg from 'pg';
import type { Logger } from '../logging/logger';
import { errorMessage } from '../observability/health';
import { createPool, setReadFallback } from './pool';

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);

export function isUnreachable(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  if (code && UNREACHABLE_CODES.has(code)) return true;
  return /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED/i.test(errorMessage(error));
}

export type ReadReplicaPool = pg.Pool & {
  /** The replica itself answers (no fallback): for readiness, which reports it as degraded. */
  pingReplica: () => Promise<void>;
};

export function createReadReplicaPool(
  replicaUrl: string,
  primary: pg.Pool,
  logger: Logger,
  max = 10,
  options: Parameters<typeof createPool>[3] = {},
  backOffMs = 10_000,
): ReadReplicaPool {
  const replica = createPool(replicaUrl, logger, max, options);
  let avoidUntil = 0;
  const failedOver = (error: unknown): boolean => {
    if (!isUnreachable(error)) return false;
    if (Date.now() >= avoidUntil) logger.warn({ error: errorMessage(error) }, 'read replica unreachable, reading from the primary');
    avoidUntil = Date.now() + backOffMs;
    return true;
  };
  const query = replica.query.bind(replica) as (text: string, values?: unknown[]) => Promise<pg.QueryResult>;
  replica.query = (async (text: string, values?: unknown[]) => {
    if (Date.now() < avoidUntil) return primary.query(text, values);
    try {
      return await query(text, values);
    } catch (error) {
      if (failedOver(error)) return primary.query(text, values);
      throw error;
    }
  }) as unknown as typeof replica.query;
  const connect = replica.connect.bind(replica) as (callback?: unknown) => unknown;
  replica.connect = ((callback?: unknown) => {
    // pg's own query() takes a client with a callback; it has its fallback above.
    if (callback) return connect(callback);
    if (Date.now() < avoidUntil) return primary.connect();
    return (connect() as Promise<pg.PoolClient>).catch((error: unknown) => {
      if (failedOver(error)) return primary.connect();
      throw error;
    });
  }) as typeof replica.connect;
  setReadFallback(replica, { primary, avoiding: () => Date.now() < avoidUntil, failedOver });
  return Object.assign(replica, { pingReplica: () => query('SELECT 1').then(() => undefined) });
}
