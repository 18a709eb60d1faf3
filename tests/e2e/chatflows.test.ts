// Chat bots end to end: a chat channel's chatflow greets each new chat with choices, asks its
// questions (the email joins the contact, other answers become contact properties), keeps the
// chat in the Bots view (not routed, not closable while the visitor is active), and its
// "send to team member" step hands the chat to routing, which assigns it. Bad flows are refused.
import { uniqueEmail } from '../support/api-client';
import { addAgent, listView, startInboxFixture, type InboxFixture } from '../support/inbox-fixture';
import { waitFor } from '@inbox/testkit';

jest.setTimeout(120_000);

const FLOW = {
  name: 'Front desk bot',
  steps: [
    { id: 'start', say: 'Hi! What is it about?', options: [{ label: 'Order status', next: 'order' }, { label: 'Something else', next: 'handoff' }] },
    { id: 'order', say: 'What is your order number?', ask: 'orderNumber', next: 'email' },
    { id: 'email', say: 'Which email should we answer to?', ask: 'email', next: 'handoff' },
    { id: 'handoff', say: 'Thanks! Connecting you with our team.', handoff: true },
  ],
};

describe('chatflows', () => {
  let f: InboxFixture;
  let channelId: string;
  let widgetId: string;
  let agent: Awaited<ReturnType<typeof addAgent>>;

  beforeAll(async () => {
    f = await startInboxFixture({}, ['routing']);
    const chat = (await f.owner.post(`/api/v1/inboxes/${f.inboxId}/channels`, { type: 'chat', name: 'Website chat' })).body;
    channelId = chat.id;
    widgetId = chat.widgetId;
    agent = await addAgent(f);
    await f.owner.post(`/api/v1/inboxes/${f.inboxId}/members`, { userId: agent.id });
    expect((await f.owner.put(`/api/v1/inboxes/${f.inboxId}/routing`, { mode: 'round_robin', userIds: [agent.id] })).status).toBe(200);
    expect((await agent.client.put('/api/v1/me/availability', { status: 'available' })).status).toBe(200);
  });
  afterAll(() => f.stop());

  const ingest = (path: string, body?: unknown, token?: string) =>
    fetch(`${f.stack.ingestUrl}/ingest/v1${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { 'x-visitor-token': token } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  async function visitor() {
    const { sessionId, visitorToken } = (await (await ingest(`/chat/${widgetId}/sessions`, { name: 'Bo Visitor' })).json()) as { sessionId: string; visitorToken: string };
    const say = async (text: string) => expect((await ingest(`/chat/sessions/${sessionId}/messages`, { text }, visitorToken)).status).toBe(202);
    const transcript = async () => ((await (await ingest(`/chat/sessions/${sessionId}/messages`, undefined, visitorToken)).json()) as { items: { from: string; text: string; options?: string[] }[] }).items;
    const botSaid = (text: string) => waitFor(`the bot to say "${text}"`, async () => (await transcript()).find((e) => e.from === 'agent' && e.text === text));
    return { say, transcript, botSaid };
  }

  it('is set by admins only, and refuses malformed flows', async () => {
    expect((await agent.client.put(`/api/v1/channels/${channelId}/chatflow`, FLOW)).status).toBe(403);
    const unknownStep = await f.owner.put(`/api/v1/channels/${channelId}/chatflow`, { name: 'x', steps: [{ id: 'a', say: 'hi', next: 'nowhere' }] });
    expect(unknownStep.status).toBe(400);
    expect(unknownStep.body.error.code).toBe('unknown_step');
    expect((await f.owner.put(`/api/v1/channels/${channelId}/chatflow`, { name: 'x', steps: [] })).status).toBe(400);
    expect((await f.owner.put(`/api/v1/channels/${channelId}/chatflow`, { name: 'x', steps: [{ id: 'a', say: 'hi', handoff: true, colour: 'red' }] })).status).toBe(400);
    const emailChannel = (await f.owner.get(`/api/v1/inboxes/${f.inboxId}/channels`)).body.items.find((c: { type: string }) => c.type === 'email');
    const notChat = await f.owner.put(`/api/v1/channels/${emailChannel.id}/chatflow`, FLOW);
    expect(notChat.status).toBe(409);
    expect(notChat.body.error.code).toBe('not_a_chat_channel');
    expect((await f.owner.get(`/api/v1/channels/${channelId}/chatflow`)).status).toBe(404);

    const saved = await f.owner.put(`/api/v1/channels/${channelId}/chatflow`, FLOW);
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ channelId, name: 'Front desk bot', enabled: true, steps: [{ id: 'start' }, { id: 'order', ask: 'orderNumber' }, { id: 'email' }, { id: 'handoff', handoff: true }] });
    expect((await agent.client.get(`/api/v1/channels/${channelId}/chatflow`)).body.id).toBe(saved.body.id);
  });

  it('greets, asks, keeps the answers and hands the chat to routing', async () => {
    const v = await visitor();
    await v.say('Hello, I have a question');
    const greeting = await v.botSaid('Hi! What is it about?');
    expect(greeting.options).toEqual(['Order status', 'Something else']);
    const conversation = await waitFor('the chat in Bots', async () => (await listView(f.owner, f.inboxId, 'bots')).find((c) => c.preview !== undefined && c.channel === 'chat'));
    expect(conversation.assignee).toBeNull();
    // While the visitor talks to the bot, the chat is neither routed nor closable.
    const close = await f.owner.patch(`/api/v1/conversations/${conversation.id}`, { status: 'closed' });
    expect(close.status).toBe(409);
    expect(close.body.error.code).toBe('bot_conversation_active');

    await v.say('something unclear');
    await v.botSaid('Please choose one of these:');
    await v.say('Order status');
    await v.botSaid('What is your order number?');
    await v.say('A-1001');
    await v.botSaid('Which email should we answer to?');
    await v.say('not an email');
    await v.botSaid('That does not look like an email address. Could you check it?');
    const email = uniqueEmail('bot');
    await v.say(email);
    await v.botSaid('Thanks! Connecting you with our team.');

    const assigned = await waitFor('routed to the agent', async () => {
      const detail = (await f.owner.get(`/api/v1/conversations/${conversation.id}`)).body;
      return detail.assignee?.id === agent.id ? detail : undefined;
    });
    expect(assigned.contact.email).toBe(email);
    expect((await f.owner.get(`/api/v1/contacts/${assigned.contact.id}`)).body.properties).toMatchObject({ orderNumber: 'A-1001' });
    expect((await listView(f.owner, f.inboxId, 'bots')).map((c) => c.id)).not.toContain(conversation.id);
    const botMessages = assigned.messages.filter((m: { direction: string; authorUserId: string | null }) => m.direction === 'outbound' && m.authorUserId === null);
    expect(botMessages[0]).toMatchObject({ from: { name: 'Front desk bot' }, text: 'Hi! What is it about?\n1. Order status\n2. Something else' });
    // After the hand-off the bot is silent: the visitor now talks to the agent.
    await v.say('Are you there?');
    await waitFor('the message stored', async () => (await f.owner.get(`/api/v1/conversations/${conversation.id}`)).body.messages.some((m: { text: string }) => m.text === 'Are you there?'));
    const after = (await v.transcript()).filter((e) => e.from === 'agent');
    expect(after[after.length - 1].text).toBe('Thanks! Connecting you with our team.');
    expect((await f.owner.patch(`/api/v1/conversations/${conversation.id}`, { status: 'closed' })).status).toBe(200);
  });

  it('hands over straight away on "Something else", and stops when a person takes the chat', async () => {
    const quick = await visitor();
    await quick.say('Hi');
    await quick.botSaid('Hi! What is it about?');
    await quick.say('2');
    await quick.botSaid('Thanks! Connecting you with our team.');

    const taken = await visitor();
    await taken.say('Hi there');
    await taken.botSaid('Hi! What is it about?');
    const chat = await waitFor('the new bot chat', async () => (await listView(f.owner, f.inboxId, 'bots'))[0]);
    expect((await f.owner.post(`/api/v1/conversations/${chat.id}/messages`, { text: 'Hi, I am a person. How can I help?' })).status).toBe(201);
    await taken.say('Order status');
    await waitFor('the message stored', async () => (await f.owner.get(`/api/v1/conversations/${chat.id}`)).body.messages.some((m: { text: string }) => m.text === 'Order status'));
    const said = (await taken.transcript()).filter((e) => e.from === 'agent').map((e) => e.text);
    expect(said).toEqual(['Hi! What is it about?', 'Hi, I am a person. How can I help?']);
  });
});
