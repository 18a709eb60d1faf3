// The 30-day trash purge against the real database and blob store, with an injected clock.
import pg from 'pg';
import { BlobStore, connectNats, createLogger, ensureDatabase, migrate, type NatsConnection } from '@inbox/lib';
import { databaseUrl, testStack, uniqueName } from '@inbox/testkit';
import { MIGRATIONS_DIR } from '../../../migrations-dir';
import { AuditTrail } from '@inbox/lib';
import { ConversationDeletion, PurgeTrash } from './delete-conversation';
import { PostgresGovernance } from '../../governance/adapters';
import { PostgresUnitOfWork } from '../../../adapters/conversation-rows';
import { PostgresConversationWork } from '../adapters/conversation-work.store';

describe('automatic purge of the trash after 30 days', () => {
  const url = databaseUrl('inbox_test_purge');
  const logger = createLogger({ service: 'purge-test', level: 'silent' });
  let pool: pg.Pool;
  let nc: NatsConnection;
  let blobs: BlobStore;

  beforeAll(async () => {
    await ensureDatabase(url);
    pool = new pg.Pool({ connectionString: url, max: 4 });
    await migrate(pool, MIGRATIONS_DIR);
    nc = await connectNats(testStack.TEST_NATS_URL, 'purge-test', logger);
    blobs = await BlobStore.open(nc);
  });

  afterAll(async () => {
    await pool.end();
    await nc.drain();
  });

  const purge = (now: Date) => {
    const work = new PostgresUnitOfWork(pool);
    const store = new PostgresConversationWork(pool);
    const deletion = new ConversationDeletion(work, store, new PostgresGovernance(pool), new AuditTrail(), blobs, logger, () => undefined);
    return new PurgeTrash(work, store, deletion, logger).execute(now);
  };

  async function conversation(accountId: string, inboxId: string, trashedAt: Date | null, attachment?: Uint8Array) {
    const id = uniqueName('con');
    await pool.query(`INSERT INTO conversations (id, account_id, inbox_id, channel, subject, last_message_at, trashed_at) VALUES ($1, $2, $3, 'email', 's', now(), $4)`, [
      id,
      accountId,
      inboxId,
      trashedAt,
    ]);
    const messageId = uniqueName('msg');
    await pool.query(`INSERT INTO messages (id, account_id, conversation_id, direction, channel, text_body) VALUES ($1, $2, $3, 'inbound', 'email', 'x')`, [messageId, accountId, id]);
    await pool.query(`INSERT INTO tickets (id, account_id, conversation_id) VALUES ($1, $2, $3)`, [uniqueName('tkt'), accountId, id]);
    let key: string | undefined;
    if (attachment) {
      key = await blobs.put('att', attachment);
      await pool.query(`INSERT INTO attachments (id, account_id, message_id, filename, content_type, size, object_key) VALUES ($1, $2, $3, 'a.txt', 'text/plain', $4, $5)`, [
        uniqueName('att'),
        accountId,
        messageId,
        attachment.length,
        key,
      ]);
    }
    return { id, key };
  }

  it('deletes conversations trashed more than 30 days before now, with messages, tickets and unused blobs; keeps the rest and what a legal hold keeps', async () => {
    const accountId = uniqueName('acc');
    const inboxId = uniqueName('inb');
    await pool.query('INSERT INTO accounts (id, name) VALUES ($1, $2)', [accountId, 'Purge test']);
    await pool.query('INSERT INTO inboxes (id, account_id, name) VALUES ($1, $2, $3)', [inboxId, accountId, 'Inbox']);
    const now = new Date('2030-06-30T12:00:00Z');
    const day = 24 * 60 * 60 * 1000;
    const unique = new TextEncoder().encode(`only in the old conversation ${accountId}`);
    const shared = new TextEncoder().encode(`shared ${accountId}`);
    const old = await conversation(accountId, inboxId, new Date(now.getTime() - 31 * day), unique);
    const oldShared = await conversation(accountId, inboxId, new Date(now.getTime() - 40 * day), shared);
    const recent = await conversation(accountId, inboxId, new Date(now.getTime() - 29 * day), shared);
    const live = await conversation(accountId, inboxId, null);

    const held = await conversation(accountId, inboxId, new Date(now.getTime() - 50 * day));
    await pool.query(`INSERT INTO legal_holds (account_id, target_type, target_id, placed_by) VALUES ($1, 'conversation', $2, 'usr_x')`, [accountId, held.id]);

    const purged = await purge(now);
    expect(purged).toBeGreaterThanOrEqual(2);
    const remaining = await pool.query('SELECT id FROM conversations WHERE account_id = $1 ORDER BY id', [accountId]);
    expect(remaining.rows.map((r) => r.id).sort()).toEqual([recent.id, live.id, held.id].sort());
    const orphans = await pool.query('SELECT count(*)::int AS n FROM messages WHERE conversation_id = ANY($1)', [[old.id, oldShared.id]]);
    expect(orphans.rows[0].n).toBe(0);
    const tickets = await pool.query('SELECT count(*)::int AS n FROM tickets WHERE conversation_id = ANY($1)', [[old.id, oldShared.id]]);
    expect(tickets.rows[0].n).toBe(0);
    expect(await blobs.get(old.key!)).toBeNull();
    expect(await blobs.get(oldShared.key!)).not.toBeNull();
    const events = await pool.query("SELECT count(*)::int AS n FROM outbox WHERE subject = $1", [`conversation.${accountId}.deleted`]);
    expect(events.rows[0].n).toBe(2);
    const audited = await pool.query("SELECT target_id, actor_user_id, actor_label FROM audit_entries WHERE account_id = $1 AND action = 'conversation.purged' ORDER BY target_id", [accountId]);
    expect(audited.rows).toEqual([old.id, oldShared.id].sort().map((id) => ({ target_id: id, actor_user_id: null, actor_label: 'system' })));

    // A day later the 29-day-old one is past the limit too.
    await purge(new Date(now.getTime() + 2 * day));
    expect((await pool.query('SELECT id FROM conversations WHERE account_id = $1 ORDER BY id', [accountId])).rows.map((r) => r.id)).toEqual([live.id, held.id].sort());
    // Released, it goes with the next purge.
    await pool.query('DELETE FROM legal_holds WHERE account_id = $1', [accountId]);
    await purge(new Date(now.getTime() + 2 * day));
    expect((await pool.query('SELECT id FROM conversations WHERE account_id = $1', [accountId])).rows.map((r) => r.id)).toEqual([live.id]);
  });
});
