// NATS restarted under a steady inbound load, with no service restarted: every email the edge
// acknowledged is stored once, and each consumer path works again within seconds: a new email
// reaches an agent's socket (an old socket and a new one), is indexed, routed and notified, and
// every service's readiness is back to 200.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { uniqueEmail } from '../support/api-client';
import { addAgent, postEmail, startInboxFixture, type InboxFixture } from '../support/inbox-fixture';
import { RealtimeClient } from '../support/realtime';
import { ROOT } from '../support/service-process';
import { buildEmail } from '../support/smtp';
import { waitFor } from '@inbox/testkit';

jest.setTimeout(300_000);

const stack = (...args: string[]) => execFileSync('bash', [path.join(ROOT, 'scripts', 'stack.sh'), ...args], { stdio: 'pipe', timeout: 240_000 });

describe('after a NATS restart, without restarting any service', () => {
  let f: InboxFixture;
  let agent: Awaited<ReturnType<typeof addAgent>>;
  let inbox: { id: string; address: string };
  let oldSocket: RealtimeClient;
  const sockets: RealtimeClient[] = [];
  const acknowledged: string[] = [];

  const post = (to: string, subject: string, from = uniqueEmail('restart')) => postEmail(f.stack.ingestUrl!, buildEmail({ from, to, subject, text: `${subject} body` }).raw, [to]);

  const conversationsWith = async (subject: string) =>
    (((await f.owner.get(`/api/v1/inboxes/${inbox.id}/conversations?view=open&limit=100`)).body.items ?? []) as any[]).filter((c) => c.subject === subject);

  beforeAll(async () => {
    f = await startInboxFixture({}, ['routing', 'search', 'notification']);
    agent = await addAgent(f);
    const created = (await f.owner.post('/api/v1/inboxes', { name: 'Restart' })).body;
    const address = (await f.owner.post(`/api/v1/inboxes/${created.id}/channels`, { type: 'email', name: 'Restart' })).body.address as string;
    expect((await f.owner.post(`/api/v1/inboxes/${created.id}/members`, { userId: agent.id })).status).toBeLessThan(300);
    expect((await f.owner.put(`/api/v1/inboxes/${created.id}/routing`, { mode: 'round_robin' })).status).toBe(200);
    inbox = { id: created.id, address };
    oldSocket = await RealtimeClient.connect(f.stack.gatewayUrl, { token: agent.client.token });
    sockets.push(oldSocket);

    // A steady load of 20 emails a second while NATS is stopped for a few seconds and started.
    let stop = false;
    let sent = 0;
    const load = (async () => {
      while (!stop) {
        const subject = `Steady ${sent++}`;
        if ((await post(address, subject)) === 202) acknowledged.push(subject);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    stack('stop', 'nats');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    stack('start', 'nats');
    await new Promise((resolve) => setTimeout(resolve, 2000));
    stop = true;
    await load;
    expect(acknowledged.length).toBeGreaterThan(20);
    for (const [name, service] of Object.entries(f.stack.services)) {
      await waitFor(`${name} ready after the restart`, async () => (await fetch(`${service.opsUrl}/readyz`)).status === 200, 60_000, 250);
    }
  });

  afterAll(async () => {
    for (const s of sockets) await s.close();
    await f?.stop();
  });

  it('stored every acknowledged email exactly once', async () => {
    const all = async () => {
      const items: any[] = [];
      let cursor = '';
      do {
        const page = (await f.owner.get(`/api/v1/inboxes/${inbox.id}/conversations?view=open&limit=100${cursor ? `&cursor=${cursor}` : ''}`)).body;
        items.push(...page.items);
        cursor = page.nextCursor ?? '';
      } while (cursor);
      return items;
    };
    const stored = await waitFor('every acknowledged email stored', async () => {
      const items = await all();
      const subjects = new Set(items.map((c) => c.subject));
      return acknowledged.every((s) => subjects.has(s)) ? items : undefined;
    }, 60_000, 500);
    const subjects = stored.map((c: { subject: string }) => c.subject).filter((s: string) => acknowledged.includes(s));
    expect(subjects.length).toBe(acknowledged.length);
    expect(new Set(subjects).size).toBe(acknowledged.length);
  });

  it('a new email reaches the socket that was open across the restart, and a new socket', async () => {
    const newSocket = await RealtimeClient.connect(f.stack.gatewayUrl, { token: agent.client.token });
    sockets.push(newSocket);
    const subject = `Live after restart ${Date.now()}`;
    expect(await post(inbox.address, subject)).toBe(202);
    const created = await waitFor('the conversation', async () => (await conversationsWith(subject))[0], 20_000, 200);
    for (const socket of [oldSocket, newSocket]) {
      await socket.next((fr) => fr.type === 'conversation.created' && fr.conversationId === created.id, 15_000);
    }
  });

  it('a new email is indexed and found by search', async () => {
    const word = `restartword${Date.now()}`;
    expect(await post(inbox.address, `Indexed ${word}`)).toBe(202);
    await waitFor('search to find it', async () => {
      const page = await f.owner.get(`/api/v1/search?q=${word}`);
      return page.status === 200 && page.body.items.length === 1;
    }, 20_000, 250);
  });

  it('a new email is routed to the agent and the agent is notified', async () => {
    const subject = `Routed after restart ${Date.now()}`;
    expect(await post(inbox.address, subject)).toBe(202);
    const assigned = await waitFor('the conversation assigned', async () => (await conversationsWith(subject)).find((c) => c.assignee?.id === agent.id), 20_000, 200);
    await waitFor('the assignment notification', async () => {
      const items = (await agent.client.get('/api/v1/notifications?limit=100')).body.items as { conversationId: string; kind: string }[];
      return items.some((n) => n.conversationId === assigned.id && n.kind === 'assignment');
    }, 20_000, 250);
    await oldSocket.next((fr) => fr.type === 'notification.created' && fr.conversationId === assigned.id && fr.kind === 'assignment', 15_000);
  });
});
