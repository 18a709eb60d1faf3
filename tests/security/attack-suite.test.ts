// The attacks of the security review, run against the real stack the way they were run: two
// accounts with agents, admins and super admins, each finding as a test that failed before its
// fix, and the cases that held, so none of it can come back.
import { createHmac, randomInt } from 'node:crypto';
import { SignJWT } from 'jose';
import { ApiClient, signUp, uniqueEmail } from '../support/api-client';
import { addAgent, startInboxFixture, waitForInView, type InboxFixture } from '../support/inbox-fixture';
import { RealtimeClient } from '../support/realtime';
import { launchService } from '../support/services';
import { waitFor } from '@inbox/testkit';

jest.setTimeout(120_000);

const OPENSEARCH_PORT = new URL(process.env.TEST_OPENSEARCH_URL ?? 'http://127.0.0.1:9200').port || '9200';
const metaSign = (body: string, secret: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('attack suite', () => {
  let f: InboxFixture;
  let other: { client: ApiClient; accountId: string; userId: string };
  let clientIp = 0;
  // Each sign-in attack comes from its own client address (through the trusted proxy), so one
  // test's lockout cannot spill into another's.
  const fromClient = () => ({ 'x-forwarded-for': `198.51.100.${++clientIp}` });

  beforeAll(async () => {
    f = await startInboxFixture(
      { OUTBOUND_ALLOW_HTTP: 'true', INGEST_CHAT_SESSION_RATE_LIMIT: '3', INGEST_FORM_RATE_LIMIT: '3' },
      ['search', 'notification'],
      { gateway: { GATEWAY_TRUSTED_PROXIES: 'loopback', GATEWAY_MAX_SOCKETS_PER_USER: '5' } },
    );
    other = await signUp(f.anonymous, 'Other account');
  });

  afterAll(() => f?.stop());

  const login = (email: string, password: string) => f.anonymous.post('/api/v1/auth/login', { email, password }, fromClient());

  async function emailConversation(subject: string, to = f.address): Promise<any> {
    const raw = `From: Customer <customer-${randomInt(1e9)}@customer.example>\r\nTo: ${to}\r\nSubject: ${subject}\r\nMessage-ID: <${randomInt(1e12)}@customer.example>\r\n\r\nbody of ${subject}\r\n`;
    const accepted = await fetch(`${f.stack.ingestUrl}/ingest/v1/email`, { method: 'POST', headers: { 'content-type': 'message/rfc822' }, body: raw });
    expect(accepted.status).toBe(202);
    return waitForInView(f.owner, f.inboxId, 'open', (c) => c.subject === subject);
  }

  describe('finding 1 (critical): server-side request forgery through a self-signed Messenger webhook', () => {
    it('never fetches internal addresses for an attachment: it stores the attachment as unavailable, with the reason, and no bytes', async () => {
      const appSecret = 'attacker-chosen-app-secret';
      const pageId = String(randomInt(1e9, 2e9));
      expect((await f.owner.post(`/api/v1/inboxes/${f.inboxId}/channels`, { type: 'messenger', name: 'Page', pageId, appSecret })).status).toBe(201);
      const psid = `${randomInt(1e8, 9e8)}${randomInt(1e6, 9e6)}`;
      const targets = [
        `http://127.0.0.1:${OPENSEARCH_PORT}/_search?q=account_id:${other.accountId}`,
        `${f.stack.services.gateway!.opsUrl}/metrics`,
        `${f.stack.gatewayUrl}/api/v1/openapi.json`,
        'http://127.0.0.1:1/closed-port',
        'http://169.254.169.254/latest/meta-data/',
        'http://[::ffff:127.0.0.1]:9200/',
      ];
      const body = JSON.stringify({
        object: 'page',
        entry: [{ id: pageId, time: Date.now(), messaging: [{ sender: { id: psid }, recipient: { id: pageId }, timestamp: Date.now(), message: { mid: `m_${psid}`, text: 'look', attachments: targets.map((url) => ({ type: 'file', payload: { url } })) } }] }],
      });
      const response = await fetch(`${f.stack.ingestUrl}/ingest/v1/messenger/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSign(body, appSecret) }, body });
      expect(response.status).toBe(200);
      const item = await waitForInView(f.owner, f.inboxId, 'messenger', (c) => c.preview === 'look');
      const detail = (await f.owner.get(`/api/v1/conversations/${item.id}`)).body;
      const attachments = detail.messages[0].attachments as { id: string; size: number; unavailableReason?: string; url: string }[];
      expect(attachments).toHaveLength(targets.length);
      for (const attachment of attachments) {
        expect(attachment.size).toBe(0);
        expect(attachment.unavailableReason).toMatch(/^refused: .*(does not fetch from|resolves to an address)/);
        const download = await fetch(`${f.stack.gatewayUrl}/api/v1/attachments/${attachment.id}`, { headers: { authorization: `Bearer ${f.owner.token}` } });
        expect(download.status).toBe(410);
        expect(await download.text()).not.toContain(other.accountId);
      }
      // An open and a closed port answer alike: the fetch never happened, so nothing is learned.
      expect(new Set(attachments.map((a) => a.unavailableReason!.replace(/\S+ resolves/, 'X resolves'))).size).toBe(1);
    });
  });

  describe('finding 2 (high): signing secrets and token claims', () => {
    it('accepts no token forged with the old development secret, and none without exp or a session', async () => {
      const me = (await f.owner.get('/api/v1/me')).body;
      const forge = (secret: string, claims: Record<string, unknown>, expires = true) => {
        let jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(me.id).setIssuer('inbox').setIssuedAt();
        if (expires) jwt = jwt.setExpirationTime('1h');
        return jwt.sign(new TextEncoder().encode(secret));
      };
      const devSecret = 'dev-insecure-jwt-secret-change-me-in-production';
      const testSecret = 'test-only-gateway_jwt_secret-not-for-any-real-install';
      for (const token of [
        await forge(devSecret, { acc: me.accountId }),
        await forge(testSecret, { acc: me.accountId }, false),
        await forge(testSecret, { acc: me.accountId }),
        await forge(testSecret, { acc: me.accountId, sid: 'ses_made_up' }),
      ]) {
        expect((await f.anonymous.withToken(token).get('/api/v1/me')).status).toBe(401);
      }
    });

    it('refuses to boot a gateway outside test mode without a real signing secret', async () => {
      for (const env of [{ NODE_ENV: 'development' }, { NODE_ENV: 'production' }, { NODE_ENV: 'development', GATEWAY_JWT_SECRET: 'dev-insecure-jwt-secret-change-me-in-production' }] as Record<string, string>[]) {
        const gateway = await launchService('gateway', env);
        const exit = await gateway.process.exited(20_000);
        expect(exit.code).toBe(1);
        expect(gateway.process.output).toMatch(/GATEWAY_JWT_SECRET: (missing|a development or short secret)/);
      }
    });
  });

  describe('finding 3 (high): channel addresses are owned, not first come', () => {
    it('refuses a +tag or case variant of another account’s address, with the same answer as any taken identifier', async () => {
      const [local, domain] = f.address.split('@');
      const variant = await other.client.post(`/api/v1/inboxes/${(await other.client.post('/api/v1/inboxes', { name: 'Mine' })).body.id}/channels`, {
        type: 'email',
        name: 'Billing',
        address: `${local.toUpperCase()}+billing@${domain}`,
      });
      expect(variant.status).toBe(409);
      expect(variant.body.error.code).toBe('channel_identifier_unavailable');
      // A taken page id answers the same whether this account or another holds it.
      const pageId = String(randomInt(2e9, 3e9));
      expect((await f.owner.post(`/api/v1/inboxes/${f.inboxId}/channels`, { type: 'messenger', name: 'P', pageId, appSecret: 'secret-one-1' })).status).toBe(201);
      const own = await f.owner.post(`/api/v1/inboxes/${f.inboxId}/channels`, { type: 'messenger', name: 'P2', pageId, appSecret: 'secret-two-2' });
      const otherInbox = (await other.client.get('/api/v1/inboxes')).body.items[0].id;
      const theirs = await other.client.post(`/api/v1/inboxes/${otherInbox}/channels`, { type: 'messenger', name: 'P3', pageId, appSecret: 'secret-three' });
      expect([own.status, own.body.error]).toEqual([theirs.status, theirs.body.error]);
      // Mail to the +tag variant still reaches the owner's channel.
      const conversation = await emailConversation(`plus ${randomInt(1e9)}`, `${local}+billing@${domain}`);
      expect(conversation.channel).toBe('email');
    });

    it('sends nothing from an address on a foreign domain until the code mailed to it is entered', async () => {
      const address = `director-${randomInt(1e9)}@some-bank.example`;
      const created = await f.owner.post(`/api/v1/inboxes/${f.inboxId}/channels`, { type: 'email', name: 'Bank', address });
      expect(created.status).toBe(201);
      expect(created.body.verified).toBe(false);
      const inbox = (await f.owner.post('/api/v1/inboxes', { name: `Bank ${randomInt(1e6)}` })).body;
      const channel = (await f.owner.post(`/api/v1/inboxes/${inbox.id}/channels`, { type: 'email', name: 'Bank', address: `ceo-${randomInt(1e9)}@some-bank.example` })).body;
      const compose = await f.owner.post('/api/v1/conversations', { inboxId: inbox.id, channel: 'email', to: 'victim@customer.example', subject: 'Wire the money', text: 'now' });
      expect(compose.status).toBe(409);
      expect(compose.body.error.code).toBe('channel_unverified');
      const mail = await waitFor('the verification mail', async () => f.sink.messages.find((m) => m.envelope.to.includes(channel.address)), 10_000);
      const code = /code: ([0-9A-F]{10})/.exec(mail.raw.toString())![1];
      const wrong = await f.owner.post(`/api/v1/channels/${channel.id}/verify`, { code: '0000000000' });
      expect(wrong.status).toBe(400);
      expect(wrong.body.error.code).toBe('invalid_code');
      // Another account cannot verify it, even with the right code.
      expect((await other.client.post(`/api/v1/channels/${channel.id}/verify`, { code })).status).toBe(404);
      const verified = await f.owner.post(`/api/v1/channels/${channel.id}/verify`, { code });
      expect(verified.body).toMatchObject({ id: channel.id, verified: true });
      expect((await f.owner.post('/api/v1/conversations', { inboxId: inbox.id, channel: 'email', to: 'customer@customer.example', subject: 'Hello', text: 'hi' })).status).toBe(201);
    });
  });

  describe('finding 4 (medium): inbox membership on REST and search', () => {
    it('shows an agent only the inboxes they are a member of, everywhere', async () => {
      const subject = `members only ${randomInt(1e9)}`;
      const conversation = await emailConversation(subject);
      const outsider = await addAgent(f, 'agent', { member: false });
      expect((await outsider.client.get('/api/v1/inboxes')).body.items).toEqual([]);
      const list = await outsider.client.get(`/api/v1/inboxes/${f.inboxId}/conversations?view=open`);
      expect([list.status, list.body.error.code]).toEqual([403, 'not_inbox_member']);
      expect((await outsider.client.get(`/api/v1/inboxes/${f.inboxId}/views`)).status).toBe(403);
      for (const response of [
        await outsider.client.get(`/api/v1/conversations/${conversation.id}`),
        await outsider.client.post(`/api/v1/conversations/${conversation.id}/messages`, { text: 'I should not be here' }),
        await outsider.client.post(`/api/v1/conversations/${conversation.id}/comments`, { text: 'nor here' }),
        await outsider.client.patch(`/api/v1/conversations/${conversation.id}`, { status: 'closed' }),
      ]) {
        expect([response.status, response.body.error.code]).toEqual([404, 'conversation_not_found']);
      }
      const words = subject.split(' ').pop();
      await waitFor('the conversation indexed', async () => (await f.owner.get(`/api/v1/search?q=${words}`)).body.total === 1, 20_000);
      expect((await outsider.client.get(`/api/v1/search?q=${words}`)).body.total).toBe(0);
      expect((await outsider.client.get(`/api/v1/search?q=${words}&inboxId=${f.inboxId}`)).status).toBe(404);
      // Made a member, the same agent sees it all.
      await f.owner.post(`/api/v1/inboxes/${f.inboxId}/members`, { userId: outsider.id });
      expect((await outsider.client.get(`/api/v1/conversations/${conversation.id}`)).status).toBe(200);
      expect((await outsider.client.get(`/api/v1/search?q=${words}`)).body.total).toBe(1);
    });
  });

  describe('finding 5 (medium): an open WebSocket does not outlive its session', () => {
    const closesWithin = async (socket: RealtimeClient, ms: number) => {
      const started = Date.now();
      await waitFor('the socket closed', async () => socket.closed, ms + 2000, 20);
      expect(socket.closed!.code).toBe(4401);
      return Date.now() - started;
    };

    it('closes the socket within a second, and refuses the token, on logout, password change, deactivation and removal', async () => {
      const password = 'agent password';
      const revocations: [string, (agent: Awaited<ReturnType<typeof addAgent>>) => Promise<unknown>][] = [
        ['logout', (agent) => agent.client.post('/api/v1/auth/logout')],
        ['password change', async (agent) => {
          // The session that changed it stays; every other one ends.
          const other = (await login(agent.email, password)).body.token as string;
          const changed = await f.anonymous.withToken(other).put('/api/v1/me/password', { currentPassword: password, newPassword: 'a brand new passphrase' });
          expect(changed.status).toBe(204);
          expect((await f.anonymous.withToken(other).get('/api/v1/me')).status).toBe(200);
        }],
        ['deactivation', (agent) => f.owner.patch(`/api/v1/users/${agent.id}`, { deactivated: true })],
        ['removal', (agent) => f.owner.delete(`/api/v1/users/${agent.id}`)],
      ];
      for (const [name, revoke] of revocations) {
        const agent = await addAgent(f);
        const socket = await RealtimeClient.connect(f.stack.gatewayUrl, { token: agent.client.token });
        await revoke(agent);
        const took = await closesWithin(socket, 1000);
        expect([name, took < 1000]).toEqual([name, true]);
        expect([name, (await agent.client.get('/api/v1/me')).status]).toEqual([name, 401]);
      }
    });

    it('caps the sockets one user holds, and takes each ticket once', async () => {
      const agent = await addAgent(f);
      const sockets = [];
      for (let i = 0; i < 5; i += 1) sockets.push(await RealtimeClient.connect(f.stack.gatewayUrl, { token: agent.client.token }));
      await expect(RealtimeClient.connect(f.stack.gatewayUrl, { token: agent.client.token })).rejects.toMatchObject({ statusLine: '429 Too Many Requests' });
      await sockets[0].close();
      const ticket = await RealtimeClient.ticket(f.stack.gatewayUrl, agent.client.token!);
      sockets.push(await RealtimeClient.connect(f.stack.gatewayUrl, { ticket }));
      await expect(RealtimeClient.connect(f.stack.gatewayUrl, { ticket })).rejects.toMatchObject({ status: 401 });
      await Promise.all(sockets.map((s) => s.close()));
    });
  });

  describe('sessions that last a working day and end together', () => {
    it('renews a session with a new token for the same session; logging out ends both tokens', async () => {
      const agent = await addAgent(f);
      const renewed = await agent.client.post('/api/v1/auth/refresh');
      expect(renewed.status).toBe(200);
      expect(new Date(renewed.body.expiresAt).getTime()).toBeGreaterThan(Date.now() + 60_000);
      const second = f.anonymous.withToken(renewed.body.token);
      expect((await second.get('/api/v1/me')).status).toBe(200);
      expect((await second.post('/api/v1/auth/logout')).status).toBe(204);
      expect((await second.get('/api/v1/me')).status).toBe(401);
      expect((await agent.client.get('/api/v1/me')).status).toBe(401);
      expect((await agent.client.post('/api/v1/auth/refresh')).status).toBe(401);
    });
  });

  describe('finding 6 (medium): sign-in throttling and a password policy', () => {
    it('answers 429 with Retry-After after repeated failures for one email, the right password included', async () => {
      const agent = await addAgent(f);
      for (let i = 0; i < 5; i += 1) expect((await login(agent.email, `wrong ${i}`)).status).toBe(401);
      const locked = await login(agent.email, 'agent password');
      expect(locked.status).toBe(429);
      expect(locked.body.error.code).toBe('too_many_attempts');
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    });

    it('answers 429 for one client guessing across many emails', async () => {
      // A client address of its own each run: the throttle remembers addresses for its window.
      const client = { 'x-forwarded-for': `2001:db8::${randomInt(1, 0xffff).toString(16)}:${randomInt(1, 0xffff).toString(16)}` };
      const statuses = [];
      for (let i = 0; i < 31; i += 1) statuses.push((await f.anonymous.post('/api/v1/auth/login', { email: uniqueEmail('guess'), password: 'guess password' }, client)).status);
      expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
      expect(statuses[30]).toBe(429);
    });

    it('refuses common passwords, short ones and ones made of the email; a deactivated user looks like a wrong password', async () => {
      for (const password of ['password', '12345678', 'password1234', 'qwertyuiop']) {
        const response = await f.owner.post('/api/v1/users', { name: 'Weak', email: uniqueEmail('weak'), password, role: 'agent' });
        expect([password, response.status]).toEqual([password, 400]);
      }
      const email = uniqueEmail('selfish');
      const own = await f.owner.post('/api/v1/users', { name: 'Self', email, password: `${email.split('@')[0]}!`, role: 'agent' });
      expect([own.status, own.body.error.details.reason]).toEqual([400, 'contains_email']);
      const agent = await addAgent(f);
      await f.owner.patch(`/api/v1/users/${agent.id}`, { deactivated: true });
      const deactivated = await login(agent.email, 'agent password');
      const wrong = await login(agent.email.replace('@', 'x@'), 'agent password');
      expect([deactivated.status, deactivated.body.error]).toEqual([wrong.status, wrong.body.error]);
    });
  });

  describe('finding 7 (low): the rest', () => {
    it('ignores a bearer token in ?token= on REST', async () => {
      const response = await fetch(`${f.stack.gatewayUrl}/api/v1/me?token=${f.owner.token}`);
      expect(response.status).toBe(401);
    });

    it('keeps the last active super admin: it cannot demote, deactivate or remove itself into none', async () => {
      const owner = await signUp(f.anonymous, 'Lonely');
      const demote = await owner.client.patch(`/api/v1/users/${owner.userId}`, { role: 'admin' });
      expect([demote.status, demote.body.error.code]).toEqual([409, 'last_superadmin']);
      const second = (await owner.client.post('/api/v1/users', { name: 'Second', email: uniqueEmail('second'), password: 'second password', role: 'superadmin' })).body;
      expect((await owner.client.patch(`/api/v1/users/${owner.userId}`, { role: 'admin' })).status).toBe(200);
      const secondClient = f.anonymous.withToken((await login(second.email, 'second password')).body.token);
      expect((await secondClient.patch(`/api/v1/users/${second.id}`, { role: 'agent' })).body.error.code).toBe('last_superadmin');
    });

    it('rate-limits chat sessions, and a rotated X-Forwarded-For from an untrusted client changes nothing', async () => {
      const widgetId = (await f.owner.post(`/api/v1/inboxes/${f.inboxId}/channels`, { type: 'chat', name: 'Widget' })).body.widgetId;
      const statuses = [];
      for (let i = 0; i < 4; i += 1) {
        const started = await fetch(`${f.stack.ingestUrl}/ingest/v1/chat/${widgetId}/sessions`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': `192.0.2.${i}` }, body: '{}' });
        statuses.push(started.status);
        if (started.status === 429) expect(Number(started.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      expect(statuses).toEqual([201, 201, 201, 429]);
      const formId = (await f.owner.post(`/api/v1/inboxes/${f.inboxId}/channels`, { type: 'form', name: 'Form', fields: [{ name: 'message', required: true }] })).body.formId;
      const forms = [];
      for (let i = 0; i < 4; i += 1) {
        forms.push((await fetch(`${f.stack.ingestUrl}/ingest/v1/forms/${formId}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': `192.0.2.${i}` }, body: JSON.stringify({ message: `m${i}` }) })).status);
      }
      expect(forms).toEqual([202, 202, 202, 429]);
    });

    it('serves /metrics, /healthz and /readyz on the ops ports only', async () => {
      for (const base of [f.stack.gatewayUrl, f.stack.ingestUrl!]) {
        for (const path of ['/metrics', '/healthz', '/readyz']) expect([base + path, (await fetch(base + path)).status]).toEqual([base + path, 404]);
      }
      expect((await fetch(`${f.stack.services.gateway!.opsUrl}/metrics`)).status).toBe(200);
    });

    it('answers a crafted search cursor with 400, not 500', async () => {
      for (const payload of [{ m: 'newest', s: [1e20, 'x'] }, { m: 'newest', s: [1.5, 'x'] }, { m: 'newest', s: [null, 'x'] }]) {
        const cursor = Buffer.from(JSON.stringify(payload)).toString('base64url');
        const response = await f.owner.get(`/api/v1/search?q=anything&cursor=${cursor}`);
        expect([response.status, response.body.error.code]).toEqual([400, 'invalid_cursor']);
      }
      expect((await f.owner.get(`/api/v1/inboxes/${f.inboxId}/conversations?view=open&cursor=bm90LWEtY3Vyc29y`)).status).toBe(400);
    });

    it('refuses an upload with a bad file name before storing anything', async () => {
      const bytes = Buffer.from(`upload ${randomInt(1e12)}`);
      const response = await fetch(`${f.stack.gatewayUrl}/api/v1/uploads?filename=${encodeURIComponent('../../etc/passwd')}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${f.owner.token}`, 'content-type': 'application/octet-stream' },
        body: bytes,
      });
      expect(response.status).toBe(400);
      const { BlobStore, connectNats, createLogger } = await import('@inbox/lib');
      const nc = await connectNats(process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222', 'attack-suite', createLogger({ service: 'test', level: 'silent' }));
      try {
        const blobs = await BlobStore.open(nc);
        expect(await blobs.get(BlobStore.keyFor('att', bytes))).toBeNull();
      } finally {
        await nc.close();
      }
    });
  });

  describe('what held, kept held', () => {
    it("answers another account's ids on every route of the OpenAPI document with 4xx, never 2xx or 5xx", async () => {
      const conversation = await emailConversation(`cross ${randomInt(1e9)}`);
      const detail = (await f.owner.get(`/api/v1/conversations/${conversation.id}`)).body;
      const channel = (await f.owner.get(`/api/v1/inboxes/${f.inboxId}/channels`)).body.items[0];
      // A public address literal passes the URL checks without DNS; its one event type never fires here.
      const webhook = (await f.owner.post('/api/v1/webhooks', { url: 'https://93.184.216.34/hook', events: ['sla.breached'] })).body;
      const ids: Record<string, string> = {
        inboxId: f.inboxId,
        id: conversation.id,
        conversationId: conversation.id,
        messageId: detail.messages[0].id,
        channelId: channel.id,
        userId: f.ownerId,
        contactId: conversation.contact.id,
      };
      const document = (await f.owner.get('/api/v1/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
      const checked: string[] = [];
      for (const [path, methods] of Object.entries(document.paths)) {
        if (!path.includes('{')) continue;
        for (const method of Object.keys(methods)) {
          const url = path.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'id' && path.startsWith('/api/v1/webhooks/') ? webhook.id : (ids[name] ?? 'x_unknown')));
          const response = await other.client.request(method.toUpperCase(), url, method === 'get' || method === 'delete' ? undefined : {});
          expect([method, url, response.status >= 400 && response.status < 500]).toEqual([method, url, true]);
          checked.push(`${method} ${path}`);
        }
      }
      expect(checked.length).toBeGreaterThan(20);
      // And the owner's objects are all still there.
      expect((await f.owner.get(`/api/v1/conversations/${conversation.id}`)).status).toBe(200);
      expect((await f.owner.get(`/api/v1/webhooks/${webhook.id}`)).status).toBe(200);
    });

    it('keeps injection inert: search syntax and SQL in parameters neither widen nor break anything', async () => {
      const theirs = await other.client.get(`/api/v1/search?q=${encodeURIComponent('*) OR account_id:* OR (x')}`);
      expect(theirs.status).toBe(200);
      expect(theirs.body.items.every((i: { id: string }) => i.id)).toBe(true);
      expect(theirs.body.total).toBe(0);
      const view = await f.owner.get(`/api/v1/inboxes/${f.inboxId}/conversations?view=${encodeURIComponent("open'; DROP TABLE conversations; --")}`);
      expect(view.status).toBe(400);
      expect((await f.owner.get(`/api/v1/inboxes/${f.inboxId}/conversations?view=open`)).status).toBe(200);
    });

    it('keeps hostile email HTML inert: no scripts, handlers or javascript: links survive', async () => {
      const customer = `attacker-${randomInt(1e9)}@evil.example`;
      const subject = `hostile html ${randomInt(1e9)}`;
      const html = `<p>Hi</p><script>fetch('/api/v1/me')</script><img src=x onerror="alert(1)"><a href="javascript:alert(2)">click</a><iframe src="https://evil.example"></iframe><svg onload="alert(3)"></svg><form action="https://evil.example"><input name=p></form>`;
      const raw = `From: ${customer}\r\nTo: ${f.address}\r\nSubject: ${subject}\r\nMessage-ID: <${randomInt(1e12)}@evil.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${html}\r\n`;
      expect((await fetch(`${f.stack.ingestUrl}/ingest/v1/email`, { method: 'POST', headers: { 'content-type': 'message/rfc822' }, body: raw })).status).toBe(202);
      const item = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.subject === subject);
      const stored = (await f.owner.get(`/api/v1/conversations/${item.id}`)).body.messages[0].html as string;
      expect(stored).toContain('Hi');
      expect(stored).not.toMatch(/<script|onerror|onload|javascript:|<iframe|<form/i);
    });

    it('keeps refusing unsigned or wrongly signed webhooks', async () => {
      const body = JSON.stringify({ object: 'page', entry: [] });
      for (const signature of [undefined, 'sha256=00', metaSign(body, 'not-the-secret')]) {
        const response = await fetch(`${f.stack.ingestUrl}/ingest/v1/messenger/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature-256': signature } : {}) }, body });
        expect(response.status).toBe(401);
      }
    });
  });
});
