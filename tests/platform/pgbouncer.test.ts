// Every service with a database, through a real PgBouncer in transaction pooling (as the chart's
// production values run them): migrations go directly to PostgreSQL, everything else through
// PgBouncer. A burst of mail is stored, routed, notified, held to a service level and announced to a
// webhook; a reply is delivered; reports (their own pool, with statement limits) answer, also after
// a time-zone change rebuilds their counts.
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { uniqueEmail } from '../support/api-client';
import { addAgent, deliver, startInboxFixture, viewCounts, type InboxFixture } from '../support/inbox-fixture';
import { PgBouncer } from '../support/pgbouncer';
import { ROOT } from '../support/service-process';
import { databaseUrl, uniqueName, waitFor } from '@inbox/testkit';

jest.setTimeout(240_000);

const SERVICES = ['conversation', 'routing', 'notification'] as const;

describe('the services through PgBouncer in transaction pooling', () => {
  // One server connection per database: every transaction of a service runs on the same one, so a
  // statement named on one client and named again on another collides every time, not by chance.
  const bouncer = new PgBouncer(1);
  const databases = Object.fromEntries(SERVICES.map((s) => [s, uniqueName(`pgbouncer_${s}`)])) as Record<(typeof SERVICES)[number], string>;
  let f: InboxFixture;
  const hooks: string[] = [];
  const receiver = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => (hooks.push(body), response.writeHead(204).end()));
  });

  beforeAll(async () => {
    await bouncer.start();
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    for (const service of SERVICES) {
      const migrated = spawnSync(process.execPath, [path.join(ROOT, 'services', service, 'dist', 'migrate.js'), '--create-database'], {
        env: { ...process.env, NODE_ENV: 'test', [`${service.toUpperCase()}_DATABASE_URL`]: databaseUrl(databases[service]) },
        encoding: 'utf8',
      });
      expect(migrated.status).toBe(0);
    }
    const through = (service: (typeof SERVICES)[number]) => ({
      [`${service.toUpperCase()}_DATABASE_URL`]: bouncer.url(databases[service]),
      [`${service.toUpperCase()}_MIGRATE_ON_BOOT`]: 'false',
    });
    f = await startInboxFixture({}, ['routing', 'notification'], {
      // PgBouncer 1.18 keeps no prepared statements across transactions.
      conversation: { ...through('conversation'), CONVERSATION_PREPARED_STATEMENTS: 'false' },
      routing: through('routing'),
      notification: {
        ...through('notification'),
        NOTIFICATION_PREPARED_STATEMENTS: 'false',
        OUTBOUND_ALLOW_HTTP: 'true',
        OUTBOUND_ALLOWED_TARGETS: `127.0.0.1:${(receiver.address() as AddressInfo).port}`,
        NOTIFICATION_WEBHOOK_POLL_MS: '100',
      },
    });
  });

  afterAll(async () => {
    await f?.stop();
    await bouncer.stop();
    receiver.close();
    const admin = new pg.Client({ connectionString: databaseUrl('postgres') });
    await admin.connect();
    for (const name of Object.values(databases)) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  it('stores, routes, notifies and announces a burst of mail under a service level, delivers a reply, and answers reports before and after a rebuild', async () => {
    const agent = await addAgent(f);
    expect((await f.owner.put(`/api/v1/inboxes/${f.inboxId}/routing`, { mode: 'round_robin' })).status).toBe(200);
    // A service-level policy and a webhook put their per-event statements on the path too.
    expect((await f.owner.put(`/api/v1/inboxes/${f.inboxId}/sla`, { firstResponseMinutes: 60 })).status).toBe(200);
    const hook = await f.owner.post('/api/v1/webhooks', { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, events: ['conversation.created'] });
    expect(hook.status).toBe(201);
    await Promise.all(Array.from({ length: 30 }, (_, i) => deliver(f, { from: uniqueEmail('bouncer'), to: f.address, subject: `Through PgBouncer ${i}`, text: `message ${i}` })));
    await waitFor('all 30 stored and assigned', async () => {
      const counts = await viewCounts(f.owner, f.inboxId);
      return counts.open === 30 && counts.unassigned === 0;
    }, 60_000, 500);
    await waitFor('the agent notified of the assignments', async () => {
      const items = (await agent.client.get('/api/v1/notifications?limit=100')).body.items as { kind: string }[];
      return items.filter((n) => n.kind === 'assignment').length >= 10;
    }, 30_000, 300);

    await waitFor('a webhook delivered per new conversation', async () => {
      const { items } = (await f.owner.get(`/api/v1/webhooks/${hook.body.id}/deliveries?limit=100`)).body as { items: { status: string }[] };
      return items.length === 30 && items.every((d) => d.status === 'delivered');
    }, 30_000, 300);
    // Webhooks are at least once: a repeat would carry the same body.
    expect(new Set(hooks).size).toBe(30);

    const open = (await f.owner.get(`/api/v1/inboxes/${f.inboxId}/conversations?view=open&limit=1`)).body.items[0];
    await waitFor('a first-response target on it', async () => (await f.owner.get(`/api/v1/conversations/${open.id}`)).body.sla?.target === 'first_response', 30_000, 300);
    expect((await f.owner.post(`/api/v1/conversations/${open.id}/messages`, { text: 'Answered through PgBouncer.' })).status).toBe(201);
    await waitFor('the reply handed to the relay', async () => f.sink.messages.some((m) => m.raw.toString('utf8').includes('Answered through PgBouncer.')), 30_000, 200);

    const today = new Date().toISOString().slice(0, 10);
    const summary = async () => (await f.owner.get(`/api/v1/reports/summary?from=${today}&to=${today}`));
    // Facts are folded into the counts in the background: the burst and the reply's met target may land in different folds.
    const before = await waitFor('reports to count the burst and the reply', async () => {
      const response = await summary();
      return response.status === 200 && response.body.totals.newConversations === 30 && response.body.totals.sla?.met === 1 ? response.body : undefined;
    }, 30_000, 500);
    expect((await f.owner.patch('/api/v1/account', { timeZone: 'Pacific/Auckland' })).status).toBe(200);
    expect((await f.owner.patch('/api/v1/account', { timeZone: 'UTC' })).status).toBe(200);
    const after = await summary();
    expect(after.status).toBe(200);
    expect(after.body.totals).toEqual(before.totals);

    // It all went through PgBouncer, and none of it tripped over pooling.
    const transactions = await bouncer.transactions();
    for (const service of SERVICES) expect(transactions[databases[service]]).toBeGreaterThan(10);
    for (const service of SERVICES) {
      expect(f.stack.services[service]!.process.output).not.toMatch(/prepared statement|unsupported startup parameter|advisory/i);
    }
  });
});
