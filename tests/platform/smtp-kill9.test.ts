// kill -9 the conversation service while 2,000 emails are being delivered over SMTP: ingest
// keeps accepting (JetStream holds the messages), and after a restart every one of the 2,000 is
// stored exactly once.
import pg from 'pg';
import { uniqueName, databaseUrl } from '@inbox/testkit';
import { startInboxFixture, type InboxFixture } from '../support/inbox-fixture';
import { buildEmail, sendRawSmtp } from '../support/smtp';
import { waitFor } from '@inbox/testkit';

describe('kill -9 of the conversation service during an SMTP burst', () => {
  let f: InboxFixture;
  let db: pg.Pool;

  beforeAll(async () => {
    f = await startInboxFixture();
    db = new pg.Pool({ connectionString: databaseUrl('inbox_test_conversation'), max: 2 });
  });

  afterAll(async () => {
    await db.end();
    await f.stop();
  });

  it('stores every one of 2,000 emails exactly once', async () => {
    const total = 2000;
    const run = uniqueName('burst');
    const subjects = Array.from({ length: total }, (_, i) => `${run} #${i}`);
    const count = async () =>
      (await db.query<{ n: number; d: number }>(`SELECT count(*)::int AS n, count(DISTINCT subject)::int AS d FROM messages WHERE subject LIKE $1`, [`${run} #%`])).rows[0];

    let next = 0;
    let retried = 0;
    const sender = async () => {
      while (next < total) {
        const i = next++;
        const email = buildEmail({ from: `customer-${i % 50}@burst.example`, to: f.address, subject: subjects[i], text: `message ${i}` });
        for (;;) {
          const answer = await sendRawSmtp(f.stack.smtpPort!, { from: `customer-${i % 50}@burst.example`, to: [f.address] }, email.raw);
          if (answer.code === 250) break;
          // A temporary (4xx) answer is retried, as a real MTA would.
          if (answer.code < 400 || answer.code >= 500) throw new Error(`email ${i} refused: ${answer.response}`);
          retried += 1;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
    };
    const sending = Promise.all(Array.from({ length: 16 }, sender));

    const conversation = f.stack.services.conversation!;
    await waitFor('storage under way', async () => (await count()).n >= 200, 60_000, 20);
    conversation.process.signal('SIGKILL');
    expect((await conversation.process.exited(10_000)).signal).toBe('SIGKILL');
    const atKill = (await count()).n;

    await sending;
    expect(next).toBe(total);
    // Everything was accepted while the conversation service was down; none of it is stored yet.
    expect((await count()).n).toBe(atKill);
    expect(atKill).toBeLessThan(total);

    conversation.process.restart();
    await conversation.process.waitReady();
    await waitFor('all 2,000 stored', async () => (await count()).n >= total, 180_000, 500);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await count()).toEqual({ n: total, d: total });
    process.stdout.write(`smtp burst: ${atKill} stored before kill -9, ${retried} temporary SMTP answers retried\n`);
  }, 300_000);
});
