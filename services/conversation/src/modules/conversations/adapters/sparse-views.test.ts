// The views that hold few of an inbox's conversations, against the real database: a page of Chat,
// Calls, Bots, Sent, Spam, My teams or a custom view of closed Messenger conversations, in an inbox
// of thousands of email conversations, reads its own conversations, not every conversation of the
// inbox until a page is found.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { ensureDatabase, migrate } from '@inbox/lib';
import { databaseUrl, dropDatabase, rowsReadWhile, uniqueName } from '@inbox/testkit';
import { MIGRATIONS_DIR } from '../../../migrations-dir';
import { ConversationQueries } from './conversation-queries';

describe('sparse inbox views', () => {
  const database = 'inbox_test_sparse_views';
  const url = databaseUrl(database);
  const account = uniqueName('acc');
  const inbox = `inb_${account}`;
  const viewer = `usr_${account}`;
  const closedMessenger = `cvw_${randomUUID()}`;
  const EMAILS = 3000;
  let pool: pg.Pool;

  beforeAll(async () => {
    await ensureDatabase(url);
    const setup = new pg.Pool({ connectionString: url, max: 1 });
    await migrate(setup, MIGRATIONS_DIR);
    await setup.query('INSERT INTO accounts (id, name) VALUES ($1, $1)', [account]);
    await setup.query("INSERT INTO inboxes (id, account_id, name) VALUES ($1, $2, 'Support')", [inbox, account]);
    await setup.query("INSERT INTO teams (id, account_id, name) VALUES ($1, $2, 'Tier 2')", [`tea_${account}`, account]);
    await setup.query("INSERT INTO users (id, account_id, name, email, password_hash, role) VALUES ($1, $2, 'Viewer', $2 || '@example.com', 'x', 'agent')", [viewer, account]);
    await setup.query('INSERT INTO team_members (team_id, user_id, account_id) VALUES ($1, $2, $3)', [`tea_${account}`, viewer, account]);
    // The few, oldest first, so a walk from the newest conversation would pass every email.
    await setup.query(
      `INSERT INTO conversations (id, account_id, inbox_id, channel, last_message_at, bot_chatflow_id, awaiting_first_reply, filtered)
       VALUES ($2 || '_chat', $1, $3, 'chat', now() - interval '30 days', NULL, false, false),
              ($2 || '_call', $1, $3, 'phone', now() - interval '30 days', NULL, false, false),
              ($2 || '_bot', $1, $3, 'messenger', now() - interval '30 days', 'cf_1', false, false),
              ($2 || '_sent', $1, $3, 'email', now() - interval '30 days', NULL, true, false),
              ($2 || '_spam', $1, $3, 'email', now() - interval '30 days', NULL, false, true)`,
      [account, account.replace('acc', 'cnv'), inbox],
    );
    await setup.query(
      `INSERT INTO conversations (id, account_id, inbox_id, channel, last_message_at, team_id) VALUES ($2 || '_team', $1, $3, 'email', now() - interval '30 days', $4)`,
      [account, account.replace('acc', 'cnv'), inbox, `tea_${account}`],
    );
    await setup.query(
      `INSERT INTO conversations (id, account_id, inbox_id, channel, last_message_at)
       SELECT $2 || '_mail_' || g, $1, $3, 'email', now() - g * interval '1 minute' FROM generate_series(1, $4::int) g`,
      [account, account.replace('acc', 'cnv'), inbox, EMAILS],
    );
    await setup.query(
      `INSERT INTO conversations (id, account_id, inbox_id, channel, status, last_message_at)
       SELECT $2 || '_closed_mail_' || g, $1, $3, 'email', 'closed', now() - g * interval '1 minute' FROM generate_series(1, $4::int) g
       UNION ALL SELECT $2 || '_closed_chat', $1, $3, 'messenger', 'closed', now() - interval '30 days'`,
      [account, account.replace('acc', 'cnv'), inbox, EMAILS],
    );
    await setup.query(
      "INSERT INTO custom_views (id, account_id, inbox_id, owner_id, name, filters) VALUES ($1, $2, $3, $4, 'Closed Messenger', $5)",
      [closedMessenger, account, inbox, viewer, JSON.stringify({ baseView: 'closed', channel: 'messenger', assignee: '', needsReply: false })],
    );
    await setup.query('ANALYZE conversations');
    await setup.end();
    // One connection, so the list runs on the backend whose counters are read.
    pool = new pg.Pool({ connectionString: url, max: 1 });
  });

  // Thousands of rows a run: the database goes with the suite.
  afterAll(async () => {
    await pool?.end();
    await dropDatabase(database);
  });

  it.each([
    ['chat', 'chat', '_chat'],
    ['calls', 'calls', '_call'],
    ['bots', 'bots', '_bot'],
    ['sent', 'sent', '_sent'],
    ['spam', 'spam', '_spam'],
    ['team', 'team', '_team'],
    ['custom closed messenger', closedMessenger, '_closed_chat'],
  ])('lists the %s view from its own conversations', async (_title, view, suffix) => {
    let ids: string[] = [];
    const read = await rowsReadWhile(pool, 'conversations', async () => {
      const page = await new ConversationQueries(pool).list({ accountId: account, userId: viewer, inboxId: inbox, view, oldestFirst: false, limit: 25 });
      ids = page.items.map((c) => c.id);
    });
    expect(ids).toEqual([account.replace('acc', 'cnv') + suffix]);
    expect(read).toBeLessThan(20);
  });

  it('runs a built-in view with the plan cached on the connection, never planning it again', async () => {
    const queries = new ConversationQueries(pool);
    for (let i = 0; i < 3; i++) await queries.list({ accountId: account, userId: viewer, inboxId: inbox, view: 'email', oldestFirst: false, limit: 25 });
    const plans = await pool.query<{ generic_plans: string; custom_plans: string }>(
      "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE '%c.channel = ''email''%ORDER BY c.last_message_at DESC%'",
    );
    expect(plans.rows.map((r) => ({ generic: Number(r.generic_plans), custom: Number(r.custom_plans) }))).toEqual([{ generic: 3, custom: 0 }]);
  });
});
