// Named prepared statements for a hot path: PostgreSQL parses and plans each distinct statement
// once per connection instead of on every call. A statement is named by a hash of its text, so
// only static SQL (values as parameters, never spliced in) belongs behind this.
import { createHash } from 'node:crypto';
import type pg from 'pg';

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

/** The client, with query(text, values) sent as a named prepared statement. */
export function preparing(client: pg.PoolClient): pg.PoolClient {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'query') return Reflect.get(target, property, receiver);
      return (text: unknown, values?: unknown[]) =>
        typeof text === 'string' ? target.query({ name: statementName(text), text, values }) : (target.query as (...args: unknown[]) => unknown)(text, values);
    },
  });
}
