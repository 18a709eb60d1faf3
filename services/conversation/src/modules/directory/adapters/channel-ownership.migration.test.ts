// Upgrading an install whose email channels include +tag variants of one another (registered
// before addresses were unique): the migration keeps the oldest on the address, sets the later
// ones unverified, and mail to each exact address still reaches its own channel.
import { copyFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { ensureDatabase, migrate } from '@inbox/lib';
import { databaseUrl, dropDatabase, scratchDirectory, uniqueName } from '@inbox/testkit';
import { MIGRATIONS_DIR } from '../../../migrations-dir';
import { DirectoryRepository } from './directory.repository';

describe('the channel ownership migration on existing data', () => {
  const name = uniqueName('inbox_test_upgrade').toLowerCase();
  let pool: pg.Pool;

  beforeAll(async () => {
    const url = databaseUrl(name);
    await ensureDatabase(url);
    pool = new pg.Pool({ connectionString: url, max: 2 });
  });

  afterAll(async () => {
    await pool?.end();
    await dropDatabase(name);
  });

  it('keeps the oldest of colliding addresses, sets the others unverified, and routes exact addresses to their own channel', async () => {
    const before = scratchDirectory('migrations-');
    for (const file of readdirSync(MIGRATIONS_DIR).filter((f) => f < '0016')) copyFileSync(path.join(MIGRATIONS_DIR, file), path.join(before, file));
    await migrate(pool, before);
    await pool.query("INSERT INTO accounts (id, name) VALUES ('acc_a', 'A'), ('acc_b', 'B')");
    await pool.query("INSERT INTO inboxes (id, account_id, name) VALUES ('inb_a', 'acc_a', 'A'), ('inb_b', 'acc_b', 'B')");
    await pool.query(
      `INSERT INTO channels (id, account_id, inbox_id, type, name, lookup_key, created_at) VALUES
         ('chn_old', 'acc_a', 'inb_a', 'email', 'Support', 'support@acme.example', now() - interval '2 days'),
         ('chn_new', 'acc_b', 'inb_b', 'email', 'Billing', 'support+billing@acme.example', now() - interval '1 day'),
         ('chn_other', 'acc_b', 'inb_b', 'email', 'Other', 'other@acme.example', now())`,
    );

    await migrate(pool, MIGRATIONS_DIR);
    const rows = (await pool.query('SELECT id, address_key, verified FROM channels ORDER BY id')).rows;
    expect(rows).toEqual([
      { id: 'chn_new', address_key: null, verified: false },
      { id: 'chn_old', address_key: 'support@acme.example', verified: true },
      { id: 'chn_other', address_key: 'other@acme.example', verified: true },
    ]);
    const directory = new DirectoryRepository(pool);
    expect((await directory.resolveChannel('email', { lookupKey: 'Support+Billing@acme.example' }))?.id).toBe('chn_new');
    expect((await directory.resolveChannel('email', { lookupKey: 'support@acme.example' }))?.id).toBe('chn_old');
    expect((await directory.resolveChannel('email', { lookupKey: 'support+sales@acme.example' }))?.id).toBe('chn_old');
  });
});
