// Service levels against the real services: an inbox's policy gives each conversation its
// current target and due time (first response, next response, resolution; a team's policy wins for
// its conversations), a person's reply moves it on (a bot's does not),
// resolution pauses while waiting on the customer, a policy change recomputes open conversations
// at once, and a breach notifies once (the admins, when nobody owns it) and fills the "SLA at risk"
// view. Time passing is simulated by moving a conversation's messages back in the database.
// Bad policies, agents and other accounts' inboxes change nothing.
import pg from 'pg';
import { signUp, uniqueEmail } from '../support/api-client';
import { addAgent, deliver, listView, startInboxFixture, viewCounts, waitForInView, type InboxFixture } from '../support/inbox-fixture';
import { RealtimeClient } from '../support/realtime';
import { databaseUrl } from '@inbox/testkit';
import { waitFor } from '@inbox/testkit';

jest.setTimeout(120_000);

const MINUTE = 60_000;

describe('service levels', () => {
  let f: InboxFixture;
  let db: pg.Client;

  beforeAll(async () => {
    f = await startInboxFixture({}, ['notification'], { conversation: { CONVERSATION_SLA_BREACH_CHECK_MS: '200' } });
    db = new pg.Client({ connectionString: databaseUrl('inbox_test_conversation') });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await f?.stop();
  });

  const item = async (id: string) => (await listView(f.owner, f.inboxId, 'open')).find((c) => c.id === id) ?? (await f.owner.get(`/api/v1/conversations/${id}`)).body;
  const slaOf = async (id: string) => (await f.owner.get(`/api/v1/conversations/${id}`)).body.sla;
  async function newConversation(subject: string) {
    const customer = uniqueEmail('sla');
    await deliver(f, { from: customer, to: f.address, subject, text: 'Please help' });
    const conversation = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.subject === subject);
    return { id: conversation.id as string, customer };
  }
  /** As if the conversation's messages had arrived `minutes` earlier. */
  async function age(conversationId: string, minutes: number) {
    await db.query(`UPDATE messages SET created_at = created_at - make_interval(mins => $2) WHERE conversation_id = $1`, [conversationId, minutes]);
    await db.query(`UPDATE conversations SET created_at = created_at - make_interval(mins => $2) WHERE id = $1`, [conversationId, minutes]);
  }

  it('refuses bad policies, agents and other accounts, changing nothing', async () => {
    const agent = await addAgent(f);
    const intruder = await signUp(f.anonymous);
    const path = `/api/v1/inboxes/${f.inboxId}/sla`;
    const cases: [typeof f.owner, unknown, number, string][] = [
      [f.owner, {}, 400, 'invalid_sla_target'],
      [f.owner, { firstResponseMinutes: 0 }, 400, 'validation_failed'],
      [f.owner, { firstResponseMinutes: 1.5 }, 400, 'validation_failed'],
      [f.owner, { firstResponseMinutes: '60' }, 400, 'validation_failed'],
      [f.owner, { firstResponseMinutes: 60, businessHours: { timeZone: 'Mars/Base', periods: [{ day: 1, start: '08:00', end: '16:00' }] } }, 400, 'invalid_time_zone'],
      [f.owner, { firstResponseMinutes: 60, businessHours: { timeZone: 'Europe/Oslo', periods: [] } }, 400, 'invalid_period'],
      [f.owner, { firstResponseMinutes: 60, escalateTo: 'boss' }, 400, 'validation_failed'],
      [agent.client, { firstResponseMinutes: 60 }, 403, 'forbidden'],
      [intruder.client, { firstResponseMinutes: 60 }, 404, 'inbox_not_found'],
    ];
    for (const [client, body, status, code] of cases) {
      const response = await client.put(path, body);
      expect({ body, status: response.status, code: response.body.error?.code }).toEqual({ body, status, code });
    }
    expect((await f.owner.put('/api/v1/inboxes/inb_nope/sla', { firstResponseMinutes: 60 })).status).toBe(404);
    expect((await f.owner.get(path)).body).toBeNull();
    expect((await agent.client.get(path)).status).toBe(200);
    expect((await intruder.client.get(path)).status).toBe(404);
  });

  it('gives each conversation its target: first response, then resolution, and the next response when the customer writes again', async () => {
    const policy = { firstResponseMinutes: 60, nextResponseMinutes: 30, resolutionMinutes: 480, businessHours: null, pauseWhileWaitingOnCustomer: false };
    expect((await f.owner.put(`/api/v1/inboxes/${f.inboxId}/sla`, policy)).body).toEqual(policy);
    const { id, customer } = await newConversation('Where is my parcel?');
    const first = await waitFor('a first-response target', async () => ((await slaOf(id))?.target === 'first_response' ? slaOf(id) : undefined));
    const received = new Date((await f.owner.get(`/api/v1/conversations/${id}`)).body.messages[0].createdAt).getTime();
    expect(new Date(first.dueAt).getTime() - received).toBe(60 * MINUTE);
    expect(new Date(first.atRiskAt).getTime() - received).toBe(45 * MINUTE);
    expect((await item(id)).sla).toEqual(first);

    await f.owner.post(`/api/v1/conversations/${id}/messages`, { text: 'It ships today.' });
    const resolution = await waitFor('the resolution target', async () => ((await slaOf(id))?.target === 'resolution' ? slaOf(id) : undefined));
    expect(new Date(resolution.dueAt).getTime() - received).toBe(480 * MINUTE);

    await deliver(f, { from: customer, to: f.address, subject: 'Re: Where is my parcel?', text: 'Still nothing' });
    const next = await waitFor('a next-response target', async () => ((await slaOf(id))?.target === 'next_response' ? slaOf(id) : undefined));
    const again = new Date((await f.owner.get(`/api/v1/conversations/${id}`)).body.messages.at(-1).createdAt).getTime();
    expect(new Date(next.dueAt).getTime() - again).toBe(30 * MINUTE);

    await f.owner.patch(`/api/v1/conversations/${id}`, { status: 'closed' });
    await waitFor('no target once closed', async () => (await slaOf(id)) === null);
  });

  it('pauses resolution while waiting on the customer, and recomputes open conversations when the policy changes', async () => {
    await f.owner.put(`/api/v1/inboxes/${f.inboxId}/sla`, { resolutionMinutes: 120, pauseWhileWaitingOnCustomer: true });
    const { id, customer } = await newConversation('Refund please');
    await waitFor('a resolution target', async () => (await slaOf(id))?.target === 'resolution');
    await f.owner.post(`/api/v1/conversations/${id}/messages`, { text: 'Which order?' });
    expect(await waitFor('paused', async () => ((await slaOf(id))?.paused ? slaOf(id) : undefined))).toEqual({ target: 'resolution', dueAt: null, atRiskAt: null, paused: true });
    await deliver(f, { from: customer, to: f.address, subject: 'Re: Refund please', text: 'Order 42' });
    const resumed = await waitFor('resumed', async () => ((await slaOf(id))?.dueAt ? slaOf(id) : undefined));
    expect(resumed.paused).toBe(false);

    // A new policy applies before PUT answers.
    await f.owner.put(`/api/v1/inboxes/${f.inboxId}/sla`, { firstResponseMinutes: 5, nextResponseMinutes: 5 });
    expect((await slaOf(id)).target).toBe('next_response');
    expect((await f.owner.delete(`/api/v1/inboxes/${f.inboxId}/sla`)).status).toBe(204);
    expect(await slaOf(id)).toBeNull();
  });

  it("counts only people's replies as responses: a chat bot's greeting leaves the first response running", async () => {
    await f.owner.put(`/api/v1/inboxes/${f.inboxId}/sla`, { firstResponseMinutes: 30 });
    const chat = (await f.owner.post(`/api/v1/inboxes/${f.inboxId}/channels`, { type: 'chat', name: 'Website chat' })).body;
    expect((await f.owner.put(`/api/v1/channels/${chat.id}/chatflow`, { name: 'Greeter', steps: [{ id: 'hello', say: 'Hi! A person will be with you shortly.', handoff: true }] })).status).toBe(200);
    const ingest = (path: string, body: unknown, token?: string) =>
      fetch(`${f.stack.ingestUrl}/ingest/v1${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { 'x-visitor-token': token } : {}) }, body: JSON.stringify(body) });
    const { sessionId, visitorToken } = (await (await ingest(`/chat/${chat.widgetId}/sessions`, { name: 'Sla Visitor' })).json()) as { sessionId: string; visitorToken: string };
    expect((await ingest(`/chat/sessions/${sessionId}/messages`, { text: 'Is anyone there?' }, visitorToken)).status).toBe(202);
    const conversation = await waitForInView(f.owner, f.inboxId, 'chat', (c) => c.contact?.name === 'Sla Visitor');
    const detail = await waitFor('the bot greeting', async () => {
      const d = (await f.owner.get(`/api/v1/conversations/${conversation.id}`)).body;
      return d.messages.some((m: { direction: string }) => m.direction === 'outbound') ? d : undefined;
    });
    expect(detail.messages.find((m: { direction: string }) => m.direction === 'outbound').text).toContain('A person will be with you shortly.');
    await waitFor('a first-response target', async () => (await slaOf(conversation.id))?.target === 'first_response');
    // An agent's reply is a response.
    await f.owner.post(`/api/v1/conversations/${conversation.id}/messages`, { text: 'Hello, I am here.' });
    await waitFor('no target once answered', async () => (await slaOf(conversation.id)) === null);
    await f.owner.delete(`/api/v1/inboxes/${f.inboxId}/sla`);
  });

  it("follows the team's policy for the team's conversations, instead of the inbox's", async () => {
    await f.owner.put(`/api/v1/inboxes/${f.inboxId}/sla`, { firstResponseMinutes: 60 });
    const team = (await f.owner.post('/api/v1/teams', { name: `VIP ${Date.now()}`, userIds: [f.ownerId] })).body;
    const { id } = await newConversation('VIP customer');
    await waitFor('the inbox target', async () => (await slaOf(id))?.target === 'first_response');
    const received = new Date((await f.owner.get(`/api/v1/conversations/${id}`)).body.messages[0].createdAt).getTime();
    const dueAfter = async () => new Date((await slaOf(id)).dueAt).getTime() - received;
    expect(await dueAfter()).toBe(60 * MINUTE);

    expect((await f.owner.put(`/api/v1/teams/${team.id}/sla`, { firstResponseMinutes: 15 })).status).toBe(200);
    expect(await dueAfter()).toBe(60 * MINUTE);
    await f.owner.patch(`/api/v1/conversations/${id}`, { teamId: team.id });
    await waitFor("the team's target", async () => (await dueAfter()) === 15 * MINUTE);
    // A change of the team's policy reaches its conversations before PUT answers.
    await f.owner.put(`/api/v1/teams/${team.id}/sla`, { firstResponseMinutes: 10 });
    expect(await dueAfter()).toBe(10 * MINUTE);
    expect((await f.owner.get(`/api/v1/teams/${team.id}/sla`)).body.firstResponseMinutes).toBe(10);

    const agent = await addAgent(f);
    const intruder = await signUp(f.anonymous);
    expect((await agent.client.put(`/api/v1/teams/${team.id}/sla`, { firstResponseMinutes: 1 })).status).toBe(403);
    expect((await intruder.client.put(`/api/v1/teams/${team.id}/sla`, { firstResponseMinutes: 1 })).body.error.code).toBe('team_not_found');
    expect((await f.owner.put('/api/v1/teams/tea_nope/sla', { firstResponseMinutes: 1 })).body.error.code).toBe('team_not_found');
    expect((await f.owner.put(`/api/v1/teams/${team.id}/sla`, { firstResponseMinutes: -5 })).status).toBe(400);
    expect(await dueAfter()).toBe(10 * MINUTE);

    // Without the team's policy, the inbox's applies again.
    expect((await f.owner.delete(`/api/v1/teams/${team.id}/sla`)).status).toBe(204);
    expect(await dueAfter()).toBe(60 * MINUTE);
    await f.owner.delete(`/api/v1/inboxes/${f.inboxId}/sla`);
  });

  it('notifies a breach once, live, to the admins while nobody owns the conversation, and lists it as at risk', async () => {
    await f.owner.put(`/api/v1/inboxes/${f.inboxId}/sla`, { firstResponseMinutes: 60 });
    const { id } = await newConversation('Urgent: site down');
    await waitFor('a first-response target', async () => (await slaOf(id))?.target === 'first_response');
    expect((await listView(f.owner, f.inboxId, 'sla')).some((c) => c.id === id)).toBe(false);
    const socket = await RealtimeClient.connect(f.stack.gatewayUrl, { token: f.owner.token });
    try {
      // 50 minutes later it is at risk (past 75%), not yet breached.
      await age(id, 50);
      await f.owner.put(`/api/v1/inboxes/${f.inboxId}/sla`, { firstResponseMinutes: 60 });
      expect((await listView(f.owner, f.inboxId, 'sla')).map((c) => c.id)).toContain(id);
      expect((await viewCounts(f.owner, f.inboxId)).sla).toBeGreaterThanOrEqual(1);
      await new Promise((r) => setTimeout(r, 600));
      const ofThis = async () => (await f.owner.get('/api/v1/notifications')).body.items.filter((n: { conversationId: string; kind: string }) => n.conversationId === id && n.kind === 'sla_breached');
      expect(await ofThis()).toHaveLength(0);

      // 20 minutes more and it is breached: one notification, however often the watch runs.
      await age(id, 20);
      await f.owner.put(`/api/v1/inboxes/${f.inboxId}/sla`, { firstResponseMinutes: 60 });
      await waitFor('the breach notification', async () => (await ofThis()).length === 1);
      await socket.next((frame) => frame.type === 'notification.created' && frame.conversationId === id && frame.kind === 'sla_breached');
      await socket.next((frame) => frame.type === 'conversation.updated' && frame.change === 'sla' && frame.conversationId === id);
      await new Promise((r) => setTimeout(r, 1000));
      expect(await ofThis()).toHaveLength(1);
    } finally {
      await socket.close();
      await f.owner.delete(`/api/v1/inboxes/${f.inboxId}/sla`);
    }
  });
});
