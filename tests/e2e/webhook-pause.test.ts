// A webhook that keeps failing is paused by the server, and the account's admins and super admins
// are told, once, in their notifications; agents are not.
import { randomInt } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { uniqueEmail } from '../support/api-client';
import { addAgent, postEmail, startInboxFixture, waitForInView, type InboxFixture } from '../support/inbox-fixture';
import { freePort } from '../support/service-process';
import { buildEmail } from '../support/smtp';
import { waitFor } from '@inbox/testkit';

jest.setTimeout(180_000);

describe('a webhook that keeps failing', () => {
  let f: InboxFixture;
  let receiver: Server;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    receiver = createServer((_req, res) => res.writeHead(503).end());
    await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', resolve));
    f = await startInboxFixture({}, ['notification'], {
      notification: {
        OUTBOUND_ALLOW_HTTP: 'true',
        OUTBOUND_ALLOWED_TARGETS: `127.0.0.1:${port}`,
        NOTIFICATION_WEBHOOK_POLL_MS: '100',
        NOTIFICATION_WEBHOOK_RETRY_BASE_MS: '200',
        NOTIFICATION_WEBHOOK_RETRY_MAX_MS: '400',
        NOTIFICATION_WEBHOOK_PAUSE_AFTER_MS: '2000',
      },
    });
  });

  afterAll(async () => {
    await f?.stop();
    receiver?.closeAllConnections();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('is paused, and every admin is told once', async () => {
    const admin = await addAgent(f, 'admin');
    const agent = await addAgent(f, 'agent');
    const hook = (await f.owner.post('/api/v1/webhooks', { url: `http://127.0.0.1:${port}/hooks`, events: ['conversation.created', 'message.created'] })).body;
    const subject = `failing ${randomInt(1e9)}`;
    expect(await postEmail(f.stack.ingestUrl!, buildEmail({ from: uniqueEmail('customer'), to: f.address, subject, text: 'x' }).raw, [f.address])).toBe(202);
    await waitForInView(f.owner, f.inboxId, 'open', (c) => c.subject === subject, 30_000);

    const paused = await waitFor('the webhook paused', async () => {
      const webhook = (await f.owner.get(`/api/v1/webhooks/${hook.id}`)).body;
      return webhook.paused ? webhook : undefined;
    }, 30_000, 200);
    expect(paused).toMatchObject({ paused: true, pausedReason: 'failing' });

    const notices = async (client: typeof f.owner) => ((await client.get('/api/v1/notifications?limit=100')).body.items as { kind: string; webhookId: string | null; conversationId: string | null; link: string }[]).filter((n) => n.kind === 'webhook_paused');
    for (const client of [f.owner, admin.client]) {
      const got = await waitFor('the notice', async () => ((await notices(client)).length > 0 ? notices(client) : undefined), 15_000, 200);
      expect(got).toEqual([expect.objectContaining({ webhookId: hook.id, conversationId: null, link: '/settings/webhooks' })]);
    }
    expect(await notices(agent.client)).toEqual([]);
    // More failures while paused tell nobody again: nothing is sent while paused.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await notices(f.owner)).toHaveLength(1);
  });
});
