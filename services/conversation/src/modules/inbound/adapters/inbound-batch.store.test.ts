// The batch store's merged statements against the real database. Admission: the channels the
// events name, with each event recorded in the receipts ledger. Senders: each sender's contact
// (created, existing, or found by a further address) with whether the account talked with it
// before, blocks it, or has it as an active user. Nothing of another account leaks in.
import pg from 'pg';
import { createLogger, createPool, ensureDatabase, migrate } from '@inbox/lib';
import { databaseUrl, uniqueName } from '@inbox/testkit';
import { MIGRATIONS_DIR } from '../../../migrations-dir';
import { PgInboundBatchStore } from './inbound-batch.store';
import type { EmailSender, NewEmailMessage } from '../use-cases/store-inbound-batch';

describe('the inbound batch store', () => {
  const url = databaseUrl('inbox_test_inbound_batch_store');
  let pool: pg.Pool;
  const logger = createLogger({ service: 'inbound-batch-store-test', level: 'silent' });
  const account = uniqueName('acc');
  const other = uniqueName('acc');
  const domain = `${uniqueName('d').toLowerCase()}.test`;
  const at = (local: string) => `${local}@${domain}`;

  beforeAll(async () => {
    await ensureDatabase(url);
    pool = new pg.Pool({ connectionString: url, max: 2 });
    await migrate(pool, MIGRATIONS_DIR);
    const sql = async (text: string, values: unknown[]) => pool.query(text, values);
    for (const id of [account, other]) {
      await sql('INSERT INTO accounts (id, name) VALUES ($1, $1)', [id]);
      await sql("INSERT INTO inboxes (id, account_id, name) VALUES ($1, $2, 'Support')", [`${id}_inbox`, id]);
    }
    await sql("INSERT INTO channels (id, account_id, inbox_id, type, name, lookup_key, settings) VALUES ($1, $2, $3, 'email', 'Mail', $1, '{\"createTicket\": true}')", [`${account}_mail`, account, `${account}_inbox`]);
    await sql("INSERT INTO channels (id, account_id, inbox_id, type, name, lookup_key) VALUES ($1, $2, $3, 'email', 'Theirs', $1)", [`${other}_mail`, other, `${other}_inbox`]);
    await sql("INSERT INTO users (id, account_id, name, email, password_hash, role) VALUES ($1, $2, 'Agent', $3, 'x', 'agent')", [`${account}_agent`, account, at('Agent')]);
    await sql("INSERT INTO users (id, account_id, name, email, password_hash, role, removed_at) VALUES ($1, $2, 'Gone', $3, 'x', 'agent', now())", [`${account}_gone`, account, at('gone')]);
    await sql("INSERT INTO users (id, account_id, name, email, password_hash, role) VALUES ($1, $2, 'Elsewhere', $3, 'x', 'agent')", [`${other}_agent`, other, at('elsewhere')]);
    await sql("INSERT INTO blocked_senders (account_id, sender_key) VALUES ($1, $2)", [account, `email:${at('spam')}`]);
    await sql("INSERT INTO blocked_senders (account_id, sender_key) VALUES ($1, $2)", [other, `email:${at('elsewhere')}`]);
    const contact = async (id: string, email: string, conversation?: { filtered: boolean }) => {
      await sql("INSERT INTO contacts (id, account_id, name, email) VALUES ($1, $2, '', $3)", [id, account, email]);
      if (conversation) {
        await sql("INSERT INTO conversations (id, account_id, inbox_id, channel, contact_id, last_message_at, filtered) VALUES ($1, $2, $3, 'email', $4, now(), $5)", [
          `${id}_con`,
          account,
          `${account}_inbox`,
          id,
          conversation.filtered,
        ]);
      }
    };
    await contact(`${account}_regular`, at('regular'), { filtered: false });
    await contact(`${account}_filtered`, at('filtered'), { filtered: true });
    await contact(`${account}_aliased`, at('primary'));
    await sql("INSERT INTO contact_addresses (account_id, contact_id, kind, position, value) VALUES ($1, $2, 'email', 1, $3)", [account, `${account}_aliased`, at('Second')]);
    await sql("INSERT INTO conversations (id, account_id, inbox_id, channel, contact_id, last_message_at) VALUES ($1, $2, $3, 'email', $4, now())", [
      `${account}_aliased_con`,
      account,
      `${account}_inbox`,
      `${account}_aliased`,
    ]);
  });

  afterAll(async () => {
    await pool.query('DELETE FROM inbound_receipts WHERE account_id = ANY($1)', [[account, other]]);
    await pool.query('DELETE FROM accounts WHERE id = ANY($1)', [[account, other]]);
    await pool.end();
  });

  const admit = (channelIds: string[], eventIds: string[]) =>
    new PgInboundBatchStore(pool, () => Promise.reject(new Error('not used'))).inTransaction((unit) =>
      unit.admit(
        channelIds.map((channelId) => ({ accountId: account, channelId })),
        eventIds.map((eventId) => ({ eventId, accountId: account, channelType: 'email', receivedAt: new Date() })),
      ),
    );

  it('admits a batch in one statement: its own account channels, and which events are recorded now', async () => {
    const [first, second] = [uniqueName('evt'), uniqueName('evt')];
    const before = await admit([`${account}_mail`, `${other}_mail`], [first]);
    expect([...before.channels.values()]).toEqual([{ inboxId: `${account}_inbox`, name: 'Mail', settings: { createTicket: true } }]);
    expect([...before.recorded]).toEqual([first]);

    const again = await admit([`${account}_mail`], [first, second]);
    expect([...again.recorded]).toEqual([second]);
    const ledger = await pool.query('SELECT event_id, deliveries FROM inbound_receipts WHERE event_id = ANY($1) ORDER BY deliveries', [[first, second]]);
    expect(ledger.rows).toEqual([
      { event_id: second, deliveries: 1 },
      { event_id: first, deliveries: 2 },
    ]);
  });

  it('admits nothing of a channel that is missing, and records nothing when the batch then fails', async () => {
    const event = uniqueName('evt');
    await expect(
      new PgInboundBatchStore(pool, () => Promise.reject(new Error('not used'))).inTransaction(async (unit) => {
        const { channels } = await unit.admit([{ accountId: account, channelId: 'missing' }], [{ eventId: event, accountId: account, channelType: 'email', receivedAt: new Date() }]);
        expect(channels.size).toBe(0);
        throw new Error('channel missing');
      }),
    ).rejects.toThrow('channel missing');
    expect((await pool.query('SELECT 1 FROM inbound_receipts WHERE event_id = $1', [event])).rowCount).toBe(0);
  });

  const upsert = async (prepared: boolean, emails: string[]) => {
    const through = prepared ? pool : createPool(url, logger, 1, { namedStatements: false });
    try {
      return await new PgInboundBatchStore(through, () => Promise.reject(new Error('not used'))).inTransaction((unit) =>
        unit.upsertEmailSenders(emails.map((email) => ({ accountId: account, email, name: 'Named' }))),
      );
    } finally {
      if (through !== pool) await through.end();
    }
  };
  const byEmail = (rows: EmailSender[]) => new Map(rows.map((r) => [r.email, r]));

  it.each([true, false])('answers for new, known, filtered, aliased, blocked and agent senders in one statement (prepared %s)', async (prepared) => {
    const fresh = at(`new${prepared}`);
    const rows = byEmail(await upsert(prepared, [fresh, at('regular'), at('filtered'), at('second'), at('spam'), at('agent'), at('gone'), at('elsewhere')].sort()));
    expect(rows.size).toBe(8);
    expect(rows.get(fresh)).toMatchObject({ inserted: true, talkedWith: false, blocked: false, userId: null });
    expect(rows.get(at('regular'))).toMatchObject({ contactId: `${account}_regular`, inserted: false, talkedWith: true, blocked: false, userId: null });
    // Only unfiltered conversations make a sender known.
    expect(rows.get(at('filtered'))).toMatchObject({ contactId: `${account}_filtered`, inserted: false, talkedWith: false });
    // A further address is its contact, not a new one.
    expect(rows.get(at('second'))).toMatchObject({ contactId: `${account}_aliased`, inserted: false, talkedWith: true });
    expect(rows.get(at('spam'))).toMatchObject({ blocked: true, userId: null });
    expect(rows.get(at('agent'))).toMatchObject({ blocked: false, userId: `${account}_agent` });
    // A removed user is nobody; another account's user and block list do not count here.
    expect(rows.get(at('gone'))!.userId).toBeNull();
    expect(rows.get(at('elsewhere'))).toMatchObject({ blocked: false, userId: null });
  });

  it('returns each existing contact again on a second upsert, created once', async () => {
    const first = byEmail(await upsert(true, [at('twice')]));
    const second = byEmail(await upsert(true, [at('twice')]));
    expect(first.get(at('twice'))!.inserted).toBe(true);
    expect(second.get(at('twice'))).toMatchObject({ contactId: first.get(at('twice'))!.contactId, inserted: false, talkedWith: false });
    expect((await pool.query('SELECT count(*)::int AS n FROM contacts WHERE account_id = $1 AND lower(email) = $2', [account, at('twice')])).rows[0].n).toBe(1);
  });

  const message = (id: string, conversationId: string): NewEmailMessage => ({
    id,
    accountId: account,
    conversationId,
    sourceEventId: uniqueName('evt'),
    rfcMessageId: `<${id}@${domain}>`,
    inReplyTo: [],
    referenceIds: [],
    fromName: 'Regular',
    fromAddress: at('regular'),
    to: [{ name: '', address: at('support') }],
    cc: [],
    subject: 'Hello',
    text: 'Hello there',
    html: null,
    rawObjectKey: null,
    createdAt: new Date(),
    replyText: 'Hello there',
    authentication: null,
    authorUserId: null,
    rawMessage: new Uint8Array([104, 105]),
  });
  it('writes the conversations a batch starts with every message in one statement, beside one it continues', async () => {
    const started = uniqueName('con');
    const [first, second, onExisting] = [uniqueName('msg'), uniqueName('msg'), uniqueName('msg')];
    await new PgInboundBatchStore(pool, () => Promise.reject(new Error('not used'))).inTransaction((unit) =>
      unit.insertEmails(
        [
          {
            id: started,
            accountId: account,
            inboxId: `${account}_inbox`,
            channelId: `${account}_mail`,
            subject: 'Hello',
            contactId: `${account}_regular`,
            participantCount: 1,
            preview: 'Hello there',
            firstMessageAt: new Date(),
            lastMessageAt: new Date(),
            filteredReason: null,
            version: 2,
            continued: true,
          },
        ],
        [message(first, started), message(second, started), message(onExisting, `${account}_regular_con`)],
      ),
    );
    const stored = await pool.query('SELECT id, conversation_id, convert_from(raw_message, $2) AS raw FROM messages WHERE id = ANY($1) ORDER BY conversation_id, id', [[first, second, onExisting], 'UTF8']);
    expect(stored.rows).toEqual(
      [
        { id: first, conversation_id: started, raw: 'hi' },
        { id: second, conversation_id: started, raw: 'hi' },
        { id: onExisting, conversation_id: `${account}_regular_con`, raw: 'hi' },
      ].sort((a, b) => (a.conversation_id + a.id < b.conversation_id + b.id ? -1 : 1)),
    );
    expect((await pool.query('SELECT version, channel, filtered FROM conversations WHERE id = $1', [started])).rows).toEqual([{ version: '2', channel: 'email', filtered: false }]);
  });

  it('writes nothing when a message names a conversation that does not exist', async () => {
    const orphan = uniqueName('msg');
    await expect(
      new PgInboundBatchStore(pool, () => Promise.reject(new Error('not used'))).inTransaction((unit) =>
        unit.insertEmails([], [message(orphan, 'missing')]),
      ),
    ).rejects.toThrow(/foreign key/);
    expect((await pool.query('SELECT 1 FROM messages WHERE id = $1', [orphan])).rowCount).toBe(0);
  });
});
