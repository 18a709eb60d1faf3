// Administration that can be changed after it is created: inboxes renamed and deleted, members
// leaving, channel settings changing and channels deleted; and none of it loses a conversation.
// Agents on these admin routes, other accounts' ids and bad bodies change nothing.
import { signUp, uniqueEmail } from '../support/api-client';
import { addAgent, deliver, listView, startInboxFixture, waitForInView, type InboxFixture } from '../support/inbox-fixture';
import { sendRawSmtp, buildEmail } from '../support/smtp';
import { waitFor } from '@inbox/testkit';

jest.setTimeout(120_000);

describe('administration', () => {
  let f: InboxFixture;
  let agent: Awaited<ReturnType<typeof addAgent>>;

  beforeAll(async () => {
    // Ingest asks the directory every time, so a deleted channel is refused at once.
    f = await startInboxFixture({ INGEST_CHANNEL_CACHE_MS: '0' });
    agent = await addAgent(f);
  });

  afterAll(async () => {
    await f?.stop();
  });

  async function inboxWithMail(name: string, subjects: string[]) {
    const inbox = (await f.owner.post('/api/v1/inboxes', { name })).body.id as string;
    const channel = (await f.owner.post(`/api/v1/inboxes/${inbox}/channels`, { type: 'email', name })).body;
    for (const subject of subjects) {
      await deliver(f, { from: uniqueEmail('admin'), to: channel.address, envelopeTo: [channel.address], subject, text: subject });
      await waitForInView(f.owner, inbox, 'open', (c) => c.subject === subject);
    }
    return { inbox, channel };
  }

  it('renames an inbox; agents and other accounts cannot', async () => {
    const inbox = (await f.owner.post('/api/v1/inboxes', { name: 'Old name' })).body.id as string;
    const renamed = await f.owner.patch(`/api/v1/inboxes/${inbox}`, { name: '  New name ' });
    expect([renamed.status, renamed.body.name]).toEqual([200, 'New name']);
    const intruder = await signUp(f.anonymous);
    const cases: [typeof f.owner, string, unknown, number, string][] = [
      [agent.client, `/api/v1/inboxes/${inbox}`, { name: 'Agent' }, 403, 'forbidden'],
      [intruder.client, `/api/v1/inboxes/${inbox}`, { name: 'Theirs' }, 404, 'inbox_not_found'],
      [f.owner, `/api/v1/inboxes/${inbox}`, { name: '' }, 400, 'validation_failed'],
      [f.owner, `/api/v1/inboxes/${inbox}`, { name: 'x', extra: 1 }, 400, 'validation_failed'],
      [f.owner, '/api/v1/inboxes/inb_nope', { name: 'x' }, 404, 'inbox_not_found'],
    ];
    for (const [client, path, body, status, code] of cases) {
      const response = await client.patch(path, body);
      expect({ path, body, status: response.status, code: response.body.error?.code }).toEqual({ path, body, status, code });
    }
    expect((await f.owner.get('/api/v1/inboxes')).body.items.find((i: { id: string }) => i.id === inbox).name).toBe('New name');
  });

  it('deletes an inbox only by moving its conversations to another, and loses none', async () => {
    const { inbox, channel } = await inboxWithMail('Closing down', ['Keep me 1', 'Keep me 2']);
    const target = (await f.owner.post('/api/v1/inboxes', { name: 'Taking over' })).body.id as string;
    const ids = (await listView(f.owner, inbox, 'open')).map((c) => c.id).sort();

    const refused = await f.owner.delete(`/api/v1/inboxes/${inbox}`);
    expect([refused.status, refused.body.error.code, refused.body.error.details]).toEqual([409, 'inbox_not_empty', { conversations: 2 }]);
    expect((await agent.client.delete(`/api/v1/inboxes/${inbox}?moveConversationsTo=${target}`)).status).toBe(403);
    expect((await f.owner.delete(`/api/v1/inboxes/${inbox}?moveConversationsTo=inb_nope`)).body.error.code).toBe('target_inbox_not_found');
    expect((await f.owner.delete(`/api/v1/inboxes/${inbox}?moveConversationsTo=${inbox}`)).body.error.code).toBe('same_inbox');
    expect((await f.owner.delete(`/api/v1/inboxes/${inbox}?move=${target}`)).status).toBe(400);
    const intruder = await signUp(f.anonymous);
    const theirs = (await intruder.client.post('/api/v1/inboxes', { name: 'Theirs' })).body.id as string;
    expect((await f.owner.delete(`/api/v1/inboxes/${inbox}?moveConversationsTo=${theirs}`)).body.error.code).toBe('target_inbox_not_found');
    expect((await intruder.client.delete(`/api/v1/inboxes/${inbox}?moveConversationsTo=${theirs}`)).status).toBe(404);
    expect((await listView(f.owner, inbox, 'open')).map((c) => c.id).sort()).toEqual(ids);

    const deleted = await f.owner.delete(`/api/v1/inboxes/${inbox}?moveConversationsTo=${target}`);
    expect([deleted.status, deleted.body]).toEqual([200, { movedConversations: 2 }]);
    expect((await f.owner.get('/api/v1/inboxes')).body.items.some((i: { id: string }) => i.id === inbox)).toBe(false);
    expect((await listView(f.owner, target, 'open')).map((c) => c.id).sort()).toEqual(ids);
    for (const id of ids) expect((await f.owner.get(`/api/v1/conversations/${id}`)).body).toMatchObject({ inboxId: target, messages: [expect.anything()] });
    // Its channel went with it: mail to the address is refused.
    const bounced = await sendRawSmtp(f.stack.smtpPort!, { from: uniqueEmail('late'), to: [channel.address] }, buildEmail({ from: uniqueEmail('late'), to: channel.address, subject: 'Too late', text: 'x' }).raw);
    expect(bounced.code).toBe(550);

    const empty = (await f.owner.post('/api/v1/inboxes', { name: 'Empty' })).body.id as string;
    expect((await f.owner.delete(`/api/v1/inboxes/${empty}`)).body).toEqual({ movedConversations: 0 });
  });

  it('removes a member: their open conversations there become unassigned, and they no longer see the inbox', async () => {
    const { inbox } = await inboxWithMail('Members', ['Assigned to the leaver']);
    const leaver = await addAgent(f);
    await f.owner.post(`/api/v1/inboxes/${inbox}/members`, { userId: leaver.id });
    const [conversation] = await listView(f.owner, inbox, 'open');
    expect((await f.owner.patch(`/api/v1/conversations/${conversation.id}`, { assigneeId: leaver.id })).status).toBe(200);
    expect((await leaver.client.get(`/api/v1/conversations/${conversation.id}`)).status).toBe(200);

    expect((await agent.client.delete(`/api/v1/inboxes/${inbox}/members/${leaver.id}`)).status).toBe(403);
    expect((await f.owner.delete(`/api/v1/inboxes/${inbox}/members/${agent.id}`)).body.error.code).toBe('member_not_found');
    expect((await f.owner.delete(`/api/v1/inboxes/${inbox}/members/${leaver.id}`)).status).toBe(204);
    expect((await f.owner.get(`/api/v1/conversations/${conversation.id}`)).body.assignee).toBeNull();
    expect((await f.owner.get('/api/v1/inboxes')).body.items.find((i: { id: string }) => i.id === inbox).memberIds).not.toContain(leaver.id);
    expect((await leaver.client.get(`/api/v1/conversations/${conversation.id}`)).status).toBe(404);
    expect((await f.owner.delete(`/api/v1/inboxes/${inbox}/members/${leaver.id}`)).status).toBe(404);
  });

  it('changes channel settings as they were checked at creation, and only those its type has', async () => {
    const inbox = (await f.owner.post('/api/v1/inboxes', { name: 'Channels' })).body.id as string;
    const chat = (await f.owner.post(`/api/v1/inboxes/${inbox}/channels`, { type: 'chat', name: 'Chat', preChatEmail: 'optional' })).body;
    const form = (await f.owner.post(`/api/v1/inboxes/${inbox}/channels`, { type: 'form', name: 'Form', fields: [{ name: 'email', required: true }] })).body;
    const hours = { timeZone: 'Europe/Oslo', periods: [{ day: 1, start: '08:00', end: '16:00' }] };

    const changedChat = await f.owner.patch(`/api/v1/channels/${chat.id}`, { name: 'Website chat', preChatEmail: 'required', businessHours: hours });
    expect(changedChat.status).toBe(200);
    expect(changedChat.body).toMatchObject({ id: chat.id, name: 'Website chat', widgetId: chat.widgetId, preChatEmail: 'required', businessHours: hours });
    expect((await f.owner.patch(`/api/v1/channels/${chat.id}`, { businessHours: null })).body.businessHours ?? null).toBeNull();
    const changedForm = await f.owner.patch(`/api/v1/channels/${form.id}`, { fields: [{ name: 'email', required: true }, { name: 'order', required: false }], createTicket: true });
    expect(changedForm.body).toMatchObject({ formId: form.formId, fields: [{ name: 'email', required: true }, { name: 'order', required: false }] });

    const intruder = await signUp(f.anonymous);
    const cases: [typeof f.owner, string, unknown, number, string][] = [
      [f.owner, `/api/v1/channels/${chat.id}`, { fields: [] }, 400, 'not_a_setting_of_this_channel'],
      [f.owner, `/api/v1/channels/${form.id}`, { preChatEmail: 'off' }, 400, 'not_a_setting_of_this_channel'],
      [f.owner, `/api/v1/channels/${form.id}`, { fields: [{ name: 'bad name!' }] }, 400, 'invalid_field'],
      [f.owner, `/api/v1/channels/${chat.id}`, { businessHours: { timeZone: 'Mars/Base', periods: [] } }, 400, 'invalid_time_zone'],
      [f.owner, `/api/v1/channels/${chat.id}`, { preChatEmail: 'sometimes' }, 400, 'validation_failed'],
      [f.owner, `/api/v1/channels/${chat.id}`, {}, 400, 'validation_failed'],
      [agent.client, `/api/v1/channels/${chat.id}`, { name: 'Agent' }, 403, 'forbidden'],
      [intruder.client, `/api/v1/channels/${chat.id}`, { name: 'Theirs' }, 404, 'channel_not_found'],
      [f.owner, '/api/v1/channels/chn_nope', { name: 'x' }, 404, 'channel_not_found'],
    ];
    for (const [client, path, body, status, code] of cases) {
      const response = await client.patch(path, body);
      expect({ path, body, status: response.status, code: response.body.error?.code }).toEqual({ path, body, status, code });
    }
    const listed = (await f.owner.get(`/api/v1/inboxes/${inbox}/channels`)).body.items.find((c: { id: string }) => c.id === form.id);
    expect(listed.fields).toHaveLength(2);
  });

  it('puts an email channel’s signature under every reply and new email sent from it', async () => {
    const { inbox, channel } = await inboxWithMail('Signed', ['Needs a signed answer']);
    const signature = 'Best regards,\n{agent}\nSigned support';
    const set = await f.owner.patch(`/api/v1/channels/${channel.id}`, { signature });
    expect(set.body).toMatchObject({ id: channel.id, address: channel.address, signature });
    const owner = (await f.owner.get('/api/v1/me')).body.name as string;

    const [conversation] = await listView(f.owner, inbox, 'open');
    const customer = (await f.owner.get(`/api/v1/conversations/${conversation.id}`)).body.messages[0].from.address as string;
    const reply = await f.owner.post(`/api/v1/conversations/${conversation.id}/messages`, { text: 'Here is your answer.' });
    expect(reply.status).toBe(201);
    expect(reply.body.text).toBe(`Here is your answer.\n\n-- \nBest regards,\n${owner}\nSigned support`);
    const mailed = await waitFor('the signed reply at the relay', async () => f.sink.messages.find((m) => m.envelope.to.includes(customer)));
    expect(mailed.parsed.text).toContain(`-- \nBest regards,\n${owner}\nSigned support`);

    const newCustomer = uniqueEmail('signed');
    const composed = await f.owner.post(`/api/v1/conversations`, { inboxId: inbox, to: newCustomer, subject: 'Hello', html: '<p>A new question for you.</p>' });
    expect(composed.status).toBe(201);
    const newMail = await waitFor('the signed new email', async () => f.sink.messages.find((m) => m.envelope.to.includes(newCustomer)));
    expect(newMail.parsed.html).toContain(`<p class="signature">-- <br>Best regards,<br>${owner}<br>Signed support</p>`);

    // An empty signature removes it; one too long, or on a channel type without one, is refused.
    expect((await f.owner.patch(`/api/v1/channels/${channel.id}`, { signature: 'x'.repeat(2001) })).status).toBe(400);
    const chat = (await f.owner.post(`/api/v1/inboxes/${inbox}/channels`, { type: 'chat', name: 'Chat' })).body;
    const wrongType = await f.owner.patch(`/api/v1/channels/${chat.id}`, { signature: 'Hi' });
    expect([wrongType.status, wrongType.body.error.code]).toEqual([400, 'not_a_setting_of_this_channel']);
    expect((await agent.client.patch(`/api/v1/channels/${channel.id}`, { signature: 'Agent was here' })).status).toBe(403);
    expect((await f.owner.get(`/api/v1/inboxes/${inbox}/channels`)).body.items.find((c: { id: string }) => c.id === channel.id).signature).toBe(signature);
    expect((await f.owner.patch(`/api/v1/channels/${channel.id}`, { signature: '' })).body.signature).toBe('');
    const unsigned = await f.owner.post(`/api/v1/conversations/${conversation.id}/messages`, { text: 'No signature now.' });
    expect(unsigned.body.text).toBe('No signature now.');
  });

  it('deletes a channel: its conversations stay readable, replies go out through the inbox’s other email channel, and its address is refused', async () => {
    const { inbox, channel } = await inboxWithMail('Two addresses', ['Through the old address']);
    const other = (await f.owner.post(`/api/v1/inboxes/${inbox}/channels`, { type: 'email', name: 'New address' })).body;
    const [conversation] = await listView(f.owner, inbox, 'open');
    expect((await agent.client.delete(`/api/v1/channels/${channel.id}`)).status).toBe(403);
    expect((await f.owner.delete(`/api/v1/channels/${channel.id}`)).status).toBe(204);
    expect((await f.owner.delete(`/api/v1/channels/${channel.id}`)).status).toBe(404);
    expect((await f.owner.get(`/api/v1/conversations/${conversation.id}`)).body.messages).toHaveLength(1);
    const reply = await f.owner.post(`/api/v1/conversations/${conversation.id}/messages`, { text: 'From our new address.' });
    expect([reply.status, reply.body.from.address]).toEqual([201, other.address]);
    const refused = await sendRawSmtp(f.stack.smtpPort!, { from: uniqueEmail('late'), to: [channel.address] }, buildEmail({ from: uniqueEmail('late'), to: channel.address, subject: 'Old address', text: 'x' }).raw);
    expect(refused.code).toBe(550);
  });
});
