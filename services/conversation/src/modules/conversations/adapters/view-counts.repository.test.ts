// View counts kept by triggers and a compactor, against the real database: after any mix of
// inserts, moves between views, bulk updates, deletes and compactions running alongside writers,
// every view's count equals a scan of the conversations.
import pg from 'pg';
import { ensureDatabase, migrate } from '@inbox/lib';
import { databaseUrl, uniqueName } from '@inbox/testkit';
import { MIGRATIONS_DIR } from '../../../migrations-dir';
import { VIEWS as ALL_VIEWS, predicateSql } from '../domain/views';

// The kept counts serve every view but those that depend on the time of asking.
const VIEWS = ALL_VIEWS.filter((v) => !v.timeDependent);
import { customViewDefinition } from '../domain/custom-views';
import { ConversationQueries } from './conversation-queries';
import { ViewCountsRepository } from './view-counts.repository';

describe('view counts without scanning the inbox', () => {
  const url = databaseUrl('inbox_test_view_counts');
  let pool: pg.Pool;
  let counts: ViewCountsRepository;

  beforeAll(async () => {
    await ensureDatabase(url);
    pool = new pg.Pool({ connectionString: url, max: 8 });
    await migrate(pool, MIGRATIONS_DIR);
    counts = new ViewCountsRepository(pool);
  });

  afterAll(async () => {
    await pool.end();
  });

  async function inbox(): Promise<{ accountId: string; inboxId: string; me: string }> {
    const accountId = uniqueName('acc');
    const inboxId = uniqueName('inb');
    await pool.query('INSERT INTO accounts (id, name) VALUES ($1, $2)', [accountId, 'Counts']);
    await pool.query('INSERT INTO inboxes (id, account_id, name) VALUES ($1, $2, $3)', [inboxId, accountId, 'Inbox']);
    return { accountId, inboxId, me: uniqueName('usr') };
  }

  const predicates = (extra: string[] = []) => [...VIEWS.map((v) => v.predicate), ...extra].map(predicateSql);

  async function scanned(accountId: string, inboxId: string, me: string, list: string[]): Promise<number[]> {
    const columns = list.map((p, i) => `count(*) FILTER (WHERE ${p}) AS v${i}`).join(', ');
    const row = (await pool.query(`SELECT ${columns} FROM conversations c WHERE c.account_id = $2 AND c.inbox_id = $3 AND $1::text IS NOT NULL`, [me, accountId, inboxId])).rows[0];
    return list.map((_, i) => Number(row[`v${i}`]));
  }

  async function insert(accountId: string, inboxId: string, n: number, fields: string): Promise<void> {
    await pool.query(
      `INSERT INTO conversations (id, account_id, inbox_id, channel, subject, last_message_at, status, assignee_id, filtered, awaiting_first_reply, last_message_direction)
       SELECT $1 || '_' || g, $2, $3, (ARRAY['email','chat','messenger','form','phone'])[g % 5 + 1], 's', now(), ${fields} FROM generate_series(1, $4::int) g`,
      [uniqueName('con'), accountId, inboxId, n],
    );
  }

  it('counts every view exactly through inserts, moves, bulk updates, deletes and compaction', async () => {
    const { accountId, inboxId, me } = await inbox();
    const mineOnChat = customViewDefinition({ id: 'cvw_x', inboxId, name: 'Mine on chat', ownerId: me, shared: false, teamId: null, filters: { baseView: 'open', channel: 'chat', assignee: 'me', needsReply: true } }).predicate;
    const list = predicates([predicateSql(mineOnChat)]);
    const check = async () => expect(await counts.count(accountId, inboxId, me, list)).toEqual(await scanned(accountId, inboxId, me, list));

    await insert(accountId, inboxId, 40, `'open', CASE WHEN g % 3 = 0 THEN '${me}' END, g % 11 = 0, g % 7 = 0, CASE WHEN g % 2 = 0 THEN 'inbound' ELSE 'outbound' END`);
    await check();
    expect((await counts.count(accountId, inboxId, me, predicates()))[VIEWS.findIndex((v) => v.id === 'open')]).toBeGreaterThan(0);
    await counts.compact();
    await check();
    // One conversation at a time, as the services do, then in bulk.
    const ids = (await pool.query<{ id: string }>('SELECT id FROM conversations WHERE inbox_id = $1 ORDER BY id', [inboxId])).rows.map((r) => r.id);
    await pool.query(`UPDATE conversations SET assignee_id = $2 WHERE id = $1`, [ids[1], me]);
    await pool.query(`UPDATE conversations SET status = 'closed' WHERE id = $1`, [ids[2]]);
    await pool.query(`UPDATE conversations SET trashed_at = now() WHERE id = $1`, [ids[3]]);
    await pool.query(`UPDATE conversations SET preview = 'only the preview changes' WHERE id = $1`, [ids[4]]);
    await check();
    await pool.query(`UPDATE conversations SET status = 'closed' WHERE inbox_id = $1 AND channel = 'chat'`, [inboxId]);
    await pool.query(`UPDATE conversations SET trashed_at = NULL, filtered = false WHERE inbox_id = $1`, [inboxId]);
    await pool.query(`DELETE FROM conversations WHERE id = ANY($1::text[])`, [ids.slice(10, 15)]);
    await check();
    await counts.compact();
    await check();
    // A rolled-back change leaves no trace.
    const client = await pool.connect();
    await client.query('BEGIN');
    await client.query(`UPDATE conversations SET status = 'open' WHERE inbox_id = $1`, [inboxId]);
    await client.query('ROLLBACK');
    client.release();
    await check();
  });

  it('stays exact while compactions run alongside concurrent writers', async () => {
    const { accountId, inboxId, me } = await inbox();
    const list = predicates();
    await insert(accountId, inboxId, 200, `'open', NULL, false, false, 'inbound'`);
    const ids = (await pool.query<{ id: string }>('SELECT id FROM conversations WHERE inbox_id = $1', [inboxId])).rows.map((r) => r.id);
    let writing = true;
    const compactor = (async () => {
      let folded = 0;
      while (writing) folded += await Promise.all([counts.compact(), counts.compact()]).then(([a, b]) => a + b);
      return folded;
    })();
    await Promise.all(
      ids.map(async (id, i) => {
        await pool.query(`UPDATE conversations SET assignee_id = $2, status = $3 WHERE id = $1`, [id, i % 2 ? me : null, i % 5 ? 'open' : 'closed']);
        if (i % 9 === 0) await pool.query('DELETE FROM conversations WHERE id = $1', [id]);
      }),
    );
    writing = false;
    expect(await compactor).toBeGreaterThan(0);
    expect(await counts.count(accountId, inboxId, me, list)).toEqual(await scanned(accountId, inboxId, me, list));
    await counts.compact();
    expect(await counts.count(accountId, inboxId, me, list)).toEqual(await scanned(accountId, inboxId, me, list));
    // Another inbox's conversations never show in these counts.
    const other = await inbox();
    expect((await counts.count(other.accountId, other.inboxId, me, list)).every((n) => n === 0)).toBe(true);
  });

  it('answers the view counts an agent polls with statements prepared once per connection, custom views counted beside them', async () => {
    const { accountId, inboxId, me } = await inbox();
    await insert(accountId, inboxId, 30, `CASE WHEN g % 3 = 0 THEN 'closed' ELSE 'open' END, CASE WHEN g % 2 = 0 THEN '${me}' END, false, false, 'inbound'`);
    const filters = { baseView: 'open', channel: 'chat', assignee: 'me', needsReply: true } as const;
    await pool.query('INSERT INTO custom_views (id, account_id, inbox_id, owner_id, name, shared, filters) VALUES ($1, $2, $3, $4, $5, false, $6)', [uniqueName('cvw'), accountId, inboxId, me, 'Mine on chat', JSON.stringify(filters)]);
    const mineOnChat = customViewDefinition({ id: 'cvw_x', inboxId, name: 'Mine on chat', ownerId: me, shared: false, teamId: null, filters }).predicate;
    // One connection, so the statements it prepared can be read back from it.
    const one = new pg.Pool({ connectionString: url, max: 1 });
    try {
      const queries = new ConversationQueries(one);
      let answer: { id: string; count: number }[] = [];
      for (let i = 0; i < 8; i += 1) answer = await queries.viewCounts(accountId, me, inboxId);
      const expected = await scanned(accountId, inboxId, me, predicates([predicateSql(mineOnChat)]));
      expect(answer.filter((v) => !ALL_VIEWS.find((b) => b.id === v.id)?.timeDependent).map((v) => v.count)).toEqual(expected);
      expect(answer.map((v) => v.id)).toEqual([...ALL_VIEWS.map((v) => v.id), expect.stringMatching(/^cvw_/)]);
      const prepared = await one.query<{ statement: string; generic_plans: string; custom_plans: string }>('SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements');
      // The inbox check, the visible custom views, the built-in views' kept counts and their live
      // (SLA) counts: each parsed once, and run with a generic plan kept on the connection. The
      // counts never get a plan of their own (PostgreSQL chose one on every call once the counts
      // had grown). The custom views' counts, whose text differs by user, are not kept at all.
      expect(prepared.rows).toHaveLength(4);
      for (const row of prepared.rows) expect(Number(row.generic_plans)).toBeGreaterThan(0);
      const counting = prepared.rows.filter((r) => r.statement.includes('FILTER (WHERE'));
      expect(counting.map((r) => r.custom_plans)).toEqual(['0', '0']);
    } finally {
      await one.end();
    }
  });
});
