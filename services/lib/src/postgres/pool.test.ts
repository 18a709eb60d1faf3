import pg from 'pg';
import { databaseUrl } from '@inbox/testkit';
import { createLogger } from '../logging/logger';
import { createPool, withTransaction } from './pool';

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
});
