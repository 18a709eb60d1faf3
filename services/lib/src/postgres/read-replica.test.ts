// A read pool on a replica that loses its connection in the middle of a read, against a real
// PostgreSQL: the "replica" and the primary are the test server under two application names, and
// the replica's connection is terminated by the server between two statements of a transaction.
import pg from 'pg';
import { databaseUrl } from '@inbox/testkit';
import { createLogger } from '../logging/logger';
import { createPool, withTransaction } from './pool';
import { queryWithCachedPlan } from './prepared';
import { createReadReplicaPool } from './read-replica';

describe('a read replica that dies in the middle of a read', () => {
  const logger = createLogger({ service: 'read-replica-test', level: 'silent' });
  const url = (name: string) => `${databaseUrl('postgres')}?application_name=${name}`;
  let primary: pg.Pool;
  let admin: pg.Client;

  beforeEach(async () => {
    primary = createPool(url('primary'), logger, 2);
    admin = new pg.Client({ connectionString: databaseUrl('postgres') });
    await admin.connect();
  });

  afterEach(async () => {
    await admin.end();
    await primary.end();
  });

  /** A read that has the server end its own connection after its first statement, on the replica only. */
  const readThatLosesTheReplica = (served: string[]) => async (tx: pg.PoolClient) => {
    const { name, pid } = (await tx.query<{ name: string; pid: number }>("SELECT current_setting('application_name') AS name, pg_backend_pid() AS pid")).rows[0];
    served.push(name);
    if (name === 'replica') {
      // Asked to end, the backend goes at once; the wait only keeps the test from racing the signal.
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return (await tx.query<{ one: number }>('SELECT 1 AS one')).rows[0].one;
  };

  it('runs a transaction again, whole, on the primary, and leaves the replica alone after', async () => {
    const replica = createReadReplicaPool(url('replica'), primary, logger, 2);
    try {
      const served: string[] = [];
      expect(await withTransaction(replica, readThatLosesTheReplica(served))).toBe(1);
      expect(served).toEqual(['replica', 'primary']);
      expect(await withTransaction(replica, readThatLosesTheReplica(served))).toBe(1);
      expect(served).toEqual(['replica', 'primary', 'primary']);
    } finally {
      await replica.end();
    }
  });

  it('answers a statement with its cached plan from the primary when the replica dies under it', async () => {
    const replica = createReadReplicaPool(url('replica'), primary, logger, 2);
    try {
      // On the replica the statement ends its own connection, as a replica killed while it runs does.
      const answer = await queryWithCachedPlan<{ name: string }>(
        replica,
        "SELECT current_setting('application_name') AS name, CASE WHEN current_setting('application_name') = 'replica' THEN pg_terminate_backend(pg_backend_pid()) END AS gone",
        [],
      );
      expect(answer.rows).toEqual([{ name: 'primary', gone: null }]);
    } finally {
      await replica.end();
    }
  });

  it('does not run a transaction again for an error of its own', async () => {
    const replica = createReadReplicaPool(url('replica'), primary, logger, 2);
    try {
      const served: string[] = [];
      const failure = await withTransaction(replica, async (tx) => {
        served.push((await tx.query<{ name: string }>("SELECT current_setting('application_name') AS name")).rows[0].name);
        await tx.query('SELECT 1 / 0');
      }).catch((error: { code?: string }) => error);
      expect(failure).toMatchObject({ code: '22012' });
      expect(served).toEqual(['replica']);
    } finally {
      await replica.end();
    }
  });
});
