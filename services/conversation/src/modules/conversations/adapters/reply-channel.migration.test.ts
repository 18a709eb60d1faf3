// Upgrading an install where chats, Messenger threads and calls were answered by email (they
// became email conversations then): the migration gives each its channel of origin back and
// keeps its replies on email; conversations that began as email stay as they are.
import { copyFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { ensureDatabase, migrate } from '@inbox/lib';
import { databaseUrl, dropDatabase, scratchDirectory, uniqueName } from '@inbox/testkit';
import { MIGRATIONS_DIR } from '../../../migrations-dir';

describe('the reply channel migration on existing data', () => {
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

  it('gives moved conversations their origin back, with replies by email, and leaves the rest alone', async () => {
    const before = scratchDirectory('migrations-');
    for (const file of readdirSync(MIGRATIONS_DIR).filter((f) => f < '0019')) copyFileSync(path.join(MIGRATIONS_DIR, file), path.join(before, file));
    await migrate(pool, before);
    await pool.query("INSERT INTO accounts (id, name) VALUES ('acc_a', 'A')");
    await pool.query("INSERT INTO inboxes (id, account_id, name) VALUES ('inb_a', 'acc_a', 'A')");
    await pool.query(
      `INSERT INTO conversations (id, account_id, inbox_id, channel, last_message_at) VALUES
         ('con_chat', 'acc_a', 'inb_a', 'email', now()), ('con_mail', 'acc_a', 'inb_a', 'email', now()),
         ('con_live', 'acc_a', 'inb_a', 'chat', now()), ('con_call', 'acc_a', 'inb_a', 'email', now())`,
    );
    await pool.query(
      `INSERT INTO messages (id, account_id, conversation_id, direction, channel, created_at) VALUES
         ('msg_1', 'acc_a', 'con_chat', 'inbound', 'chat', now() - interval '2 hours'), ('msg_2', 'acc_a', 'con_chat', 'outbound', 'email', now() - interval '1 hour'),
         ('msg_3', 'acc_a', 'con_mail', 'inbound', 'email', now() - interval '1 hour'), ('msg_4', 'acc_a', 'con_mail', 'outbound', 'email', now()),
         ('msg_5', 'acc_a', 'con_live', 'inbound', 'chat', now()),
         ('msg_6', 'acc_a', 'con_call', 'inbound', 'phone', now() - interval '1 hour'), ('msg_7', 'acc_a', 'con_call', 'outbound', 'email', now())`,
    );

    await migrate(pool, MIGRATIONS_DIR);
    const rows = (await pool.query('SELECT id, channel, reply_channel FROM conversations ORDER BY id')).rows;
    expect(rows).toEqual([
      { id: 'con_call', channel: 'phone', reply_channel: 'email' },
      { id: 'con_chat', channel: 'chat', reply_channel: 'email' },
      { id: 'con_live', channel: 'chat', reply_channel: null },
      { id: 'con_mail', channel: 'email', reply_channel: null },
    ]);
    // The view counts moved with them (per channel), and none were lost.
    const counts = (
      await pool.query(
        `SELECT channel, sum(n)::int AS n FROM (SELECT channel, n FROM conversation_view_counts UNION ALL SELECT channel, n FROM conversation_view_count_deltas) x
         GROUP BY channel ORDER BY channel`,
      )
    ).rows;
    expect(counts).toEqual([
      { channel: 'chat', n: 2 },
      { channel: 'email', n: 1 },
      { channel: 'phone', n: 1 },
    ]);
  });
});
