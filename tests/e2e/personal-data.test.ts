// A contact's personal data end to end: exported whole as a ZIP (contact, conversations with
// messages and comments, records, the original emails and the attachments), and erased so that
// neither their email address nor their name is left anywhere in PostgreSQL (every table of the
// services' databases), OpenSearch (every test index) or the blob store (every object), while
// an anonymised stub keeps the counts. A legal hold refuses the erasure.
import { randomInt } from 'node:crypto';
import pg from 'pg';
import { unzipSync, strFromU8 } from 'fflate';
import { jetstreamManager } from '@nats-io/jetstream';
import { BLOB_BUCKET, connectNats, createLogger, type NatsConnection } from '@inbox/lib';
import { TEST_INDEX_PREFIX, testStack, waitFor } from '@inbox/testkit';
import { uniqueEmail } from '../support/api-client';
import { addAgent, postEmail, startInboxFixture, viewCounts, waitForInView, type InboxFixture } from '../support/inbox-fixture';
import { buildEmail } from '../support/smtp';

jest.setTimeout(240_000);

/** Rows of every table in the database whose text, JSON, arrays or bytes contain the needle. */
async function rowsContaining(connectionString: string, needle: string): Promise<string[]> {
  const db = new pg.Client({ connectionString });
  await db.connect();
  try {
    const columns = await db.query<{ table_name: string; column_name: string; data_type: string }>(
      `SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
       WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.data_type IN ('text', 'character varying', 'jsonb', 'json', 'ARRAY', 'bytea')`,
    );
    const found: string[] = [];
    for (const { table_name: table, column_name: column, data_type: type } of columns.rows) {
      const test = type === 'bytea' ? `position(convert_to($1, 'UTF8') in "${column}") > 0` : `"${column}"::text ILIKE '%' || $1 || '%'`;
      const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}" WHERE ${test}`, [needle]);
      if (rows[0].n > 0) found.push(`${table}.${column} (${rows[0].n})`);
    }
    return found;
  } finally {
    await db.end();
  }
}

/** Documents of the test indices that mention the needle in any field. */
async function searchHits(needle: string): Promise<number> {
  const response = await fetch(`${testStack.TEST_OPENSEARCH_URL}/${TEST_INDEX_PREFIX}*/_search`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ size: 0, track_total_hits: true, query: { query_string: { query: `"${needle}"`, fields: ['*'], lenient: true } } }),
  });
  const body = (await response.json()) as { hits: { total: { value: number } } };
  return body.hits.total.value;
}

