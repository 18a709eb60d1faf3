// Growing past one PostgreSQL, simulated (docs/cells.md): two complete installations as two
// cells, each with its own PostgreSQL server, NATS, Redis, databases and search indices, behind
// one edge that sends each request to its account's cell. Accounts live on both; every API route
// answers for each of them through the edge exactly as their own cell answers it, customers reach
// the right cell by the channel they write to, and nothing of one cell is visible from the other.
import { createHmac, randomInt } from 'node:crypto';
import pg from 'pg';
import { ApiClient, signUp, uniqueEmail } from '../support/api-client';
import { CellRouter, type Cell } from '../support/cell-router';
import { startInboxStack, type InboxStack } from '../support/inbox-stack';
import { listView, postEmail, waitForInView } from '../support/inbox-fixture';
import { PostgresServer, RedisServer } from '../support/local-servers';
import { NatsCluster } from '../support/nats-cluster';
import { RealtimeClient } from '../support/realtime';
import { SERVICE_NAMES, type ServiceName } from '../support/services';
import { SmtpSink, buildEmail } from '../support/smtp';
import { databaseUrl, testStack, uniqueName, waitFor, dropDatabase } from '@inbox/testkit';

jest.setTimeout(600_000);

// One signing key for every cell: a token is verified wherever it lands, and names its account.
const SIGNING_KEY = 'cells-simulation-signing-key-shared-by-every-cell';

interface CellUnderTest {
  name: string;
  stack: InboxStack;
  databaseUrl: (name: string) => string;
  databases: Record<'conversation' | 'routing' | 'notification', string>;
  nats: NatsCluster;
}

interface Tenant {
  client: ApiClient;
  accountId: string;
  userId: string;
  email: string;
  cell: CellUnderTest;
}

