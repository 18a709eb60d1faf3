// The gateway keeps conversation list pages and threads in memory. A kept page may never be older than the
// last change the gateway has told anyone about: a change that arrives as an event (a customer's
// reply, stored by the conversation service) drops the inbox's pages before any socket hears of
// it, a write through the API drops the account's pages before its answer leaves, and a reader who
// loses an inbox loses its pages at once. Lists are read in a tight loop meanwhile, so pages are
// being kept, and loads are in flight, while each change lands.
import { randomInt } from 'node:crypto';
import { uniqueEmail } from '../support/api-client';
import { addAgent, listView, postEmail, startInboxFixture, waitForInView, type InboxFixture } from '../support/inbox-fixture';
import { RealtimeClient } from '../support/realtime';
import { buildEmail } from '../support/smtp';

jest.setTimeout(180_000);

async function cacheCounts(f: InboxFixture): Promise<{ hits: number; misses: number }> {
  const text = await (await fetch(`${f.stack.services.gateway!.opsUrl}/metrics`)).text();
  const value = (measure: string) => Number(new RegExp(`inbox_gateway_read_cache\\{measure="${measure}"[^}]*\\} (\\d+)`).exec(text)?.[1] ?? 'NaN');
  return { hits: value('hits'), misses: value('misses') };
}

/** Reads over and over until stopped, as a busy team's browsers do; `read` is told which reader it is. */
function readInALoop(read: (reader: number) => Promise<unknown>, readers: number) {
  let running = true;
  const loops = Array.from({ length: readers }, async (_, i) => {
    while (running) await read(i);
  });
  return async () => {
    running = false;
    await Promise.all(loops);
  };
}

