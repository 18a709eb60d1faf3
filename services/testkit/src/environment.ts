// Where the real servers of the test stack are (scripts/stack.sh up), from the environment.
import { env, loadConfig, z } from '@inbox/lib';

const schema = z.object({
  TEST_PG_URL: env.url('postgres://postgres@127.0.0.1:5432/postgres'),
  TEST_REDIS_URL: env.url('redis://127.0.0.1:6379'),
  TEST_NATS_URL: env.string('nats://127.0.0.1:4222'),
  TEST_OPENSEARCH_URL: env.url('http://127.0.0.1:9200'),
});

export const testStack = loadConfig(schema);

/** A database URL with the test PostgreSQL's credentials: on the test server, or on another local one (a replica, a bouncer, a second cell) by its port. */
export function databaseUrl(name: string, port?: number): string {
  const url = new URL(testStack.TEST_PG_URL);
  if (port !== undefined) {
    url.hostname = '127.0.0.1';
    url.port = String(port);
  }
  url.pathname = `/${name}`;
  return url.toString();
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

/** The tests' own search index names, so documents a running stack or a benchmark indexed never meet the tests' checks. */
export const TEST_INDEX_PREFIX = 'inbox-test-conversations';
