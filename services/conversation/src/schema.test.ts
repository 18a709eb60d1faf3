// The migrated conversation database: every foreign key is served by an index from the referencing
// side, so deleting a contact, team or channel finds the rows that name it without reading whole
// tables; and keys that name a record of the account hold tenants apart in the database itself.
import pg from 'pg';
import { ensureDatabase, migrate } from '@inbox/lib';
import { databaseUrl, foreignKeysWithoutIndex, keysWithoutAccount, uniqueName } from '@inbox/testkit';
import { MIGRATIONS_DIR } from './migrations-dir';

describe('the conversation database schema', () => {
  const url = databaseUrl('inbox_test_conversation_schema');
  let pool: pg.Pool;
  const [a, b] = [uniqueName('acc'), uniqueName('acc')];
  const id = (prefix: string, account: string) => `${prefix}_${account}`;

  beforeAll(async () => {
    await ensureDatabase(url);
    pool = new pg.Pool({ connectionString: url, max: 2 });
    await migrate(pool, MIGRATIONS_DIR);
    for (const account of [a, b]) {
      await pool.query('INSERT INTO accounts (id, name) VALUES ($1, $1)', [account]);
      await pool.query("INSERT INTO inboxes (id, account_id, name) VALUES ($1, $2, 'Support')", [id('inb', account), account]);
      await pool.query("INSERT INTO teams (id, account_id, name) VALUES ($1, $2, 'Tier 1')", [id('tea', account), account]);
      await pool.query(
        "INSERT INTO channels (id, account_id, inbox_id, type, name, lookup_key) VALUES ($1, $2, $3, 'chat', 'Chat', $1)",
        [id('chn', account), account, id('inb', account)],
      );
      await pool.query("INSERT INTO contacts (id, account_id, name) VALUES ($1, $2, 'Ada')", [id('con', account), account]);
      await pool.query(
        "INSERT INTO users (id, account_id, name, email, password_hash, role) VALUES ($1, $2, 'Agent', $1 || '@example.com', 'x', 'agent')",
        [id('usr', account), account],
      );
    }
  });

  afterAll(() => pool?.end());

  const conversation = (conversationId: string, account: string, refs: { inbox?: string; contact?: string; team?: string; channel?: string }) =>
    pool.query(
      `INSERT INTO conversations (id, account_id, inbox_id, contact_id, team_id, channel_id, channel, last_message_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'chat', now())`,
      [conversationId, account, refs.inbox ?? id('inb', account), refs.contact ?? null, refs.team ?? null, refs.channel ?? null],
    );

  /**
   * Work in a transaction, rolled back, on a connection of its own (each connection keeps the plans
   * of its key checks once made) with scans forbidden: on tables this small a scan is the cheaper
   * plan, and forbidding it shows whether an index could serve.
   */
  const withoutScans = async (work: (client: pg.Client) => Promise<void>) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL enable_seqscan = off');
      await work(client);
    } finally {
      await client.query('ROLLBACK');
      await client.end();
    }
  };

  it('has an index leading with the columns of every foreign key', async () => {
    expect(await foreignKeysWithoutIndex(pool)).toEqual([]);
  });

  it('names the account in every key between two records of an account, except in the content of a conversation', async () => {
    // Written in its conversation's (or message's) transaction under that account; a key with the
    // account would need a second index on every message.
    const contentOfAConversation = [
      { table: 'attachments', references: 'messages', columns: 'message_id' },
      { table: 'calls', references: 'conversations', columns: 'conversation_id' },
      { table: 'comments', references: 'conversations', columns: 'conversation_id' },
      { table: 'deals', references: 'conversations', columns: 'conversation_id' },
      { table: 'messages', references: 'conversations', columns: 'conversation_id' },
      { table: 'outbound_deliveries', references: 'messages', columns: 'message_id' },
      { table: 'reply_tokens', references: 'conversations', columns: 'conversation_id' },
      { table: 'surveys', references: 'conversations', columns: 'conversation_id' },
      { table: 'tickets', references: 'conversations', columns: 'conversation_id' },
    ];
    expect(await keysWithoutAccount(pool)).toEqual(contentOfAConversation);
  });

  it('refuses a membership, session, channel, chat flow or address that ties records of two accounts together', async () => {
    const refused = [
      ['INSERT INTO inbox_members (account_id, inbox_id, user_id) VALUES ($1, $2, $3)', [a, id('inb', a), id('usr', b)]],
      ['INSERT INTO inbox_members (account_id, inbox_id, user_id) VALUES ($1, $2, $3)', [a, id('inb', b), id('usr', a)]],
      ['INSERT INTO team_members (account_id, team_id, user_id) VALUES ($1, $2, $3)', [a, id('tea', a), id('usr', b)]],
      ['INSERT INTO team_members (account_id, team_id, user_id) VALUES ($1, $2, $3)', [a, id('tea', b), id('usr', a)]],
      ['INSERT INTO team_members (account_id, team_id, user_id) VALUES ($1, $2, $3)', [a, id('tea', a), 'usr_nobody']],
      ["INSERT INTO sessions (id, account_id, user_id, expires_at) VALUES ($1, $2, $3, now() + interval '1 day')", [uniqueName('ses'), a, id('usr', b)]],
      ["INSERT INTO channels (id, account_id, inbox_id, type, name, lookup_key) VALUES ($1, $2, $3, 'chat', 'Chat', $1)", [uniqueName('chn'), a, id('inb', b)]],
      ["INSERT INTO chatflows (id, account_id, channel_id, name, steps) VALUES ($1, $2, $3, 'Flow', '[]')", [uniqueName('cfl'), a, id('chn', b)]],
      ["INSERT INTO contact_addresses (account_id, contact_id, kind, position, value) VALUES ($1, $2, 'email', 1, 'ada@example.com')", [a, id('con', b)]],
    ] as const;
    for (const [text, values] of refused) {
      await expect(pool.query(text, [...values])).rejects.toMatchObject({ code: '23503' });
    }
    const kept = await pool.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM inbox_members WHERE account_id = $1) + (SELECT count(*) FROM team_members WHERE account_id = $1)
            + (SELECT count(*) FROM sessions WHERE account_id = $1) + (SELECT count(*) FROM chatflows WHERE account_id = $1)
            + (SELECT count(*) FROM contact_addresses WHERE account_id = $1) + (SELECT count(*) FROM channels WHERE account_id = $1 AND inbox_id = $2) AS n`,
      [a, id('inb', b)],
    );
    expect(Number(kept.rows[0].n)).toBe(0);
  });

  it('refuses a conversation that names the inbox, contact, team or channel of another account', async () => {
    for (const refs of [{ inbox: id('inb', b) }, { contact: id('con', b) }, { team: id('tea', b) }, { channel: id('chn', b) }]) {
      await expect(conversation(uniqueName('cnv'), a, refs)).rejects.toMatchObject({ code: '23503' });
    }
    expect((await pool.query('SELECT count(*)::int AS n FROM conversations WHERE account_id = $1', [a])).rows[0].n).toBe(0);
  });

  it('keeps the account of a conversation whose contact, team or channel is deleted', async () => {
    const conversationId = uniqueName('cnv');
    await conversation(conversationId, a, { contact: id('con', a), team: id('tea', a), channel: id('chn', a) });
    await conversation(uniqueName('cnv'), b, { contact: id('con', b), team: id('tea', b), channel: id('chn', b) });

    for (const table of ['contacts', 'teams', 'channels']) await pool.query(`DELETE FROM ${table} WHERE account_id = $1`, [a]);

    const rows = (await pool.query('SELECT id, account_id, contact_id, team_id, channel_id FROM conversations WHERE account_id IN ($1, $2) ORDER BY account_id = $2', [a, b])).rows;
    expect(rows).toEqual([
      { id: conversationId, account_id: a, contact_id: null, team_id: null, channel_id: null },
      expect.objectContaining({ account_id: b, contact_id: id('con', b), team_id: id('tea', b), channel_id: id('chn', b) }),
    ]);
  });

  it('deletes a user, contact, team, channel, company, conversation or inbox without reading any table whole', async () => {
    const conversationId = uniqueName('cnv');
    await conversation(conversationId, b, { contact: id('con', b), team: id('tea', b), channel: id('chn', b) });
    await pool.query("INSERT INTO companies (id, account_id, name, domain) VALUES ($1, $2, 'Acme', 'acme.example')", [id('cmp', b), b]);
    await pool.query('UPDATE contacts SET company_id = $2 WHERE id = $1', [id('con', b), id('cmp', b)]);
    await pool.query('INSERT INTO inbox_members (account_id, inbox_id, user_id) VALUES ($1, $2, $3)', [b, id('inb', b), id('usr', b)]);
    await pool.query('INSERT INTO team_members (account_id, team_id, user_id) VALUES ($1, $2, $3)', [b, id('tea', b), id('usr', b)]);
    await pool.query("INSERT INTO sessions (id, account_id, user_id, expires_at) VALUES ($1, $2, $3, now() + interval '1 day')", [id('ses', b), b, id('usr', b)]);
    const deletions: [string, string][] = [
      ['users', id('usr', b)],
      ['contacts', id('con', b)],
      ['teams', id('tea', b)],
      ['channels', id('chn', b)],
      ['companies', id('cmp', b)],
      ['conversations', conversationId],
      ['inboxes', id('inb', b)],
    ];
    for (const [table, rowId] of deletions) {
      await withoutScans(async (client) => {
        await client.query(`DELETE FROM ${table} WHERE account_id = $1 AND id = $2`, [b, rowId]);
        const scanned = (await client.query<{ relname: string }>('SELECT relname FROM pg_stat_xact_user_tables WHERE seq_scan > 0 ORDER BY relname')).rows;
        expect({ table, scanned: scanned.map((r) => r.relname) }).toEqual({ table, scanned: [] });
      });
    }
  });

  it('plans a statement sent with values for those values, so an index made for them can serve it', async () => {
    // The closed-conversations index holds only closed ones: a plan made without the values
    // (a generic plan) cannot know that status is 'closed' and may not use it.
    await withoutScans(async (client) => {
      await client.query('SELECT id FROM conversations WHERE account_id = $1 AND status = $2 AND updated_at < $3', [a, 'closed', new Date()]);
      const used = await client.query<{ n: string }>("SELECT pg_stat_get_xact_numscans('conversations_closed_idx'::regclass) AS n");
      expect(Number(used.rows[0].n)).toBe(1);
    });
  });
});
