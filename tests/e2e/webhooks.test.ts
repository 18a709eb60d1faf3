// Outbound webhooks end to end: a local receiver gets signed deliveries, in order per
// conversation, through an outage of its own, after a kill -9 of the service delivering them,
// and again on request with the same id. Private addresses are refused.
import { createHmac, randomInt } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { uniqueEmail } from '../support/api-client';
import { launchBrowser, signInPage } from '../support/browser';
import { addAgent, postEmail, startInboxFixture, waitForInView, type InboxFixture } from '../support/inbox-fixture';
import { freePort } from '../support/service-process';
import { buildEmail } from '../support/smtp';
import { waitFor } from '@inbox/testkit';

jest.setTimeout(300_000);

interface Received {
  id: string;
  type: string;
  delivery: string;
  conversationId: string;
  version: number;
  signature: string;
  body: string;
}

class Receiver {
  readonly received: Received[] = [];
  /** Answer 503 to everything (the receiver is down). */
  down = false;
  /** Requests answered with a redirect to /hooks. */
  redirected = 0;
  private server?: Server;
  port = 0;

  async start(): Promise<this> {
    this.port = await freePort();
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (this.down) {
          res.writeHead(503).end();
          return;
        }
        if (req.url?.startsWith('/moved')) {
          this.redirected += 1;
          res.writeHead(307, { location: '/hooks' }).end();
          return;
        }
        const body = Buffer.concat(chunks).toString('utf8');
        const parsed = JSON.parse(body) as { id: string; type: string; data: { conversationId: string; version: number } };
        this.received.push({ id: parsed.id, type: parsed.type, delivery: String(req.headers['x-inbox-delivery']), conversationId: parsed.data.conversationId, version: parsed.data.version, signature: String(req.headers['x-inbox-signature']), body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  of(conversationId: string): Received[] {
    return this.received.filter((r) => r.conversationId === conversationId);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

/** What a receiver does with the header: every v1 that verifies against this secret, within 5 minutes. */
function verifies(header: string, body: string, secret: string): boolean {
  const parts = header.split(',').map((p) => p.split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (Math.abs(Date.now() / 1000 - t) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return parts.some(([k, v]) => k === 'v1' && v === expected);
}

describe('outbound webhooks', () => {
  const receiver = new Receiver();
  let f: InboxFixture;
  let hook: { id: string; secret: string };

  const email = async (subject: string) => {
    const raw = buildEmail({ from: uniqueEmail('hooked'), to: f.address, subject, text: `${subject} body` }).raw;
    expect(await postEmail(f.stack.ingestUrl!, raw, [f.address])).toBe(202);
    return waitForInView(f.owner, f.inboxId, 'open', (c) => c.subject === subject, 30_000);
  };
  const deliveries = async (webhookId = hook.id) => {
    const items: any[] = [];
    let cursor = '';
    do {
      const page = (await f.owner.get(`/api/v1/webhooks/${webhookId}/deliveries?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)).body;
      items.push(...page.items);
      cursor = page.nextCursor ?? '';
    } while (cursor);
    return items;
  };
  const allDelivered = () => waitFor('every delivery delivered', async () => (await deliveries()).every((d) => d.status === 'delivered'), 60_000, 200);

  beforeAll(async () => {
    await receiver.start();
    f = await startInboxFixture({}, ['notification'], {
      notification: {
        // The test-mode switch lets exactly the receiver's port through; every other private address stays refused.
        OUTBOUND_ALLOW_HTTP: 'true',
        OUTBOUND_ALLOWED_TARGETS: `127.0.0.1:${receiver.port}`,
        NOTIFICATION_WEBHOOK_POLL_MS: '100',
        NOTIFICATION_WEBHOOK_RETRY_BASE_MS: '200',
        NOTIFICATION_WEBHOOK_RETRY_MAX_MS: '1000',
        NOTIFICATION_WEBHOOK_LEASE_MS: '3000',
      },
    });
    const created = await f.owner.post('/api/v1/webhooks', { url: receiver.url, events: ['conversation.created', 'conversation.closed', 'conversation.assigned', 'message.created', 'comment.created'] });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);
    hook = { id: created.body.id, secret: created.body.secret };
  });

  afterAll(async () => {
    await f?.stop();
    await receiver.stop();
  });

  it('refuses bad subscriptions and private addresses, and keeps webhooks to admins', async () => {
    const before = (await f.owner.get('/api/v1/webhooks')).body.items.length;
    const refusals: [unknown, number, string][] = [
      [{}, 400, 'validation_failed'],
      [{ url: receiver.url, events: [] }, 400, 'validation_failed'],
      [{ url: receiver.url, events: ['conversation.exploded'] }, 400, 'validation_failed'],
      [{ url: 'not a url', events: ['message.created'] }, 400, 'webhook_url_invalid'],
      [{ url: `http://127.0.0.1:${receiver.port + 1}/x`, events: ['message.created'] }, 400, 'webhook_url_not_allowed'],
      [{ url: 'http://169.254.169.254/latest/meta-data/', events: ['message.created'] }, 400, 'webhook_url_not_allowed'],
      [{ url: 'http://10.0.0.8/hook', events: ['message.created'] }, 400, 'webhook_url_not_allowed'],
      [{ url: 'http://[::ffff:127.0.0.1]:9200/', events: ['message.created'] }, 400, 'webhook_url_not_allowed'],
    ];
    for (const [body, status, code] of refusals) {
      const response = await f.owner.post('/api/v1/webhooks', body);
      expect([JSON.stringify(body), response.status, response.body.error?.code]).toEqual([JSON.stringify(body), status, code]);
    }
    const agent = await addAgent(f);
    expect((await agent.client.post('/api/v1/webhooks', { url: receiver.url, events: ['message.created'] })).status).toBe(403);
    expect((await agent.client.get('/api/v1/webhooks')).status).toBe(403);
    expect((await f.owner.get('/api/v1/webhooks/whk_missing')).status).toBe(404);
    expect((await f.owner.get('/api/v1/webhooks')).body.items).toHaveLength(before);
  });

  it('follows no redirect: a receiver that answers 307 has not received the delivery', async () => {
    const moved = (await f.owner.post('/api/v1/webhooks', { url: `http://127.0.0.1:${receiver.port}/moved`, events: ['conversation.created'] })).body;
    const conversation = await email(`moved ${randomInt(1e9)}`);
    const attempt = await waitFor('a failed attempt', async () => (await deliveries(moved.id)).find((d) => d.attempts > 0), 30_000, 100);
    expect(attempt).toMatchObject({ status: 'pending', conversationId: conversation.id, lastError: expect.stringMatching(/redirect/) });
    expect(receiver.redirected).toBeGreaterThan(0);
    expect(receiver.received.filter((r) => r.delivery === attempt.id)).toEqual([]);
    expect((await f.owner.delete(`/api/v1/webhooks/${moved.id}`)).status).toBe(204);
    expect((await f.owner.get(`/api/v1/webhooks/${moved.id}`)).status).toBe(404);
  });

  it('delivers signed events of a conversation in the order they happened', async () => {
    const conversation = await email(`hooked ${randomInt(1e9)}`);
    expect((await f.owner.post(`/api/v1/conversations/${conversation.id}/comments`, { text: 'looking into it' })).status).toBe(201);
    expect((await f.owner.patch(`/api/v1/conversations/${conversation.id}`, { assigneeId: f.ownerId })).status).toBe(200);
    expect((await f.owner.post(`/api/v1/conversations/${conversation.id}/messages`, { text: 'Sorted.' })).status).toBe(201);
    expect((await f.owner.patch(`/api/v1/conversations/${conversation.id}`, { status: 'closed' })).status).toBe(200);
    const got = await waitFor('the conversation events', async () => (receiver.of(conversation.id).some((r) => r.type === 'conversation.closed') ? receiver.of(conversation.id) : undefined), 30_000);
    expect(got.map((r) => r.type)).toEqual(['conversation.created', 'message.created', 'comment.created', 'conversation.assigned', 'message.created', 'conversation.closed']);
    for (const r of got) expect(verifies(r.signature, r.body, hook.secret)).toBe(true);
    expect(verifies(got[0].signature, got[0].body, 'whsec_someone_else')).toBe(false);
    const versions = got.map((r) => r.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    await allDelivered();
    const log = (await deliveries()).filter((d) => d.conversationId === conversation.id);
    expect(log).toHaveLength(got.length);
    expect(log.every((d) => d.attempts === 1 && d.lastStatusCode === 204 && d.lastLatencyMs !== null)).toBe(true);
  });

  it('gives a receiver that was down every event, in order per conversation, once it is back', async () => {
    receiver.down = true;
    const conversations = [];
    for (let i = 0; i < 3; i += 1) conversations.push(await email(`outage ${i} ${randomInt(1e9)}`));
    for (const c of conversations) {
      await f.owner.post(`/api/v1/conversations/${c.id}/comments`, { text: 'first' });
      await f.owner.post(`/api/v1/conversations/${c.id}/comments`, { text: 'second' });
    }
    await waitFor('deliveries failing and waiting', async () => (await deliveries()).filter((d) => d.status === 'pending' && d.attempts >= 2).length >= 3, 30_000, 200);
    const webhook = (await f.owner.get(`/api/v1/webhooks/${hook.id}`)).body;
    expect(webhook.consecutiveFailures).toBeGreaterThan(0);
    expect(webhook.paused).toBe(false);
    receiver.down = false;
    for (const c of conversations) {
      const got = await waitFor('every event of the conversation', async () => (receiver.of(c.id).length === 4 ? receiver.of(c.id) : undefined), 30_000, 100);
      expect(got.map((r) => r.type)).toEqual(['conversation.created', 'message.created', 'comment.created', 'comment.created']);
      expect(new Set(got.map((r) => r.id)).size).toBe(4);
    }
    await allDelivered();
    expect((await f.owner.get(`/api/v1/webhooks/${hook.id}`)).body.consecutiveFailures).toBe(0);
  });

  it('sends a delivery again on request with the same id, and signs with both secrets while a rotation overlaps', async () => {
    const [delivered] = (await deliveries()).filter((d) => d.status === 'delivered');
    const before = receiver.received.length;
    const again = await f.owner.post(`/api/v1/webhooks/${hook.id}/deliveries/${delivered.id}/redeliver`);
    expect(again.status).toBe(202);
    const resent = await waitFor('the redelivery', async () => receiver.received.slice(before).find((r) => r.delivery === delivered.id), 30_000, 100);
    expect(resent.id).toBe(delivered.eventId);
    expect(receiver.received.filter((r) => r.id === delivered.eventId).map((r) => JSON.parse(r.body))).toEqual([JSON.parse(resent.body), JSON.parse(resent.body)]);
    expect((await f.owner.post(`/api/v1/webhooks/${hook.id}/deliveries/whd_missing/redeliver`)).status).toBe(404);

    const rotated = await f.owner.post(`/api/v1/webhooks/${hook.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(hook.secret);
    expect(rotated.body.previousSecretExpiresAt).not.toBeNull();
    const c = await email(`rotated ${randomInt(1e9)}`);
    const first = await waitFor('a delivery after the rotation', async () => receiver.of(c.id)[0], 30_000, 100);
    expect(first.signature.split(',').filter((p) => p.startsWith('v1='))).toHaveLength(2);
    expect(verifies(first.signature, first.body, rotated.body.secret)).toBe(true);
    expect(verifies(first.signature, first.body, hook.secret)).toBe(true);
    hook = { id: hook.id, secret: rotated.body.secret };
  });

  it('queues while paused and sends what waited, in order, on resume', async () => {
    expect((await f.owner.patch(`/api/v1/webhooks/${hook.id}`, { paused: true })).body).toMatchObject({ paused: true, pausedReason: 'by_admin' });
    const c = await email(`paused ${randomInt(1e9)}`);
    await f.owner.post(`/api/v1/conversations/${c.id}/comments`, { text: 'while paused' });
    await waitFor('the deliveries queued', async () => (await deliveries()).filter((d) => d.conversationId === c.id).length === 3, 30_000, 200);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(receiver.of(c.id)).toHaveLength(0);
    expect((await f.owner.patch(`/api/v1/webhooks/${hook.id}`, { paused: false })).body.paused).toBe(false);
    const got = await waitFor('what waited', async () => (receiver.of(c.id).length === 3 ? receiver.of(c.id) : undefined), 30_000, 100);
    expect(got.map((r) => r.type)).toEqual(['conversation.created', 'message.created', 'comment.created']);
  });

  it('loses and duplicates nothing, by id, when the delivering service is killed with -9 mid-burst', async () => {
    const notification = f.stack.services.notification!.process;
    const subjects = Array.from({ length: 30 }, (_, i) => `burst ${i} ${randomInt(1e9)}`);
    const sent = Promise.all(subjects.map((subject) => postEmail(f.stack.ingestUrl!, buildEmail({ from: uniqueEmail('burst'), to: f.address, subject, text: subject }).raw, [f.address])));
    const start = receiver.received.length;
    await waitFor('the burst being delivered', async () => receiver.received.length - start >= 5, 30_000, 20);
    notification.signal('SIGKILL');
    await notification.exited(10_000);
    expect((await sent).every((status) => status === 202)).toBe(true);
    notification.restart();
    await notification.waitReady();
    const burst = await waitFor('every burst conversation listed', async () => {
      const open = (await f.owner.get(`/api/v1/inboxes/${f.inboxId}/conversations?view=open&limit=100`)).body.items as { id: string; subject: string }[];
      const ids = subjects.map((s) => open.find((c) => c.subject === s)?.id);
      return ids.every(Boolean) ? (ids as string[]) : undefined;
    }, 60_000, 250);
    // Each burst conversation's two events, delivered: none was lost at the kill.
    const log = await waitFor('every burst event delivered', async () => {
      const all = await deliveries();
      const mine = all.filter((d) => burst.includes(d.conversationId));
      return mine.length === burst.length * 2 && all.every((d) => d.status === 'delivered') ? all : undefined;
    }, 60_000, 250);
    // And none twice: one delivery per event, and the receiver saw exactly the events the log holds.
    const expected = new Set(log.map((d) => d.eventId));
    expect(expected.size).toBe(log.length);
    expect(new Set(receiver.received.map((r) => r.id))).toEqual(expected);
  });

  it('lets an admin add a webhook in Settings, shows its secret once, its deliveries, and sends one again', async () => {
    const browser = await launchBrowser();
    try {
      const ownerEmail = (await f.owner.get('/api/v1/me')).body.email as string;
      const page = await signInPage(browser, f.stack.gatewayUrl, ownerEmail, 'correct horse battery');
      await page.getByRole('button', { name: 'Settings' }).click();
      const settings = page.getByRole('region', { name: 'Settings' });
      await settings.getByRole('button', { name: 'Webhooks' }).click();
      const form = settings.getByRole('form', { name: 'New webhook' });
      await form.getByLabel('URL (https)').fill(`${receiver.url}?from=settings`);
      await form.getByRole('button', { name: 'Add webhook' }).click();
      const secret = (await settings.locator('p.secret code').textContent()) ?? '';
      expect(secret).toMatch(/^whsec_/);
      const created = ((await f.owner.get('/api/v1/webhooks')).body.items as { id: string; url: string; events: string[] }[]).find((w) => w.url.endsWith('?from=settings'))!;
      expect(created.events).toEqual(['conversation.created', 'message.created']);
      await settings.getByRole('button', { name: 'Done' }).click();
      expect(await settings.locator('p.secret').count()).toBe(0);

      const c = await email(`settings ${randomInt(1e9)}`);
      // The new webhook's deliveries are the ones its own secret signs.
      const fromSettings = () => receiver.of(c.id).filter((r) => verifies(r.signature, r.body, secret));
      await waitFor('the deliveries of the new webhook', async () => fromSettings().length === 2, 30_000, 100);
      const row = settings.getByRole('table', { name: 'Webhooks' }).getByRole('row').filter({ hasText: '?from=settings' });
      await row.getByRole('cell', { name: 'Active' }).waitFor();
      await row.getByRole('button', { name: 'Deliveries' }).click();
      const log = settings.getByRole('table', { name: 'Deliveries' });
      await log.getByRole('row').filter({ hasText: 'message.created' }).getByRole('cell', { name: 'delivered' }).waitFor();
      await log.getByRole('row').filter({ hasText: 'message.created' }).getByRole('button', { name: 'Send again' }).click();
      await settings.getByRole('status').getByText('Queued to send again').waitFor();
      await waitFor('the message delivery sent again', async () => fromSettings().filter((r) => r.type === 'message.created').length === 2, 30_000, 100);
      const [first, again] = fromSettings().filter((r) => r.type === 'message.created');
      expect([again.id, again.delivery]).toEqual([first.id, first.delivery]);

      await row.getByRole('button', { name: 'Delete' }).click();
      await page.getByRole('alertdialog', { name: 'Delete this webhook?' }).getByRole('button', { name: 'Delete webhook' }).click();
      await settings.getByRole('status').getByText('Webhook deleted').waitFor();
      expect(((await f.owner.get('/api/v1/webhooks')).body.items as { id: string }[]).map((w) => w.id)).not.toContain(created.id);
      expect(page.errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
