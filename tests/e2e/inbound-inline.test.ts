// A small email travels whole inside its JetStream event (one publish at the edge, nothing in the
// object store first); a large one goes to the object store as before. Either way the message,
// its raw bytes and its attachments are kept, and the attachments download.
import { randomInt } from 'node:crypto';
import pg from 'pg';
import { BlobStore, connectNats, createLogger } from '@inbox/lib';
import { databaseUrl, testStack } from '@inbox/testkit';
import { startInboxFixture, waitForInView, type InboxFixture } from '../support/inbox-fixture';
import { buildEmail } from '../support/smtp';

function mail(to: string, subject: string, text: string, attachment: Buffer): string {
  const from = `Customer <customer-${randomInt(1e9)}@customer.example>`;
  return buildEmail({ from, to, subject, text, attachments: [{ filename: 'invoice.pdf', contentType: 'application/pdf', content: attachment }] }).raw;
}

describe('inbound email carried inside its event', () => {
  let f: InboxFixture;
  let db: pg.Client;

  beforeAll(async () => {
    f = await startInboxFixture();
    db = new pg.Client({ connectionString: databaseUrl('inbox_test_conversation') });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await f?.stop();
  });

  async function deliverRaw(raw: string, subject: string) {
    const accepted = await fetch(`${f.stack.ingestUrl}/ingest/v1/email`, { method: 'POST', headers: { 'content-type': 'message/rfc822' }, body: raw });
    expect(accepted.status).toBe(202);
    const item = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.subject === subject);
    const detail = (await f.owner.get(`/api/v1/conversations/${item.id}`)).body;
    const row = (await db.query('SELECT raw_object_key, raw_message FROM messages WHERE id = $1', [detail.messages[0].id])).rows[0];
    const attachment = detail.messages[0].attachments[0];
    const download = await fetch(`${f.stack.gatewayUrl}${attachment.url}`, { headers: { authorization: `Bearer ${f.owner.token}` } });
    return { row, attachment, downloaded: Buffer.from(await download.arrayBuffer()) };
  }

  it('keeps a small email from its event: raw bytes in the message row, attachment in the object store, nothing else written first', async () => {
    const pdf = Buffer.from(`%PDF-1.4 small invoice ${randomInt(1e12)}`);
    const subject = `small ${randomInt(1e9)}`;
    const raw = mail(f.address, subject, 'Please find the invoice attached.', pdf);
    const { row, attachment, downloaded } = await deliverRaw(raw, subject);
    expect(row.raw_object_key).toBeNull();
    expect(Buffer.from(row.raw_message).toString()).toBe(raw);
    expect(attachment).toMatchObject({ filename: 'invoice.pdf', size: pdf.length });
    expect(downloaded.equals(pdf)).toBe(true);
    const nc = await connectNats(testStack.TEST_NATS_URL, 'inline-test', createLogger({ service: 'test', level: 'silent' }));
    try {
      expect(await (await BlobStore.open(nc)).get(BlobStore.keyFor('raw', Buffer.from(raw)))).toBeNull();
    } finally {
      await nc.close();
    }
  });

  it('sends a large email through the object store as before', async () => {
    const pdf = Buffer.alloc(80 * 1024, 7);
    pdf.write(`${randomInt(1e12)}`);
    const subject = `large ${randomInt(1e9)}`;
    const { row, attachment, downloaded } = await deliverRaw(mail(f.address, subject, 'The big one.', pdf), subject);
    expect(row.raw_object_key).toMatch(/^raw\//);
    expect(row.raw_message).toBeNull();
    expect(attachment.size).toBe(pdf.length);
    expect(downloaded.equals(pdf)).toBe(true);
  });
});
