// Email out, beyond replies: chat transcripts (sent when a chat closes and on demand, once per
// new content), forwarding a conversation or one message with its attachments to an outside
// address (hidden messages never leave), and files attached to email replies through uploads.
import { addAgent, deliver, startInboxFixture, waitForInView, type InboxFixture } from '../support/inbox-fixture';
import { uniqueEmail } from '../support/api-client';
import { waitFor } from '@inbox/testkit';

jest.setTimeout(120_000);

describe('transcripts, forwarding and attachments on replies', () => {
  let f: InboxFixture;
  let widgetId: string;

  beforeAll(async () => {
    f = await startInboxFixture();
    widgetId = (await f.owner.post(`/api/v1/inboxes/${f.inboxId}/channels`, { type: 'chat', name: 'Website chat' })).body.widgetId;
  });
  afterAll(() => f.stop());

  const ingest = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${f.stack.ingestUrl}/ingest/v1${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  async function chat(email: string | undefined, text: string): Promise<any> {
    const session = (await (await ingest(`/chat/${widgetId}/sessions`, email ? { name: 'Chatty', email } : {})).json()) as { sessionId: string; visitorToken: string };
    expect((await ingest(`/chat/sessions/${session.sessionId}/messages`, { text }, { 'x-visitor-token': session.visitorToken })).status).toBe(202);
    return waitForInView(f.owner, f.inboxId, 'chat', (c) => c.preview === text);
  }
  const mailTo = (address: string) => f.sink.messages.filter((m) => m.envelope.to.includes(address));
  const upload = (name: string, bytes: Buffer, client = f.owner) =>
    client.request('POST', `/api/v1/uploads?filename=${encodeURIComponent(name)}&contentType=text/plain`, new Uint8Array(bytes), { 'content-type': 'application/octet-stream' });

  it('emails the transcript when a chat closes, once per new content, and on demand', async () => {
    const visitor = uniqueEmail('transcript');
    const conversation = await chat(visitor, 'Is the store open on Sunday?');
    expect((await f.owner.post(`/api/v1/conversations/${conversation.id}/messages`, { text: 'Yes, from 12 to 16.' })).status).toBe(201);
    expect((await f.owner.patch(`/api/v1/conversations/${conversation.id}`, { status: 'closed' })).status).toBe(200);
    const [mail] = await waitFor('the transcript', async () => (mailTo(visitor).length === 1 ? mailTo(visitor) : undefined));
    expect(mail.parsed.subject).toBe('Transcript of your chat with Support');
    expect(mail.parsed.text).toMatch(/Chatty: Is the store open on Sunday\?/);
    expect(mail.parsed.text).toMatch(/: Yes, from 12 to 16\./);
    const detail = (await f.owner.get(`/api/v1/conversations/${conversation.id}`)).body;
    const recorded = detail.messages.find((m: { fields: Record<string, string> }) => m.fields.kind === 'transcript');
    expect(recorded).toMatchObject({ channel: 'email', direction: 'outbound', to: [{ address: visitor }] });

    // Reopened and closed again with nothing new said: no second transcript.
    expect((await f.owner.patch(`/api/v1/conversations/${conversation.id}`, { status: 'open' })).status).toBe(200);
    expect((await f.owner.post('/api/v1/conversations/bulk', { ids: [conversation.id], action: 'close' })).status).toBe(200);
    const other = uniqueEmail('colleague');
    const onDemand = await f.owner.post(`/api/v1/conversations/${conversation.id}/transcript`, { to: other });
    expect(onDemand.status).toBe(201);
    await waitFor('the transcript on demand', async () => mailTo(other).length === 1);
    expect(mailTo(visitor)).toHaveLength(1);
  });

  it('refuses transcripts it cannot send, changing nothing', async () => {
    const anonymous = await chat(undefined, 'No address from me');
    const noAddress = await f.owner.post(`/api/v1/conversations/${anonymous.id}/transcript`, {});
    expect(noAddress.status).toBe(409);
    expect(noAddress.body.error.code).toBe('no_contact_email');
    expect((await f.owner.post(`/api/v1/conversations/${anonymous.id}/transcript`, { to: 'not an address' })).status).toBe(400);
    expect((await f.owner.patch(`/api/v1/conversations/${anonymous.id}`, { status: 'closed' })).status).toBe(200);
    const { messageId } = await deliver(f, { from: uniqueEmail('mailer'), to: f.address, subject: 'Plain email', text: 'An email' });
    const email = await waitForInView(f.owner, f.inboxId, 'email', (c) => c.subject === 'Plain email');
    const notChat = await f.owner.post(`/api/v1/conversations/${email.id}/transcript`, {});
    expect(notChat.status).toBe(409);
    expect(notChat.body.error.code).toBe('not_a_chat');
    expect(messageId).toBeTruthy();
    expect((await f.owner.get(`/api/v1/conversations/${anonymous.id}`)).body.messages).toHaveLength(1);
  });

  it('sends an uploaded file with a reply, and forwards the conversation with it, never a hidden message', async () => {
    const customer = uniqueEmail('forward');
    await deliver(f, { from: customer, to: f.address, subject: 'Broken blender', text: 'It makes a grinding noise.' });
    const conversation = await waitForInView(f.owner, f.inboxId, 'email', (c) => c.subject === 'Broken blender');
    await deliver(f, { from: customer, to: f.address, subject: 'Re: Broken blender', text: 'My card number is 4111 1111 1111 1111' });
    const secret = await waitFor('the second message', async () => (await f.owner.get(`/api/v1/conversations/${conversation.id}`)).body.messages[1]);
    expect((await f.owner.post(`/api/v1/messages/${secret.id}/hide`)).status).toBe(200);

    const file = Buffer.from('Return label: RMA-2041\n');
    const uploaded = await upload('return-label.txt', file);
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({ filename: 'return-label.txt', contentType: 'text/plain', size: file.length });
    const reply = await f.owner.post(`/api/v1/conversations/${conversation.id}/messages`, { text: 'Here is your return label.', attachmentIds: [uploaded.body.id] });
    expect(reply.status).toBe(201);
    expect(reply.body.attachments).toMatchObject([{ filename: 'return-label.txt', size: file.length }]);
    const replied = await waitFor('the reply with its file', async () => mailTo(customer).find((m) => m.parsed.text?.includes('return label')));
    expect(Buffer.from(replied.parsed.attachments[0].content as ArrayBuffer).toString()).toBe(file.toString());
    // An upload goes out once: it now belongs to the sent message.
    const again = await f.owner.post(`/api/v1/conversations/${conversation.id}/messages`, { text: 'Again', attachmentIds: [uploaded.body.id] });
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('upload_not_found');

    const partner = uniqueEmail('repairshop');
    const forwarded = await f.owner.post(`/api/v1/conversations/${conversation.id}/forward`, { to: partner, note: 'Can you take this one?' });
    expect(forwarded.status).toBe(201);
    const mail = await waitFor('the forward', async () => mailTo(partner)[0]);
    expect(mail.parsed.subject).toBe('Fwd: Broken blender');
    expect(mail.parsed.text).toContain('Can you take this one?');
    expect(mail.parsed.text).toContain('It makes a grinding noise.');
    expect(mail.parsed.text).toContain('Here is your return label.');
    expect(mail.parsed.text).not.toContain('4111');
    expect(mail.parsed.attachments.map((a) => a.filename)).toEqual(['return-label.txt']);
    expect(mail.parsed.replyTo?.[0]?.address).toMatch(/\+r-/);

    const one = await f.owner.post(`/api/v1/conversations/${conversation.id}/forward`, { to: partner, messageId: reply.body.id });
    expect(one.status).toBe(201);
    const single = await waitFor('the single-message forward', async () => mailTo(partner)[1]);
    expect(single.parsed.text).toContain('Here is your return label.');
    expect(single.parsed.text).not.toContain('grinding');
  });

  it('refuses bad forwards and uploads, changing nothing', async () => {
    const conversation = await waitForInView(f.owner, f.inboxId, 'email', (c) => c.subject === 'Broken blender');
    const before = (await f.owner.get(`/api/v1/conversations/${conversation.id}`)).body.messages.length;
    expect((await f.owner.post(`/api/v1/conversations/${conversation.id}/forward`, { to: 'nobody' })).status).toBe(400);
    expect((await f.owner.post(`/api/v1/conversations/${conversation.id}/forward`, { to: 'a@example.com', messageId: 'msg_missing' })).status).toBe(404);
    expect((await f.owner.post('/api/v1/conversations/con_missing/forward', { to: 'a@example.com' })).status).toBe(404);
    expect((await f.owner.request('POST', '/api/v1/uploads?filename=a.txt', 'text', { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await f.owner.request('POST', '/api/v1/uploads', new Uint8Array([1]), { 'content-type': 'application/octet-stream' })).status).toBe(400);
    expect((await upload('empty.txt', Buffer.alloc(0))).status).toBe(400);
    expect((await upload('a/b.txt', Buffer.from('x'))).status).toBe(400);
    // Someone else's upload cannot be attached, and the failed reply writes nothing.
    const agent = await addAgent(f);
    const theirs = await upload('theirs.txt', Buffer.from('private'), agent.client);
    expect(theirs.status).toBe(201);
    const stolen = await f.owner.post(`/api/v1/conversations/${conversation.id}/messages`, { text: 'with their file', attachmentIds: [theirs.body.id] });
    expect(stolen.status).toBe(404);
    const chat = await f.owner.post(`/api/v1/conversations/${conversation.id}/messages`, { text: 'x', channel: 'chat', attachmentIds: [theirs.body.id] });
    expect(chat.status).toBe(409);
    expect((await f.owner.get(`/api/v1/conversations/${conversation.id}`)).body.messages).toHaveLength(before);
  });
});
