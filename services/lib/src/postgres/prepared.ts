// Named prepared statements for a hot path: PostgreSQL parses and plans each distinct statement
// once per connection instead of on every call. A statement is named by a hash of its text, so
// only static SQL (values as parameters, never spliced in) belongs behind this.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { namesStatements, withTransaction } from './pool';

const names = new Map<string, string>();

/** The statement's name: the same text always gets the same one. */
export function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `p_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    names.set(text, name);
  }
  return name;
}

/**
 * The client, with query(text, values) sent as a named prepared statement. A query given as a
 * config object goes as given: unnamed unless it names itself, so planned for the tables as they
 * are now (a queue that swings between empty and a backlog), even inside withCachedPlans.
 */
export function preparing(client: pg.PoolClient): pg.PoolClient {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'query') return Reflect.get(target, property, receiver);
      return (text: unknown, values?: unknown[]) =>
        typeof text === 'string' ? target.query({ name: statementName(text), text, values }) : (target.query as (...args: unknown[]) => unknown)(text, values);
    },
  });
}

// A name alone does not stop the planning. PostgreSQL plans a prepared statement with its values
// (a custom plan) until the generic plan looks no dearer, and for a parameter that is an array,
// which every set-based statement here takes (`= ANY($2)`, `unnest($1)`), the generic plan is
// costed for ten elements: it never looks cheap enough, and the statement is planned again on
// every call. For a conversation's summary that planning is 0.5 ms against 0.05 ms of execution.
// The setting is transaction-local because a pooler in transaction mode shares server sessions.
const CACHED_PLANS = 'SET LOCAL plan_cache_mode = force_generic_plan';

/**
 * A transaction whose statements are named and run the plan cached for them on the connection,
 * never planned again. Only for static statements whose generic plan is as good as a custom one
 * (keyed look-ups and set-based writes, not searches whose plan depends on the values).
 */
export function withCachedPlans<T>(pool: pg.Pool, work: (tx: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  // Without names nothing is cached; a plan made without the values would only be worse.
  if (!namesStatements(pool)) return withTransaction(pool, work, begin);
  return withTransaction(pool, (client) => work(preparing(client)), `${begin}; ${CACHED_PLANS}`);
}

/**
 * One static statement with its cached plan (see withCachedPlans): three round trips, because the
 * mode can only be set around it. A database default of force_generic_plan would save two, but it
 * reaches every statement sent with values, named or not, and plans made without their values
 * cannot use an index built for one value or size a LIMIT (migration 0039 of the conversation
 * database undid one).
 */
export function queryWithCachedPlan<R extends pg.QueryResultRow>(pool: pg.Pool, text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
  return withCachedPlans(pool, (tx) => tx.query<R>(text, values));
}
