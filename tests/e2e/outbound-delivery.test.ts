// Outbound email against a relay that refuses: a temporary refusal (4xx) is retried with backoff
// until it is accepted, once; a relay that keeps refusing marks the message failed with its
// reason after the last attempt; a permanent refusal (5xx) fails at once. Two conversation
// replicas share the queue and still deliver every message exactly once.
import { uniqueEmail } from '../support/api-client';
import { deliver, startInboxFixture, waitForInView, type InboxFixture } from '../support/inbox-fixture';
import { launchService, type LaunchedService } from '../support/services';
import { waitFor } from '@inbox/testkit';

jest.setTimeout(120_000);

const RETRY = { CONVERSATION_DELIVERY_MAX_ATTEMPTS: '3', CONVERSATION_DELIVERY_BACKOFF_MS: '100' };

describe('outbound email delivery', () => {
  let f: InboxFixture;
  let replica: LaunchedService;

  beforeAll(async () => {
    f = await startInboxFixture({}, [], { conversation: RETRY });
    // A second conversation service on the same database: two delivery workers share the queue.
    replica = await launchService('conversation', { ...RETRY, CONVERSATION_SMTP_URL: f.sink.url, CONVERSATION_DATABASE_URL: f.stack.services.conversation!.process.env.CONVERSATION_DATABASE_URL! });
    await replica.process.waitReady();
  });
  afterAll(async () => {
    if (replica?.process.running) await replica.process.stop();
    await f?.stop();
  });

  async function conversationWith(customer: string): Promise<string> {
    await deliver(f, { from: customer, to: f.address, subject: `Question from ${customer}`, text: 'Hello?' });
    return (await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === customer)).id;
  }
  const messageOf = async (conversationId: string, id: string) =>
    (await f.owner.get(`/api/v1/conversations/${conversationId}`)).body.messages.find((m: { id: string }) => m.id === id);
  const delivered = (to: string) => f.sink.messages.filter((m) => m.envelope.to.includes(to)).length;
  const refused = (to: string) => f.sink.refused.filter((r) => r.to.includes(to)).length;

  it('retries a temporary refusal and delivers once', async () => {
    const customer = uniqueEmail('retry');
    const conversationId = await conversationWith(customer);
    let refusals = 2;
    f.sink.refuse = (to) => (to.includes(customer) && refusals-- > 0 ? { code: 451, message: '4.3.0 Try again later' } : null);
    const reply = await f.owner.post(`/api/v1/conversations/${conversationId}/messages`, { text: 'Answer after a hiccup' });
    expect(reply.status).toBe(201);
    await waitFor('sent', async () => (await messageOf(conversationId, reply.body.id)).deliveryStatus === 'sent');
    expect(refused(customer)).toBe(2);
    expect(delivered(customer)).toBe(1);
  });

  it('marks the message failed with the relay’s reason after the last attempt, and stops trying', async () => {
    const customer = uniqueEmail('refused');
    const conversationId = await conversationWith(customer);
    f.sink.refuse = (to) => (to.includes(customer) ? { code: 452, message: '4.2.2 Mailbox full' } : null);
    const reply = await f.owner.post(`/api/v1/conversations/${conversationId}/messages`, { text: 'This will not arrive' });
    const failed = await waitFor('failed', async () => {
      const m = await messageOf(conversationId, reply.body.id);
      return m.deliveryStatus === 'failed' ? m : undefined;
    });
    expect(failed.deliveryError).toContain('Mailbox full');
    expect(refused(customer)).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(refused(customer)).toBe(3);
    expect(delivered(customer)).toBe(0);
  });

  it('fails at once on a permanent refusal', async () => {
    const customer = uniqueEmail('nouser');
    const conversationId = await conversationWith(customer);
    f.sink.refuse = (to) => (to.includes(customer) ? { code: 550, message: '5.1.1 No such user here' } : null);
    const reply = await f.owner.post(`/api/v1/conversations/${conversationId}/messages`, { text: 'Nobody home' });
    const failed = await waitFor('failed', async () => {
      const m = await messageOf(conversationId, reply.body.id);
      return m.deliveryStatus === 'failed' ? m : undefined;
    });
    expect(failed.deliveryError).toContain('No such user here');
    expect(refused(customer)).toBe(1);
  });

  it('delivers each of many replies exactly once with two workers sharing the queue', async () => {
    f.sink.refuse = () => null;
    const customer = uniqueEmail('many');
    const conversationId = await conversationWith(customer);
    const ids: string[] = [];
    for (let i = 0; i < 20; i += 1) ids.push((await f.owner.post(`/api/v1/conversations/${conversationId}/messages`, { text: `Part ${i}` })).body.id);
    await waitFor('all sent', async () => {
      const messages = (await f.owner.get(`/api/v1/conversations/${conversationId}`)).body.messages as { id: string; deliveryStatus: string }[];
      return ids.every((id) => messages.find((m) => m.id === id)?.deliveryStatus === 'sent');
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const texts = f.sink.messages.filter((m) => m.envelope.to.includes(customer)).map((m) => m.parsed.text?.trim());
    expect(texts.sort()).toEqual(ids.map((_, i) => `Part ${i}`).sort());
  });
});