describe('two cells behind one edge', () => {
  const second = new PostgresServer();
  const secondRedis = new RedisServer();
  const sink = new SmtpSink();
  const cells: CellUnderTest[] = [];
  let router: CellRouter;
  const tenants: Tenant[] = [];

  async function startCell(name: string, pgUrl: (db: string) => string, redisUrl: string): Promise<CellUnderTest> {
    const nats = await new NatsCluster().start(1);
    const databases = { conversation: uniqueName(`cell${name}_conversation`), routing: uniqueName(`cell${name}_routing`), notification: uniqueName(`cell${name}_notification`) };
    const shared = { NATS_URL: nats.urls, REDIS_URL: redisUrl };
    const overrides: Partial<Record<ServiceName, Record<string, string>>> = {
      conversation: { ...shared, CONVERSATION_DATABASE_URL: pgUrl(databases.conversation), CONVERSATION_SMTP_URL: sink.url },
      routing: { ...shared, ROUTING_DATABASE_URL: pgUrl(databases.routing) },
      notification: { ...shared, NOTIFICATION_DATABASE_URL: pgUrl(databases.notification) },
      search: { ...shared, SEARCH_INDEX_PREFIX: `inbox-test-cell${name}-${Date.now().toString(36)}` },
      ingest: shared,
      gateway: { ...shared, GATEWAY_JWT_SECRET: SIGNING_KEY },
    };
    const stack = await startInboxStack(SERVICE_NAMES, overrides);
    return { name, stack, databaseUrl: pgUrl, databases, nats };
  }

  const asCell = (cell: CellUnderTest): Cell => ({ name: cell.name, gatewayUrl: cell.stack.gatewayUrl, ingestUrl: cell.stack.ingestUrl! });
  const other = (tenant: Tenant) => cells.find((c) => c !== tenant.cell)!;

  beforeAll(async () => {
    await sink.start();
    await second.start();
    await secondRedis.start();
    cells.push(await startCell('a', (db) => databaseUrl(db), testStack.TEST_REDIS_URL));
    cells.push(await startCell('b', (db) => second.url(db), secondRedis.url));
    router = await new CellRouter(cells.map(asCell), SIGNING_KEY).start();
    for (let i = 0; i < 4; i += 1) {
      const signedUp = await signUp(new ApiClient(router.url), `Cell tenant ${i}`);
      const cell = cells.find((c) => c.name === router.cellOf(signedUp.accountId)?.name)!;
      tenants.push({ ...signedUp, cell });
    }
  });

  afterAll(async () => {
    await router?.stop();
    for (const cell of cells) {
      await cell.stack.stop();
      await cell.nats.stop();
    }
    for (const database of Object.values(cells[0]?.databases ?? {})) await dropDatabase(database);
    second.stop();
    await secondRedis.stop();
    await sink.stop();
  });

  it('places new accounts on the cell with the most room, and each account is whole in its own PostgreSQL only', async () => {
    expect(tenants.filter((t) => t.cell === cells[0])).toHaveLength(2);
    expect(tenants.filter((t) => t.cell === cells[1])).toHaveLength(2);
    for (const cell of cells) {
      const db = new pg.Client({ connectionString: cell.databaseUrl(cell.databases.conversation) });
      await db.connect();
      try {
        const held = (await db.query<{ id: string }>('SELECT id FROM accounts')).rows.map((r) => r.id).sort();
        expect(held).toEqual(tenants.filter((t) => t.cell === cell).map((t) => t.accountId).sort());
      } finally {
        await db.end();
      }
    }
  });

  it('signs users in through the edge by their email, and a token opens nothing on the other cell', async () => {
    for (const tenant of tenants) {
      const email = uniqueEmail('celluser');
      expect((await tenant.client.post('/api/v1/users', { name: 'Cell agent', email, password: 'agent password', role: 'agent' })).status).toBe(201);
      const login = await new ApiClient(router.url).post('/api/v1/auth/login', { email, password: 'agent password' });
      expect(login.status).toBe(200);
      const agent = new ApiClient(router.url).withToken(login.body.token);
      expect((await agent.get('/api/v1/me')).body).toMatchObject({ email, accountId: tenant.accountId });
      // The same token, sent past the edge straight to the other cell: its session is not there.
      expect((await new ApiClient(other(tenant).stack.gatewayUrl).withToken(login.body.token).get('/api/v1/me')).status).toBe(401);
      expect((await new ApiClient(other(tenant).stack.gatewayUrl).post('/api/v1/auth/login', { email, password: 'agent password' })).status).toBe(401);
    }
  });

  it('brings every customer channel to the cell of the account it belongs to, live on the agents socket', async () => {
    for (const tenant of tenants.slice(0, 1).concat(tenants.find((t) => t.cell !== tenants[0].cell)!)) {
      const inbox = (await tenant.client.post('/api/v1/inboxes', { name: `Support ${tenant.cell.name}` })).body;
      const channel = async (body: Record<string, unknown>) => {
        const created = await tenant.client.post(`/api/v1/inboxes/${inbox.id}/channels`, body);
        expect(created.status).toBe(201);
        return created.body;
      };
      const email = await channel({ type: 'email', name: 'Mail' });
      const chat = await channel({ type: 'chat', name: 'Chat' });
      const form = await channel({ type: 'form', name: 'Form', fields: [{ name: 'email', required: true }, { name: 'message', required: true }] });
      const pageId = `${randomInt(1e8, 9e8)}${randomInt(1e6, 9e6)}`;
      const appSecret = `secret-${randomInt(1e9)}`;
      const messenger = await channel({ type: 'messenger', name: 'Page', pageId, appSecret });
      const socket = await RealtimeClient.connect(router.url, { token: tenant.client.token! });
      try {
        const tag = `cell${tenant.cell.name}${randomInt(1e9)}`;
        const raw = buildEmail({ from: uniqueEmail('customer'), to: email.address, subject: `Mail ${tag}`, text: `hello ${tag}` }).raw;
        expect(await postEmail(router.url, raw)).toBe(202);
        const mail = await waitForInView(tenant.client, inbox.id, 'open', (c) => c.subject === `Mail ${tag}`, 30_000);
        await socket.next((frame) => JSON.stringify(frame).includes(mail.id), 15_000);

        const postJson = (path: string, body: unknown, headers: Record<string, string> = {}) =>
          fetch(`${router.url}/ingest/v1${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
        expect((await fetch(`${router.url}/ingest/v1/chat/${chat.widgetId}/config`)).status).toBe(200);
        const session = (await (await postJson(`/chat/${chat.widgetId}/sessions`, { name: `Visitor ${tag}` })).json()) as { sessionId: string; visitorToken: string };
        expect((await postJson(`/chat/sessions/${session.sessionId}/messages`, { text: `chat ${tag}` }, { 'x-visitor-token': session.visitorToken })).status).toBe(202);
        expect((await postJson(`/forms/${form.formId}`, { email: uniqueEmail('former'), message: `form ${tag}` })).status).toBe(202);
        const body = JSON.stringify({ object: 'page', entry: [{ id: pageId, time: Date.now(), messaging: [{ sender: { id: `${randomInt(1e9)}` }, recipient: { id: pageId }, timestamp: Date.now(), message: { mid: `m_${tag}`, text: `messenger ${tag}` } }] }] });
        const signature = `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
        expect((await fetch(`${router.url}/ingest/v1/messenger/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body })).status).toBe(200);
        const verify = await fetch(`${router.url}/ingest/v1/messenger/webhook?hub.mode=subscribe&hub.verify_token=${messenger.verifyToken}&hub.challenge=c${tag}`);
        expect([verify.status, await verify.text()]).toEqual([200, `c${tag}`]);
        for (const [view, preview] of [['chat', `chat ${tag}`], ['forms', `form ${tag}`], ['messenger', `messenger ${tag}`]]) {
          await waitForInView(tenant.client, inbox.id, view, (c) => c.preview === preview, 30_000);
        }

        // The agent answers; the reply leaves from this cell, and search in this cell finds the thread.
        expect((await tenant.client.post(`/api/v1/conversations/${mail.id}/messages`, { text: `answer ${tag}` })).status).toBe(201);
        await waitFor('the reply sent', async () => sink.messages.some((m) => m.parsed.text?.includes(`answer ${tag}`)), 30_000);
        await waitFor('the thread searchable', async () => (await tenant.client.get(`/api/v1/search?q=${tag}`)).body.items?.some((i: { id: string }) => i.id === mail.id), 30_000);

        // Nothing of it exists for the other cell's accounts.
        const stranger = tenants.find((t) => t.cell !== tenant.cell)!;
        expect((await stranger.client.get(`/api/v1/conversations/${mail.id}`)).status).toBe(404);
        expect((await stranger.client.get(`/api/v1/search?q=${tag}`)).body.total).toBe(0);
        expect((await listView(tenant.client, inbox.id, 'open')).map((c) => c.id)).toContain(mail.id);
      } finally {
        await socket.close();
      }
    }
  });

  it('answers every GET route of the API for accounts on both cells as their own cell does', async () => {
    const checked = new Set<string>();
    for (const tenant of [tenants.find((t) => t.cell === cells[0])!, tenants.find((t) => t.cell === cells[1])!]) {
      const inbox = (await tenant.client.post('/api/v1/inboxes', { name: 'Routes' })).body;
      const mail = (await tenant.client.post(`/api/v1/inboxes/${inbox.id}/channels`, { type: 'email', name: 'Routes mail' })).body;
      const chat = (await tenant.client.post(`/api/v1/inboxes/${inbox.id}/channels`, { type: 'chat', name: 'Routes chat' })).body;
      expect((await tenant.client.put(`/api/v1/channels/${chat.id}/chatflow`, { name: 'Greeter', steps: [{ id: 'a', say: 'hi', handoff: true }] })).status).toBe(200);
      const tag = `routes${randomInt(1e9)}`;
      const attachments = [{ filename: 'note.txt', contentType: 'text/plain', content: Buffer.from(`attached ${tag}`) }];
      const raw = buildEmail({ from: uniqueEmail('customer'), to: mail.address, subject: tag, text: tag, attachments }).raw;
      expect(await postEmail(router.url, raw)).toBe(202);
      const conversation = await waitForInView(tenant.client, inbox.id, 'open', (c) => c.subject === tag, 30_000);
      const detail = (await tenant.client.get(`/api/v1/conversations/${conversation.id}`)).body;
      const team = (await tenant.client.post('/api/v1/teams', { name: `Routes team ${tag}` })).body;
      const webhook = (await tenant.client.post('/api/v1/webhooks', { url: 'https://93.184.216.34/hook', events: ['sla.breached'] })).body;
      const ids: Record<string, string> = {
        teamId: team.id,
        inboxId: inbox.id,
        conversationId: conversation.id,
        messageId: detail.messages[0].id,
        attachmentId: detail.messages[0].attachments?.[0]?.id,
        channelId: mail.id,
        userId: tenant.userId,
        contactId: conversation.contact.id,
      };
      const idFor = (path: string, name: string): string | undefined => {
        if (path.endsWith('/chatflow')) return chat.id;
        if (name !== 'id') return ids[name];
        const collection = /\/(\w+)\/\{id\}/.exec(path)?.[1];
        return { conversations: ids.conversationId, inboxes: ids.inboxId, channels: ids.channelId, users: ids.userId, contacts: ids.contactId, attachments: ids.attachmentId, messages: ids.messageId, webhooks: webhook.id }[collection ?? ''];
      };
      const document = (await tenant.client.get('/api/v1/openapi.json')).body as { paths: Record<string, Record<string, { security?: unknown[]; parameters?: { in: string; name: string; required?: boolean }[] }>> };
      const today = new Date().toISOString().slice(0, 10);
      const queryValues: Record<string, string> = { q: tag, from: today, to: today };
      const direct = new ApiClient(tenant.cell.stack.gatewayUrl).withToken(tenant.client.token!);
      const elsewhere = new ApiClient(other(tenant).stack.gatewayUrl).withToken(tenant.client.token!);
      const unresolved: string[] = [];
      const wrong: string[] = [];
      for (const [path, methods] of Object.entries(document.paths)) {
        if (!methods.get || !path.startsWith('/api/v1/') || path === '/api/v1/realtime' || path.includes('{token}')) continue;
        let missing = false;
        const url = path.replace(/\{(\w+)\}/g, (_, name: string) => {
          const value = idFor(path, name);
          if (!value) missing = true;
          return value ?? '';
        });
        const required = (methods.get.parameters ?? []).filter((p) => p.in === 'query' && p.required).map((p) => p.name);
        if (required.some((name) => !queryValues[name])) missing = true;
        const query = required.map((name) => `${name}=${encodeURIComponent(queryValues[name])}`).join('&');
        if (missing) {
          unresolved.push(path);
          continue;
        }
        const target = query ? `${url}?${query}` : url;
        const viaEdge = (await tenant.client.get(target)).status;
        const own = (await direct.get(target)).status;
        const onOtherCell = methods.get.security ? (await elsewhere.get(target)).status : 401;
        if (viaEdge !== own || viaEdge >= 400 || onOtherCell !== 401) wrong.push(`${target}: edge ${viaEdge}, own cell ${own}, other cell ${onOtherCell}`);
        checked.add(path);
      }
      expect(wrong).toEqual([]);
      expect(unresolved).toEqual([]);
    }
    expect(checked.size).toBeGreaterThan(30);
    process.stdout.write(`[cells] ${checked.size} GET routes answered through the edge as by the account's own cell, for accounts on both cells\n`);
  });
});
