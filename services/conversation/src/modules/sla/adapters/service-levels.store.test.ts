// Breach announcements against the real database: one pass takes no more conversations than its limit.
import pg from 'pg';
import { ensureDatabase, migrate } from '@inbox/lib';
import { databaseUrl, uniqueName } from '@inbox/testkit';
import { MIGRATIONS_DIR } from '../../../migrations-dir';
import { PostgresServiceLevels } from './service-levels.store';

describe('announcing service-level breaches', () => {
  const url = databaseUrl('inbox_test_sla_breaches');
  let pool: pg.Pool;

  beforeAll(async () => {
    await ensureDatabase(url);
    pool = new pg.Pool({ connectionString: url, max: 2 });
    await migrate(pool, MIGRATIONS_DIR);
  });

  afterAll(async () => {
    await pool.end();
  });

  it('marks no more conversations than its limit when the planner expects one to be due', async () => {
    const accountId = uniqueName('acc');
    const inboxId = uniqueName('inb');
    await pool.query('INSERT INTO accounts (id, name) VALUES ($1, $2)', [accountId, 'Breaches']);
    await pool.query('INSERT INTO inboxes (id, account_id, name) VALUES ($1, $2, $3)', [inboxId, accountId, 'Inbox']);
    const due = (n: number, from: number) =>
      pool.query(
        `INSERT INTO conversations (id, account_id, inbox_id, channel, subject, last_message_at, status, sla_target, sla_due_at)
         SELECT $1 || '_' || g, $2, $3, 'email', 's', now(), 'open', 'first_response', now() - interval '1 hour' + g * interval '1 second'
         FROM generate_series($4::int, $4::int + $5::int - 1) g`,
        [uniqueName('con'), accountId, inboxId, from, n],
      );
    await pool.query('DELETE FROM conversations');
    await due(1, 0);
    await pool.query('ANALYZE conversations');
    await due(6, 1);
    const store = new PostgresServiceLevels(pool, () => undefined);
    expect(await store.announceBreaches(new Date(), 5)).toBe(5);
    expect(await store.announceBreaches(new Date(), 5)).toBe(2);
    expect(await store.announceBreaches(new Date(), 5)).toBe(0);
    const outbox = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM outbox WHERE subject LIKE $1`, [`conversation.${accountId}.sla_breached`]);
    expect(Number(outbox.rows[0]!.n)).toBe(7);
  });
});
