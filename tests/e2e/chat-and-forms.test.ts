// Live chat and support forms end to end: the visitor's API and WebSocket at ingest, the
// conversation in the inbox, the agent's reply back on the visitor's socket, switching a chat to
// email, and bad input at the edge.
import WebSocket from 'ws';
import { uniqueEmail } from '../support/api-client';
import { deliver, listView, startInboxFixture, waitForInView, type InboxFixture } from '../support/inbox-fixture';
import { RealtimeClient, type Frame } from '../support/realtime';
import { waitFor } from '@inbox/testkit';

describe('live chat and support forms', () => {
  let f: InboxFixture;
  let widgetId: string;
  let formId: string;

  beforeAll(async () => {
    f = await startInboxFixture();
    widgetId = (await f.owner.post(`/api/v1/inboxes/${f.inboxId}/channels`, { type: 'chat', name: 'Website chat' })).body.widgetId;
    formId = (
      await f.owner.post(`/api/v1/inboxes/${f.inboxId}/channels`, {
        type: 'form',
        name: 'Contact form',
        fields: [
          { name: 'email', required: true },
          { name: 'name', required: false },
          { name: 'message', required: true },
          { name: 'orderNumber', required: false },
        ],
      })
    ).body.formId;
  });

  afterAll(() => f.stop());

  const ingest = (path: string, init: RequestInit = {}) => fetch(`${f.stack.ingestUrl}/ingest/v1${path}`, init);
  const postJson = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    ingest(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  function openSocket(token: string): Promise<{ ws: WebSocket; frames: any[] }> {
    return new Promise((resolve, reject) => {
      const frames: any[] = [];
      const ws = new WebSocket(`${f.stack.ingestUrl!.replace('http', 'ws')}/ingest/v1/chat/ws?visitorToken=${encodeURIComponent(token)}`);
      ws.on('message', (data) => frames.push(JSON.parse(String(data))));
      ws.once('open', () => resolve({ ws, frames }));
      ws.once('error', reject);
    });
  }

  it('turns a chat into a conversation, delivers the agent reply to the visitor live, and keeps the transcript', async () => {
    const email = uniqueEmail('visitor');
    const started = await postJson(`/chat/${widgetId}/sessions`, { name: 'Vera Visitor', email });
    expect(started.status).toBe(201);
    const { sessionId, visitorToken } = (await started.json()) as { sessionId: string; visitorToken: string };
    const { ws, frames } = await openSocket(visitorToken);
    await waitFor('hello frame', async () => frames.find((x) => x.type === 'hello'));

    const sent = await postJson(`/chat/sessions/${sessionId}/messages`, { text: 'Hi, is the store open on Sunday?', clientMessageId: 'm1' }, { 'x-visitor-token': visitorToken });
    expect(sent.status).toBe(202);
    const again = await postJson(`/chat/sessions/${sessionId}/messages`, { text: 'Hi, is the store open on Sunday?', clientMessageId: 'm1' }, { 'x-visitor-token': visitorToken });
    expect(((await again.json()) as { duplicate: boolean }).duplicate).toBe(true);
    await postJson(`/chat/sessions/${sessionId}/messages`, { text: 'And on Monday?' }, { 'x-visitor-token': visitorToken });

    const conversation = await waitForInView(f.owner, f.inboxId, 'chat', (c) => c.contact?.email === email);
    expect(conversation).toMatchObject({ channel: 'chat', contact: { name: 'Vera Visitor' } });
    await waitFor('both messages threaded into one conversation', async () => (await f.owner.get(`/api/v1/conversations/${conversation.id}`)).body.messages.length === 2);

    const reply = await f.owner.post(`/api/v1/conversations/${conversation.id}/messages`, { text: 'Yes, 10 to 16 on Sundays.' });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ channel: 'chat', direction: 'outbound' });
    const live = await waitFor('agent reply on the socket', async () => frames.find((x) => x.type === 'message' && x.message.from === 'agent'));
    expect(live.message).toMatchObject({ text: 'Yes, 10 to 16 on Sundays.', authorName: 'Owner' });
    ws.close();

    const history = await ingest(`/chat/sessions/${sessionId}/messages`, { headers: { 'x-visitor-token': visitorToken } });
    const items = ((await history.json()) as { items: { from: string; text: string }[] }).items;
    expect(items.map((i) => i.from)).toEqual(['visitor', 'visitor', 'agent']);

    // Switch channel: answer the chat by email instead.
    const byEmail = await f.owner.post(`/api/v1/conversations/${conversation.id}/messages`, { text: 'Here is our full schedule.', channel: 'email' });
    expect(byEmail.status).toBe(201);
    expect(byEmail.body.channel).toBe('email');
    const mailed = await waitFor('email at the relay', async () => f.sink.messages.find((m) => m.envelope.to.includes(email)));
    // The conversation continues on email, and the visitor's emailed answer threads into it, but it
    // stays a chat: in the Chat view, with its transcript.
    expect((await f.owner.get(`/api/v1/conversations/${conversation.id}`)).body).toMatchObject({ channel: 'chat', replyChannel: 'email' });
    const sentId = /<([^>]+)>/.exec(mailed.parsed.messageId ?? '')![1];
    await deliver(f, { from: email, to: f.address, subject: `Re: ${mailed.parsed.subject}`, text: 'Thanks for the schedule!', inReplyTo: sentId, references: [sentId] });
    await waitFor('the answer threaded', async () => (await f.owner.get(`/api/v1/conversations/${conversation.id}`)).body.messages.some((m: { text: string }) => m.text.includes('Thanks for the schedule!')));
    expect((await listView(f.owner, f.inboxId, 'chat')).map((c) => c.id)).toContain(conversation.id);
    expect((await listView(f.owner, f.inboxId, 'email')).map((c) => c.id)).not.toContain(conversation.id);
    // A reply without a channel goes by email now.
    const next = await f.owner.post(`/api/v1/conversations/${conversation.id}/messages`, { text: 'One more thing by email.' });
    expect(next.body.channel).toBe('email');
    // Closing it sends the chat's transcript, as for any chat.
    expect((await f.owner.patch(`/api/v1/conversations/${conversation.id}`, { status: 'closed' })).status).toBe(200);
    const transcript = await waitFor('the transcript on close', async () => f.sink.messages.find((m) => m.envelope.to.includes(email) && String(m.parsed.subject).startsWith('Transcript of your chat')));
    expect(String(transcript.parsed.text)).toContain('Hi, is the store open on Sunday?');
    expect((await f.owner.post(`/api/v1/conversations/${conversation.id}/transcript`, {})).status).toBe(201);
  });

  it('shows the visitor typing to the agents, and an agent typing to the visitor', async () => {
    const { sessionId, visitorToken } = (await (await postJson(`/chat/${widgetId}/sessions`, { name: 'Tina Typist' })).json()) as { sessionId: string; visitorToken: string };
    await postJson(`/chat/sessions/${sessionId}/messages`, { text: 'Typing test' }, { 'x-visitor-token': visitorToken });
    const conversation = await waitForInView(f.owner, f.inboxId, 'chat', (c) => c.preview === 'Typing test');
    const { ws, frames } = await openSocket(visitorToken);
    await waitFor('hello frame', async () => frames.find((x) => x.type === 'hello'));
    const agent = await RealtimeClient.connect(f.stack.gatewayUrl, { token: f.owner.token });
    agent.send({ type: 'presence', conversationId: conversation.id, activity: 'viewing' });

    const visitorTyping = (typing: boolean) => (fr: Frame) =>
      fr.type === 'presence' && fr.conversationId === conversation.id && fr.users.some((u: { name: string; activity: string }) => u.name === 'Tina Typist' && u.activity === 'typing') === typing;
    ws.send(JSON.stringify({ type: 'typing', typing: true }));
    await agent.next(visitorTyping(true), 5000);
    ws.send(JSON.stringify({ type: 'typing', typing: false }));
    await agent.next((fr) => visitorTyping(false)(fr) && agent.frames.indexOf(fr) > agent.frames.findIndex(visitorTyping(true)), 5000);

    agent.send({ type: 'presence', conversationId: conversation.id, activity: 'typing' });
    const typing = await waitFor('the agent typing at the visitor', async () => frames.find((x) => x.type === 'typing' && x.typing === true));
    expect(typing.name).toBe('Owner');
    agent.send({ type: 'presence', conversationId: conversation.id, activity: 'viewing' });
    await waitFor('the agent stopped typing', async () => frames.find((x) => x.type === 'typing' && x.typing === false));
    ws.send('not json');
    ws.send(JSON.stringify({ type: 'typing', typing: 'yes' }));
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
    await agent.close();
  });

  it('refuses bad chat input at the edge', async () => {
    expect((await postJson('/chat/wgt_unknown/sessions', {})).status).toBe(404);
    expect((await postJson(`/chat/${widgetId}/sessions`, { email: 'nope' })).status).toBe(400);
    expect((await postJson(`/chat/${widgetId}/sessions`, { name: 'x', admin: true })).status).toBe(400);
    const { sessionId, visitorToken } = (await (await postJson(`/chat/${widgetId}/sessions`, {})).json()) as { sessionId: string; visitorToken: string };
    const other = (await (await postJson(`/chat/${widgetId}/sessions`, {})).json()) as { sessionId: string; visitorToken: string };
    expect((await postJson(`/chat/sessions/${sessionId}/messages`, { text: 'hi' })).status).toBe(401);
    expect((await postJson(`/chat/sessions/${sessionId}/messages`, { text: 'hi' }, { 'x-visitor-token': other.visitorToken })).status).toBe(401);
    expect((await postJson(`/chat/sessions/${sessionId}/messages`, { text: 'hi' }, { 'x-visitor-token': `${sessionId}.wrong` })).status).toBe(401);
    expect((await postJson(`/chat/sessions/${sessionId}/messages`, { text: '' }, { 'x-visitor-token': visitorToken })).status).toBe(400);
    expect((await postJson(`/chat/sessions/${sessionId}/messages`, { text: 'x'.repeat(10_001) }, { 'x-visitor-token': visitorToken })).status).toBe(400);
    const malformed = await ingest(`/chat/sessions/${sessionId}/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-visitor-token': visitorToken }, body: '{"text":' });
    expect(malformed.status).toBe(400);
    await expect(openSocket('cs_bad.token')).rejects.toThrow(/401/);
    // Nothing of that reached the inbox.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await f.owner.get(`/api/v1/inboxes/${f.inboxId}/views`)).status).toBe(200);
  });

  it('hides a blocked chat visitor\'s new messages from the inbox while the widget keeps working', async () => {
    const { sessionId, visitorToken } = (await (await postJson(`/chat/${widgetId}/sessions`, { name: 'Troll' })).json()) as { sessionId: string; visitorToken: string };
    await postJson(`/chat/sessions/${sessionId}/messages`, { text: 'spam spam' }, { 'x-visitor-token': visitorToken });
    const conversation = await waitForInView(f.owner, f.inboxId, 'chat', (c) => c.contact?.name === 'Troll');
    await f.owner.post(`/api/v1/conversations/${conversation.id}/block-sender`);
    const after = await postJson(`/chat/sessions/${sessionId}/messages`, { text: 'more spam' }, { 'x-visitor-token': visitorToken });
    expect(after.status).toBe(202);
    await waitFor('stored', async () => (await f.owner.get(`/api/v1/conversations/${conversation.id}`)).body.messages.length === 2);
    expect((await listView(f.owner, f.inboxId, 'chat')).map((c) => c.id)).not.toContain(conversation.id);
    expect((await listView(f.owner, f.inboxId, 'spam')).map((c) => c.id)).toContain(conversation.id);
  });

  it('stores a JSON form submission as a new conversation with structured fields, once per Idempotency-Key', async () => {
    const email = uniqueEmail('former');
    const body = { email, name: 'Fred Former', message: 'My parcel is damaged', orderNumber: 1234 };
    const first = await postJson(`/forms/${formId}`, body, { 'idempotency-key': `submit-${email}` });
    expect(first.status).toBe(202);
    const again = await postJson(`/forms/${formId}`, body, { 'idempotency-key': `submit-${email}` });
    expect(((await again.json()) as { duplicate: boolean }).duplicate).toBe(true);
    const conversation = await waitForInView(f.owner, f.inboxId, 'forms', (c) => c.contact?.email === email);
    expect(conversation).toMatchObject({ channel: 'form', subject: 'Contact form', preview: 'My parcel is damaged', contact: { name: 'Fred Former' } });
    const message = (await f.owner.get(`/api/v1/conversations/${conversation.id}`)).body.messages[0];
    expect(message.fields).toEqual({ email, name: 'Fred Former', message: 'My parcel is damaged', orderNumber: '1234' });
    // A second submission from the same person is a conversation of its own.
    await postJson(`/forms/${formId}`, { ...body, message: 'Another issue' });
    await waitFor('second form conversation', async () => (await listView(f.owner, f.inboxId, 'forms')).filter((c) => c.contact?.email === email).length === 2);
  });

  it('accepts url-encoded forms and refuses bad submissions with the fields named', async () => {
    const email = uniqueEmail('urlenc');
    const encoded = await ingest(`/forms/${formId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email, message: 'Sent from an HTML form' }).toString(),
    });
    expect(encoded.status).toBe(202);
    await waitForInView(f.owner, f.inboxId, 'forms', (c) => c.contact?.email === email);

    const missing = await postJson(`/forms/${formId}`, { email: uniqueEmail() });
    expect(missing.status).toBe(422);
    expect(((await missing.json()) as any).error).toMatchObject({ code: 'missing_fields', details: { fields: ['message'] } });
    const unknown = await postJson(`/forms/${formId}`, { email: uniqueEmail(), message: 'x', creditCard: '4111' });
    expect(((await unknown.json()) as any).error).toMatchObject({ code: 'unknown_fields', details: { fields: ['creditCard'] } });
    expect((await postJson(`/forms/${formId}`, { email: 'not-an-email', message: 'x' })).status).toBe(422);
    expect((await postJson(`/forms/${formId}`, { email: uniqueEmail(), message: { nested: true } })).status).toBe(400);
    expect((await postJson(`/forms/${formId}`, [1, 2])).status).toBe(400);
    expect((await postJson('/forms/frm_unknown', { message: 'x' })).status).toBe(404);
    expect((await ingest(`/forms/${formId}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' })).status).toBe(415);
    expect((await postJson(`/forms/${formId}`, { email: uniqueEmail(), message: 'x' }, { 'idempotency-key': 'bad key with spaces' })).status).toBe(400);
  });

  it('opens a ticket per submission, sends honeypot-filled submissions to Spam, and limits a client’s rate', async () => {
    const created = await f.owner.post(`/api/v1/inboxes/${f.inboxId}/channels`, {
      type: 'form',
      name: 'Warranty claims',
      fields: [{ name: 'email', required: true }, { name: 'message', required: true }],
      honeypotField: 'website',
      createTicket: true,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ honeypotField: 'website', createTicket: true });
    const warranty = created.body.formId as string;
    const customer = uniqueEmail('warranty');
    expect((await postJson(`/forms/${warranty}`, { email: customer, message: 'My kettle broke', website: '' })).status).toBe(202);
    const claim = await waitForInView(f.owner, f.inboxId, 'forms', (c) => c.contact?.email === customer);
    const tickets = (await f.owner.get(`/api/v1/conversations/${claim.id}/tickets`)).body.items;
    expect(tickets).toMatchObject([{ status: 'open', title: 'Warranty claims' }]);
    expect((await f.owner.get(`/api/v1/conversations/${claim.id}`)).body.messages[0].fields).toEqual({ email: customer, message: 'My kettle broke' });

    const bot = uniqueEmail('bot');
    const trap = await postJson(`/forms/${warranty}`, { email: bot, message: 'Cheap watches', website: 'http://spam.example' });
    expect(trap.status).toBe(202);
    const spam = await waitForInView(f.owner, f.inboxId, 'spam', (c) => c.contact?.email === bot);
    expect((await f.owner.get(`/api/v1/conversations/${spam.id}`)).body).toMatchObject({ filtered: true, filteredReason: 'honeypot' });
    expect((await f.owner.get(`/api/v1/conversations/${spam.id}/tickets`)).body.items).toEqual([]);

    const clash = await f.owner.post(`/api/v1/inboxes/${f.inboxId}/channels`, { type: 'form', name: 'Clash', fields: [{ name: 'email', required: true }], honeypotField: 'email' });
    expect(clash.status).toBe(400);
    expect(clash.body.error.code).toBe('invalid_honeypot_field');

    // 30 a minute per form and client (INGEST_FORM_RATE_LIMIT); the flood's excess is refused with Retry-After.
    const flood = (await f.owner.post(`/api/v1/inboxes/${f.inboxId}/channels`, { type: 'form', name: 'Flooded', fields: [] })).body.formId as string;
    // The limit counts per minute: a flood that straddles a minute boundary would start over.
    if (Date.now() % 60_000 > 50_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - (Date.now() % 60_000) + 100));
    const statuses: number[] = [];
    for (let i = 0; i < 32; i += 1) statuses.push((await postJson(`/forms/${flood}`, { message: `flood ${i}` }, { 'idempotency-key': `flood-${i}` })).status);
    expect(statuses.filter((status) => status === 202).length).toBeGreaterThanOrEqual(30);
    const limited = await postJson(`/forms/${flood}`, { message: 'one more' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
  });
});