describe('the gateway read cache', () => {
  let f: InboxFixture;
  let customer: string;
  let conversationId: string;
  let subject: string;

  beforeAll(async () => {
    f = await startInboxFixture({}, [], { gateway: { GATEWAY_READ_CACHE_MS: '60000' } });
    customer = uniqueEmail('customer');
    subject = `cached ${randomInt(1e9)}`;
    const first = buildEmail({ from: customer, to: f.address, subject, text: 'the first question' });
    expect(await postEmail(f.stack.ingestUrl!, first.raw, [f.address])).toBe(202);
    conversationId = (await waitForInView(f.owner, f.inboxId, 'open', (c) => c.subject === subject, 30_000)).id;
  });

  afterAll(async () => {
    await f?.stop();
  });

  it('never answers with a page or thread older than an event its sockets have been sent', async () => {
    const seen = new Set<string>();
    const socket = await RealtimeClient.connect(f.stack.gatewayUrl, { token: f.owner.token });
    const before = await cacheCounts(f);
    // Half the readers read the view, half the thread.
    const stop = readInALoop(async (reader) => {
      if (reader % 2) await listView(f.owner, f.inboxId, 'open');
      else expect((await f.owner.get(`/api/v1/conversations/${conversationId}`)).status).toBe(200);
    }, 4);
    try {
      for (let round = 1; round <= 8; round++) {
        const text = `follow-up number ${round} ${randomInt(1e9)}`;
        const reply = buildEmail({ from: customer, to: f.address, subject: `Re: ${subject}`, text });
        expect(await postEmail(f.stack.ingestUrl!, reply.raw, [f.address])).toBe(202);
        const heard = await socket.next((frame) => frame.type === 'message.created' && frame.conversationId === conversationId && !seen.has(frame.messageId), 30_000);
        seen.add(heard.messageId);
        // The first read after the socket heard of the reply already shows it.
        const item = (await listView(f.owner, f.inboxId, 'open')).find((c) => c.id === conversationId);
        expect(item.preview).toContain(`follow-up number ${round}`);
        expect(item.version).toBeGreaterThanOrEqual(heard.version);
        const thread = (await f.owner.get(`/api/v1/conversations/${conversationId}`)).body;
        expect(thread.messages.map((m: { id: string }) => m.id)).toContain(heard.messageId);
      }
    } finally {
      await stop();
      await socket.close();
    }
    const after = await cacheCounts(f);
    // The loop really was served from memory, and pages were loaded again after the changes.
    expect(after.hits - before.hits).toBeGreaterThan(50);
    expect(after.misses - before.misses).toBeGreaterThanOrEqual(8);
  });

  it('never answers with view counts older than a new conversation its sockets have been sent', async () => {
    const openCount = async () => {
      const response = await f.owner.get(`/api/v1/inboxes/${f.inboxId}/views`);
      expect(response.status).toBe(200);
      return (response.body as { id: string; count: number }[]).find((v) => v.id === 'open')!.count;
    };
    const initial = await openCount();
    const known = new Set<string>([conversationId]);
    const socket = await RealtimeClient.connect(f.stack.gatewayUrl, { token: f.owner.token });
    const before = await cacheCounts(f);
    const stop = readInALoop(openCount, 3);
    try {
      for (let round = 1; round <= 5; round++) {
        const email = buildEmail({ from: uniqueEmail('newcomer'), to: f.address, subject: `new ${round} ${randomInt(1e9)}`, text: 'a new question' });
        expect(await postEmail(f.stack.ingestUrl!, email.raw, [f.address])).toBe(202);
        const heard = await socket.next((frame) => frame.type === 'message.created' && !known.has(frame.conversationId), 30_000);
        known.add(heard.conversationId);
        // The first read after the socket heard of the new conversation already counts it.
        expect(await openCount()).toBe(initial + round);
      }
    } finally {
      await stop();
      await socket.close();
    }
    const after = await cacheCounts(f);
    expect(after.hits - before.hits).toBeGreaterThan(50);
    expect(after.misses - before.misses).toBeGreaterThanOrEqual(5);
  });

  it('shows a write made through the API in the next read, with no event in between', async () => {
    await listView(f.owner, f.inboxId, 'open');
    await listView(f.owner, f.inboxId, 'open');
    const contactId = (await listView(f.owner, f.inboxId, 'open')).find((c) => c.id === conversationId).contact.id;
    const name = `Renamed ${randomInt(1e9)}`;
    expect((await f.owner.patch(`/api/v1/contacts/${contactId}`, { name })).status).toBe(200);
    const item = (await listView(f.owner, f.inboxId, 'open')).find((c) => c.id === conversationId);
    expect(item.contact.name).toBe(name);
    expect((await f.owner.get(`/api/v1/conversations/${conversationId}`)).body.contact.name).toBe(name);
  });

  it('stops serving a reader the pages of an inbox they were removed from', async () => {
    const agent = await addAgent(f, 'agent');
    expect((await listView(agent.client, f.inboxId, 'open')).map((c) => c.id)).toContain(conversationId);
    expect((await listView(agent.client, f.inboxId, 'open')).map((c) => c.id)).toContain(conversationId);
    expect((await agent.client.get(`/api/v1/conversations/${conversationId}`)).status).toBe(200);
    expect((await f.owner.delete(`/api/v1/inboxes/${f.inboxId}/members/${agent.id}`)).status).toBe(204);
    expect((await agent.client.get(`/api/v1/inboxes/${f.inboxId}/conversations?view=open`)).status).toBe(403);
    expect((await agent.client.get(`/api/v1/conversations/${conversationId}`)).status).toBe(404);
  });

  it('keeps the "mine" view of one reader apart from that of another', async () => {
    const agent = await addAgent(f, 'agent');
    expect((await f.owner.patch(`/api/v1/conversations/${conversationId}`, { assigneeId: agent.id })).status).toBe(200);
    expect((await listView(agent.client, f.inboxId, 'mine')).map((c) => c.id)).toContain(conversationId);
    expect((await listView(f.owner, f.inboxId, 'mine')).map((c) => c.id)).not.toContain(conversationId);
    expect((await listView(agent.client, f.inboxId, 'mine')).map((c) => c.id)).toContain(conversationId);
  });
});
