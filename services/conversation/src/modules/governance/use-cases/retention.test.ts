// The scheduled retention run against the real database: every account's closed conversations
// past their inbox's or account's days go, as the system, each audited; open, recent, kept-forever
// and held ones stay.
import pg from 'pg';
import { AuditTrail, BlobStore, connectNats, createLogger, ensureDatabase, migrate, type NatsConnection } from '@inbox/lib';
import { databaseUrl, testStack, uniqueName } from '@inbox/testkit';
import { MIGRATIONS_DIR } from '../../../migrations-dir';
import { PostgresUnitOfWork } from '../../../adapters/conversation-rows';
import { ConversationDeletion } from '../../conversations';
import { PostgresConversationWork } from '../../conversations/adapters';
import { PostgresGovernance } from '../adapters';
import { Retention } from './retention';

describe('the scheduled retention run', () => {
  const url = databaseUrl('inbox_test_retention');
  const logger = createLogger({ service: 'retention-test', level: 'silent' });
  let pool: pg.Pool;
  let nc: NatsConnection;
  let retention: Retention;

  beforeAll(async () => {
    await ensureDatabase(url);
    pool = new pg.Pool({ connectionString: url, max: 4 });
    await migrate(pool, MIGRATIONS_DIR);
    nc = await connectNats(testStack.TEST_NATS_URL, 'retention-test', logger);
    const work = new PostgresUnitOfWork(pool);
    const store = new PostgresConversationWork(pool);
    const governance = new PostgresGovernance(pool);
    const deletion = new ConversationDeletion(work, store, governance, new AuditTrail(), await BlobStore.open(nc), logger, () => undefined);
    // The scheduled run acts as the system: it never asks the directory who acts.
    retention = new Retention({} as never, work, governance, deletion, new AuditTrail(), logger);
  });

  afterAll(async () => {
    await pool.end();
    await nc.drain();
  });

  const day = 24 * 60 * 60 * 1000;
  const now = new Date('2031-03-01T12:00:00Z');

  async function conversation(accountId: string, inboxId: string, status: 'open' | 'closed', lastChangeDaysAgo: number) {
    const id = uniqueName('con');
    await pool.query(`INSERT INTO conversations (id, account_id, inbox_id, channel, status, subject, last_message_at, updated_at) VALUES ($1, $2, $3, 'email', $4, 's', $5, $5)`, [
      id,
      accountId,
      inboxId,
      status,
      new Date(now.getTime() - lastChangeDaysAgo * day),
    ]);
    return id;
  }

  it('deletes what is past the days of each inbox and nothing else', async () => {
    const accountId = uniqueName('acc');
    const [follows, keeps, own] = [uniqueName('inb'), uniqueName('inb'), uniqueName('inb')];
    await pool.query('INSERT INTO accounts (id, name, retention_days) VALUES ($1, $2, 30)', [accountId, 'Retention test']);
    await pool.query(`INSERT INTO inboxes (id, account_id, name) VALUES ($1, $4, 'follows'), ($2, $4, 'keeps'), ($3, $4, 'own')`, [follows, keeps, own, accountId]);
    await pool.query(`UPDATE inboxes SET retention_mode = 'keep' WHERE id = $1`, [keeps]);
    await pool.query(`UPDATE inboxes SET retention_mode = 'days', retention_days = 90 WHERE id = $1`, [own]);

    const due = [await conversation(accountId, follows, 'closed', 31), await conversation(accountId, own, 'closed', 91)];
    const held = await conversation(accountId, follows, 'closed', 45);
    await pool.query(`INSERT INTO legal_holds (account_id, target_type, target_id, placed_by) VALUES ($1, 'conversation', $2, 'usr_x')`, [accountId, held]);
    const stay = [
      await conversation(accountId, follows, 'closed', 29),
      await conversation(accountId, follows, 'open', 400),
      await conversation(accountId, keeps, 'closed', 400),
      await conversation(accountId, own, 'closed', 60),
      held,
    ];

    expect(await retention.run(now)).toBeGreaterThanOrEqual(2);
    const left = (await pool.query<{ id: string }>('SELECT id FROM conversations WHERE account_id = $1', [accountId])).rows.map((r) => r.id);
    expect(left.sort()).toEqual([...stay].sort());
    const audited = await pool.query("SELECT target_id, actor_user_id, actor_label FROM audit_entries WHERE account_id = $1 AND action = 'conversation.retention_deleted' ORDER BY target_id", [accountId]);
    expect(audited.rows).toEqual([...due].sort().map((id) => ({ target_id: id, actor_user_id: null, actor_label: 'system' })));
    // A second run finds nothing more.
    await retention.run(now);
    expect((await pool.query('SELECT count(*)::int AS n FROM conversations WHERE account_id = $1', [accountId])).rows[0].n).toBe(stay.length);
  });
});