describe('personal data: export and erasure', () => {
  let f: InboxFixture;
  let nc: NatsConnection;
  const token = `zqx${randomInt(1e9)}`;
  const name = `Kari ${token}name`;
  const email = `${token}@customer.example`;
  const attachment = Buffer.from(`Notes for ${name}: account 1234`);
  const BLOB_STREAM = `OBJ_${BLOB_BUCKET}`;
  let firstBlobSeq = 0;
  let contactId: string;
  const conversations: string[] = [];

  const databases = () => ({
    conversation: f.stack.services.conversation!.process.env.CONVERSATION_DATABASE_URL,
    notification: f.stack.services.notification!.process.env.NOTIFICATION_DATABASE_URL,
  });

  /**
   * Every message of the blob store's stream written since this test began (object chunks and
   * metadata alike) whose bytes contain the needle. Older messages cannot hold this test's
   * contact, and the shared stream may hold a million of them.
   */
  async function blobsContaining(needle: string): Promise<string[]> {
    const jsm = await jetstreamManager(nc);
    const last = (await jsm.streams.info(BLOB_STREAM)).state.last_seq;
    const found: string[] = [];
    for (let seq = firstBlobSeq; seq <= last; seq += 1) {
      const message = await jsm.streams.getMessage(BLOB_STREAM, { seq }).catch(() => null);
      if (message && Buffer.from(message.data).includes(needle)) found.push(`${message.subject}#${seq}`);
    }
    return found;
  }

  beforeAll(async () => {
    // Raw emails go to the blob store (not inline in the database), so the scan of the store covers them.
    f = await startInboxFixture({ INGEST_INLINE_RAW_BYTES: '0' }, ['search', 'notification'], {
      notification: { OUTBOUND_ALLOW_HTTP: 'true', OUTBOUND_ALLOWED_TARGETS: '127.0.0.1:9' },
    });
    nc = await connectNats(testStack.TEST_NATS_URL, 'personal-data-test', createLogger({ service: 'personal-data-test', level: 'silent' }));
    firstBlobSeq = (await (await jetstreamManager(nc)).streams.info(BLOB_STREAM).catch(() => ({ state: { last_seq: 0 } }))).state.last_seq + 1;
    // A webhook whose deliveries wait in the queue: erasure must leave nothing of the contact there either.
    expect((await f.owner.post('/api/v1/webhooks', { url: 'http://127.0.0.1:9/hooks', events: ['conversation.created', 'message.created'] })).status).toBe(201);
    for (const [i, withAttachment] of [
      [1, true],
      [2, false],
    ] as const) {
      const subject = `Question ${i} from ${name}`;
      const raw = buildEmail({
        from: `${name} <${email}>`,
        to: f.address,
        subject,
        text: `Hello, I am ${name} and my address is ${email}.`,
        attachments: withAttachment ? [{ filename: `${token}-notes.txt`, contentType: 'text/plain', content: attachment }] : undefined,
      }).raw;
      expect(await postEmail(f.stack.ingestUrl!, raw, [f.address])).toBe(202);
      const c = await waitForInView(f.owner, f.inboxId, 'open', (x) => x.subject === subject, 30_000);
      conversations.push(c.id);
    }
    contactId = (await f.owner.get(`/api/v1/conversations/${conversations[0]}`)).body.contact.id;
    expect((await f.owner.post(`/api/v1/conversations/${conversations[0]}/messages`, { text: `Hi ${name.split(' ')[0]} ${token}name, we are on it.` })).status).toBe(201);
    expect((await f.owner.post(`/api/v1/conversations/${conversations[0]}/comments`, { text: `${name} called about this too` })).status).toBe(201);
    // Someone else's email with the contact in Cc.
    const other = `Cc from a colleague ${randomInt(1e9)}`;
    expect(await postEmail(f.stack.ingestUrl!, buildEmail({ from: uniqueEmail('colleague'), to: f.address, cc: email, subject: other, text: 'see Cc' }).raw, [f.address])).toBe(202);
    await waitForInView(f.owner, f.inboxId, 'open', (x) => x.subject === other, 30_000);
  });

  afterAll(async () => {
    await nc?.drain();
    await f?.stop();
  });

  it('exports everything held about the contact as a ZIP', async () => {
    const response = await fetch(`${f.stack.gatewayUrl}/api/v1/contacts/${contactId}/export`, { headers: { authorization: `Bearer ${f.owner.token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    const files = unzipSync(new Uint8Array(await response.arrayBuffer()));
    const names = Object.keys(files).sort();
    expect(names).toEqual(expect.arrayContaining(['README.txt', 'contact.json', 'records.json', ...conversations.map((id) => `conversations/${id}.json`)]));
    const contact = JSON.parse(strFromU8(files['contact.json']));
    expect(contact).toMatchObject({ id: contactId, name, email });
    const first = JSON.parse(strFromU8(files[`conversations/${conversations[0]}.json`]));
    expect(first.messages.map((m: { direction: string }) => m.direction)).toEqual(['inbound', 'outbound']);
    expect(first.messages[0]).toMatchObject({ from_address: email, subject: `Question 1 from ${name}` });
    expect(first.comments.map((c: { text: string }) => c.text)).toEqual([`${name} called about this too`]);
    const attached = names.filter((n) => n.startsWith('attachments/'));
    expect(attached).toHaveLength(1);
    expect(attached[0]).toMatch(new RegExp(`/${token}-notes\\.txt$`));
    expect(Buffer.from(files[attached[0]])).toEqual(attachment);
    const emails = names.filter((n) => n.startsWith('messages/') && n.endsWith('.eml'));
    expect(emails).toHaveLength(2);
    for (const eml of emails) expect(strFromU8(files[eml])).toContain(email);
    const audit = (await f.owner.get('/api/v1/audit?action=contact.exported')).body.entries;
    expect(audit).toMatchObject([{ targetId: contactId, detail: { conversations: 2, files: 3 } }]);
    expect(JSON.stringify(audit)).not.toContain(token);
  });

  it('refuses bad requests and keeps export to admins and erasure to super admins', async () => {
    expect((await f.owner.get('/api/v1/contacts/ctc_missing/export')).status).toBe(404);
    expect((await f.owner.post('/api/v1/contacts/ctc_missing/erase')).status).toBe(404);
    const agent = await addAgent(f, 'agent');
    expect((await agent.client.get(`/api/v1/contacts/${contactId}/export`)).status).toBe(403);
    const admin = await addAgent(f, 'admin');
    expect((await admin.client.get(`/api/v1/contacts/${contactId}/export`)).status).toBe(200);
    expect((await admin.client.post(`/api/v1/contacts/${contactId}/erase`)).status).toBe(403);
    expect((await f.owner.put(`/api/v1/legal-holds/conversation/${conversations[1]}`, { reason: 'dispute' })).status).toBe(200);
    const held = await f.owner.post(`/api/v1/contacts/${contactId}/erase`);
    expect([held.status, held.body.error.code]).toEqual([409, 'legal_hold']);
    expect((await f.owner.get(`/api/v1/contacts/${contactId}`)).body).toMatchObject({ name, email });
    expect((await f.owner.delete(`/api/v1/legal-holds/conversation/${conversations[1]}`)).status).toBe(204);
  });

  it('erases the contact from PostgreSQL, OpenSearch and the blob store, leaving a stub that keeps the counts', async () => {
    // Before: everywhere.
    await waitFor('the conversations indexed', async () => (await searchHits(`${token}name`)) >= 2, 30_000, 200);
    expect((await rowsContaining(databases().conversation, token)).length).toBeGreaterThan(0);
    expect(await blobsContaining(token)).not.toEqual([]);
    const countsBefore = await viewCounts(f.owner, f.inboxId);

    const erased = await f.owner.post(`/api/v1/contacts/${contactId}/erase`);
    expect(erased.status).toBe(200);
    // Files: the attachment, both original emails, and the colleague's original that named the contact in Cc.
    expect(erased.body).toEqual({ conversations: 2, messages: 3, files: 4 });

    const stub = (await f.owner.get(`/api/v1/contacts/${contactId}`)).body;
    expect(stub).toMatchObject({ id: contactId, name: 'Erased contact', email: null });
    for (const id of conversations) {
      const detail = (await f.owner.get(`/api/v1/conversations/${id}`)).body;
      expect(detail.subject).toBe('');
      expect(detail.messages.length).toBeGreaterThan(0);
    }
    expect(await viewCounts(f.owner, f.inboxId)).toEqual(countsBefore);

    // After: nowhere.
    for (const [service, url] of Object.entries(databases())) {
      for (const needle of [token, email]) expect([service, needle, await rowsContaining(url!, needle)]).toEqual([service, needle, []]);
    }
    await waitFor('the index to forget the contact', async () => (await searchHits(`${token}name`)) === 0 && (await searchHits(email)) === 0, 30_000, 200);
    expect(await searchHits(token)).toBe(0);
    expect(await blobsContaining(token)).toEqual([]);
    const audit = (await f.owner.get('/api/v1/audit?action=contact.erased')).body.entries;
    expect(audit).toMatchObject([{ targetId: contactId, actorUserId: f.ownerId, detail: { conversations: 2, messages: 3, files: 4 } }]);
    expect((await f.owner.get(`/api/v1/search?q=${token}`)).body).toMatchObject({ items: [], total: 0 });
  });
});
