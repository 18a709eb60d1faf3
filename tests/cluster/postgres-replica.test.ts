// The conversation service reading list views, counts and reports from a real streaming replica:
// under a steady inbound load while an agent's inbox list is polled, the replica is killed with
// -9. Reads fall over to the primary without one failed request, readiness reports the replica
// degraded (still ready), and every acknowledged email is stored once.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { uniqueEmail } from '../support/api-client';
import { postEmail, startInboxFixture, type InboxFixture } from '../support/inbox-fixture';
import { PostgresReplica } from '../support/postgres-replica';
import { ROOT } from '../support/service-process';
import { buildEmail } from '../support/smtp';
import { databaseUrl, uniqueName, waitFor } from '@inbox/testkit';

jest.setTimeout(240_000);

describe('reads from a PostgreSQL replica that is killed under load', () => {
  const replica = new PostgresReplica();
  const database = uniqueName('replica_conversation');
  let f: InboxFixture;

  beforeAll(async () => {
    const migrated = spawnSync(process.execPath, [path.join(ROOT, 'services/conversation/dist/migrate.js'), '--create-database'], {
      env: { ...process.env, NODE_ENV: 'test', CONVERSATION_DATABASE_URL: databaseUrl(database) },
      encoding: 'utf8',
    });
    expect(migrated.status).toBe(0);
    await replica.start();
    f = await startInboxFixture({}, [], {
      conversation: { CONVERSATION_DATABASE_URL: databaseUrl(database), CONVERSATION_READ_DATABASE_URL: replica.url(database) },
    });
  });

  afterAll(async () => {
    await f?.stop();
    replica.stop();
    const admin = new pg.Client({ connectionString: databaseUrl('postgres') });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  const list = () => f.owner.get(`/api/v1/inboxes/${f.inboxId}/conversations?view=open&limit=100`);

  it('reads lists from the replica, and loses no read and no email when it dies', async () => {
    const ops = f.stack.services.conversation!.opsUrl;
    const readiness = async () => (await (await fetch(`${ops}/readyz`)).json()) as { status: string; degraded: string[] };
    expect(await readiness()).toMatchObject({ status: 'ready', degraded: [] });
    expect((await list()).status).toBe(200);
    const onReplica = new pg.Client({ connectionString: replica.url(database) });
    await onReplica.connect();
    const readers = (await onReplica.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database])).rows[0].n;
    await onReplica.end();
    expect(Number(readers)).toBeGreaterThan(0);

    const ledger: string[] = [];
    const failedReads: number[] = [];
    let stop = false;
    const load = (async () => {
      let i = 0;
      while (!stop) {
        const subject = `Replica read ${i++}`;
        if ((await postEmail(f.stack.ingestUrl!, buildEmail({ from: uniqueEmail('replica'), to: f.address, subject, text: subject }).raw, [f.address])) === 202) ledger.push(subject);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const reads = (async () => {
      while (!stop) {
        const response = await list();
        if (response.status !== 200) failedReads.push(response.status);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    replica.kill();
    await waitFor('readiness to report the replica degraded', async () => (await readiness()).degraded.includes('postgres-replica'), 20_000, 200);
    expect((await readiness()).status).toBe('degraded');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    stop = true;
    await Promise.all([load, reads]);

    expect(failedReads).toEqual([]);
    const everything = async () => {
      const items: { subject: string }[] = [];
      let cursor = '';
      do {
        const page = (await f.owner.get(`/api/v1/inboxes/${f.inboxId}/conversations?view=open&limit=100${cursor ? `&cursor=${cursor}` : ''}`)).body;
        items.push(...page.items);
        cursor = page.nextCursor ?? '';
      } while (cursor);
      return items;
    };
    const stored = await waitFor('every acknowledged email listed', async () => {
      const items = await everything();
      const subjects = new Set(items.map((c) => c.subject));
      return ledger.every((s) => subjects.has(s)) ? items : undefined;
    }, 60_000, 500);
    expect(ledger.length).toBeGreaterThan(30);
    const subjects = stored.map((c) => c.subject).filter((s) => s.startsWith('Replica read'));
    expect(subjects.length).toBe(ledger.length);
    expect(new Set(subjects).size).toBe(subjects.length);
    process.stdout.write(`[replica kill] ${ledger.length} acknowledged, reads failed: ${failedReads.length}\n`);
  });
});
