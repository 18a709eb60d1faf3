// The agent's actions on conversations through the gateway: ownership, status, bulk, trash and
// delete forever, hide/unhide permissions, comments with mentions (and their events), user
// offboarding, attachments, and isolation between accounts on every route.
import { jetstream, jetstreamManager, DeliverPolicy, AckPolicy } from '@nats-io/jetstream';
import { connectNats, createLogger, type NatsConnection } from '@inbox/lib';
import { ConversationEvent, ConversationEventType } from '@inbox/lib/gen/inbox/events/v1/events';
import { signUp, uniqueEmail } from '../support/api-client';
import { testStack } from '@inbox/testkit';
import { addAgent, deliver, listView, startInboxFixture, waitForInView, type InboxFixture } from '../support/inbox-fixture';
import { sendRawSmtp } from '../support/smtp';
import { waitFor } from '@inbox/testkit';

describe('conversation actions', () => {
  let f: InboxFixture;
  let nc: NatsConnection;

  beforeAll(async () => {
    f = await startInboxFixture();
    nc = await connectNats(testStack.TEST_NATS_URL, 'actions-test', createLogger({ service: 'test', level: 'silent' }));
  });

  afterAll(async () => {
    await nc.drain();
    await f.stop();
  });

  async function newConversation(subject = 'Help', from = uniqueEmail('customer')) {
    await deliver(f, { from, to: f.address, subject, text: `About ${subject}` });
    return waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === from && c.subject === subject);
  }

  it('assigns, reassigns and unassigns; the views follow', async () => {
    const agent = await addAgent(f);
    const c = await newConversation('Ownership');
    const assigned = await f.owner.patch(`/api/v1/conversations/${c.id}`, { assigneeId: agent.id });
    expect(assigned.status).toBe(200);
    expect(assigned.body.assignee).toMatchObject({ id: agent.id });
    expect((await listView(agent.client, f.inboxId, 'mine')).map((x) => x.id)).toContain(c.id);
    expect((await listView(f.owner, f.inboxId, 'unassigned')).map((x) => x.id)).not.toContain(c.id);
    expect((await f.owner.patch(`/api/v1/conversations/${c.id}`, { assigneeId: f.ownerId })).body.assignee.id).toBe(f.ownerId);
    expect((await listView(agent.client, f.inboxId, 'mine')).map((x) => x.id)).not.toContain(c.id);
    expect((await f.owner.patch(`/api/v1/conversations/${c.id}`, { assigneeId: null })).body.assignee).toBeNull();
    expect((await listView(f.owner, f.inboxId, 'unassigned')).map((x) => x.id)).toContain(c.id);
  });

  it('closes and reopens; bad changes are refused and change nothing', async () => {
    const c = await newConversation('Status');
    expect((await f.owner.patch(`/api/v1/conversations/${c.id}`, { status: 'closed', closeTicket: true })).body.status).toBe('closed');
    expect((await listView(f.owner, f.inboxId, 'closed')).map((x) => x.id)).toContain(c.id);
    expect((await listView(f.owner, f.inboxId, 'open')).map((x) => x.id)).not.toContain(c.id);
    expect((await f.owner.post(`/api/v1/conversations/${c.id}/reopen`)).body.status).toBe('open');
    const before = (await f.owner.get(`/api/v1/conversations/${c.id}`)).body;
    for (const body of [{}, { status: 'pending' }, { assigneeId: 5 }, { status: 'closed', assigneeId: 'usr_nobody' }]) {
      const response = await f.owner.patch(`/api/v1/conversations/${c.id}`, body);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
    }
    const after = (await f.owner.get(`/api/v1/conversations/${c.id}`)).body;
    expect(after).toMatchObject({ status: before.status, version: before.version, assignee: before.assignee });
  });

  it('reopens a closed conversation when the customer writes again', async () => {
    const from = uniqueEmail('again');
    const c = await newConversation('Reopen me', from);
    await f.owner.post(`/api/v1/conversations/${c.id}/close`);
    await deliver(f, { from, to: f.address, subject: 'Re: Reopen me', text: 'Still broken' });
    await waitForInView(f.owner, f.inboxId, 'open', (x) => x.id === c.id);
  });

  it('closes and trashes in bulk, all or nothing', async () => {
    const a = await newConversation('Bulk A');
    const b = await newConversation('Bulk B');
    const closed = await f.owner.post('/api/v1/conversations/bulk', { ids: [a.id, b.id], action: 'close' });
    expect(closed.status).toBe(200);
    expect(closed.body.items.map((x: { status: string }) => x.status)).toEqual(['closed', 'closed']);
    const other = await signUp(f.anonymous);
    const foreign = await other.client.post('/api/v1/inboxes', { name: 'Theirs' });
    expect(foreign.status).toBe(201);
    const mixed = await f.owner.post('/api/v1/conversations/bulk', { ids: [a.id, 'con_does-not-exist'], action: 'trash' });
    expect(mixed.status).toBe(404);
    expect((await f.owner.get(`/api/v1/conversations/${a.id}`)).body.trashedAt).toBeNull();
    expect((await f.owner.post('/api/v1/conversations/bulk', { ids: [], action: 'trash' })).status).toBe(400);
    expect((await f.owner.post('/api/v1/conversations/bulk', { ids: [a.id], action: 'explode' })).status).toBe(400);
    const trashed = await f.owner.post('/api/v1/conversations/bulk', { ids: [a.id, b.id], action: 'trash' });
    expect(trashed.body.items.every((x: { trashedAt: string | null }) => x.trashedAt !== null)).toBe(true);
    expect((await listView(f.owner, f.inboxId, 'trash')).map((x) => x.id)).toEqual(expect.arrayContaining([a.id, b.id]));
  });

  it('restores from trash, and deletes forever only from trash', async () => {
    const c = await newConversation('Delete me');
    expect((await f.owner.delete(`/api/v1/conversations/${c.id}`)).body.error.code).toBe('not_in_trash');
    await f.owner.post(`/api/v1/conversations/${c.id}/trash`);
    expect((await f.owner.get(`/api/v1/conversations/${c.id}`)).status).toBe(200);
    expect((await f.owner.post(`/api/v1/conversations/${c.id}/restore`)).body.trashedAt).toBeNull();
    expect((await listView(f.owner, f.inboxId, 'open')).map((x) => x.id)).toContain(c.id);
    await f.owner.post(`/api/v1/conversations/${c.id}/trash`);
    expect((await f.owner.delete(`/api/v1/conversations/${c.id}`)).status).toBe(204);
    expect((await f.owner.get(`/api/v1/conversations/${c.id}`)).status).toBe(404);
    expect((await listView(f.owner, f.inboxId, 'trash')).map((x) => x.id)).not.toContain(c.id);
  });

  it('hides a message everywhere; only a super admin or the user who hid it may unhide', async () => {
    const agent = await addAgent(f);
    const otherAgent = await addAgent(f);
    const admin = await addAgent(f, 'admin');
    const c = await newConversation('My card number');
    const messageId = (await f.owner.get(`/api/v1/conversations/${c.id}`)).body.messages[0].id;
    const hidden = await agent.client.post(`/api/v1/messages/${messageId}/hide`);
    expect(hidden.status).toBe(200);
    expect(hidden.body).toMatchObject({ hidden: true, text: '', html: null, hiddenBy: agent.id });
    const seen = (await otherAgent.client.get(`/api/v1/conversations/${c.id}`)).body.messages[0];
    expect(seen).toMatchObject({ hidden: true, text: '' });
    expect((await otherAgent.client.post(`/api/v1/messages/${messageId}/unhide`)).status).toBe(403);
    expect((await admin.client.post(`/api/v1/messages/${messageId}/unhide`)).status).toBe(403);
    expect((await agent.client.post(`/api/v1/messages/${messageId}/unhide`)).body.hidden).toBe(false);
    await otherAgent.client.post(`/api/v1/messages/${messageId}/hide`);
    const restored = await f.owner.post(`/api/v1/messages/${messageId}/unhide`);
    expect(restored.body).toMatchObject({ hidden: false, text: expect.stringContaining('My card number') });
    expect((await f.owner.post('/api/v1/messages/msg_nope/hide')).status).toBe(404);
  });

  it('adds comments with mentions, shows the preview, and emits one event naming the mentioned users', async () => {
    const agent = await addAgent(f);
    const c = await newConversation('Needs a second look');
    const jsm = await jetstreamManager(nc);
    const consumer = await jsm.consumers.add('CONVERSATION_EVENTS', {
      filter_subject: `conversation.${f.accountId}.comment_created`,
      deliver_policy: DeliverPolicy.New,
      ack_policy: AckPolicy.None,
      inactive_threshold: 60_000_000_000,
    });
    const comment = await f.owner.post(`/api/v1/conversations/${c.id}/comments`, { text: `@${agent.email} can you check? cc @${uniqueEmail('stranger')} and me @usr_self` });
    expect(comment.status).toBe(201);
    expect(comment.body.mentionedUserIds).toEqual([agent.id]);
    const detail = (await f.owner.get(`/api/v1/conversations/${c.id}`)).body;
    expect(detail.comments).toHaveLength(1);
    expect(detail.commentPreview).toContain('can you check?');
    const messages = await (await jetstream(nc).consumers.get('CONVERSATION_EVENTS', consumer.name)).fetch({ max_messages: 1, expires: 5000 });
    let event: ConversationEvent | undefined;
    for await (const m of messages) event = ConversationEvent.decode(m.data);
    expect(event).toMatchObject({ type: ConversationEventType.CONVERSATION_EVENT_TYPE_COMMENT_CREATED, conversationId: c.id, mentionedUserIds: [agent.id], actorUserId: f.ownerId });
    expect((await f.owner.post(`/api/v1/conversations/${c.id}/comments`, { text: '   ' })).status).toBe(400);
    expect((await f.owner.post(`/api/v1/conversations/${c.id}/comments`, { text: 'x', mentionedUserIds: ['usr_unknown'] })).body.error.code).toBe('unknown_mention');
  });

  it('mentions people by their name, and refuses a first name two people share unless one was picked', async () => {
    const tag = uniqueEmail('n').slice(0, 8).replace(/[^a-z0-9]/g, '');
    const person = async (name: string) => {
      const created = await f.owner.post('/api/v1/users', { name, email: uniqueEmail('named'), password: 'agent password', role: 'agent' });
      await f.owner.post(`/api/v1/inboxes/${f.inboxId}/members`, { userId: created.body.id });
      return created.body.id as string;
    };
    const [caraBerg, caraHolm, tor] = [await person(`Cara${tag} Berg`), await person(`Cara${tag} Holm`), await person(`Tor${tag} Lie`)];
    const c = await newConversation('Mention by name');
    const comment = (text: string, mentionedUserIds?: string[]) => f.owner.post(`/api/v1/conversations/${c.id}/comments`, { text, ...(mentionedUserIds ? { mentionedUserIds } : {}) });

    expect((await comment(`@Tor${tag}, can you check?`)).body.mentionedUserIds).toEqual([tor]);
    expect((await comment(`@cara${tag} holm and @Tor${tag} Lie, look`)).body.mentionedUserIds.sort()).toEqual([caraHolm, tor].sort());
    const unclear = await comment(`Ask @Cara${tag} about it`);
    expect([unclear.status, unclear.body.error.code]).toEqual([400, 'ambiguous_mention']);
    expect(unclear.body.error.message).toContain(`Cara${tag} Berg`);
    const picked = await comment(`Ask @Cara${tag} about it`, [caraBerg]);
    expect([picked.status, picked.body.mentionedUserIds]).toEqual([201, [caraBerg]]);
    // The refused comment was not stored.
    expect((await f.owner.get(`/api/v1/conversations/${c.id}`)).body.comments).toHaveLength(3);
  });

  it("unassigns a user's open conversations when they are deactivated or removed", async () => {
    const agent = await addAgent(f);
    const leaver = await addAgent(f);
    const a = await newConversation('Offboard A');
    const b = await newConversation('Offboard B');
    await f.owner.patch(`/api/v1/conversations/${a.id}`, { assigneeId: agent.id });
    await f.owner.patch(`/api/v1/conversations/${b.id}`, { assigneeId: leaver.id });
    await f.owner.patch(`/api/v1/users/${agent.id}`, { deactivated: true });
    await f.owner.delete(`/api/v1/users/${leaver.id}`);
    const unassigned = (await listView(f.owner, f.inboxId, 'unassigned')).map((x) => x.id);
    expect(unassigned).toEqual(expect.arrayContaining([a.id, b.id]));
    expect((await f.owner.patch(`/api/v1/conversations/${a.id}`, { assigneeId: agent.id })).body.error.code).toBe('user_deactivated');
  });

  it('serves attachments with safe headers', async () => {
    const from = uniqueEmail('files');
    const boundary = 'b0undary';
    const raw = [
      `From: ${from}`,
      `To: ${f.address}`,
      'Subject: Files',
      `Message-ID: <files-${Date.now()}@client.example>`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'See attached.',
      `--${boundary}`,
      'Content-Type: text/html; name="evil.html"',
      'Content-Disposition: attachment; filename="evil.html"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('<script>alert(document.cookie)</script>').toString('base64'),
      `--${boundary}`,
      'Content-Type: image/png; name="dot.png"',
      'Content-Disposition: inline; filename="dot.png"',
      'Content-Transfer-Encoding: base64',
      '',
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    expect((await sendRawSmtp(f.stack.smtpPort!, { from, to: [f.address] }, raw)).code).toBe(250);
    const c = await waitForInView(f.owner, f.inboxId, 'open', (x) => x.contact?.email === from);
    const attachments = (await f.owner.get(`/api/v1/conversations/${c.id}`)).body.messages[0].attachments;
    expect(attachments.map((a: { filename: string }) => a.filename).sort()).toEqual(['dot.png', 'evil.html']);
    const html = attachments.find((a: { filename: string }) => a.filename === 'evil.html');
    const download = await fetch(`${f.stack.gatewayUrl}${html.url}`, { headers: { authorization: `Bearer ${f.owner.token}` } });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/octet-stream');
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="evil.html"/);
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    expect(download.headers.get('content-security-policy')).toContain('sandbox');
    expect(await download.text()).toContain('<script>');
    const png = attachments.find((a: { filename: string }) => a.filename === 'dot.png');
    const image = await fetch(`${f.stack.gatewayUrl}${png.url}`, { headers: { authorization: `Bearer ${f.owner.token}` } });
    expect(image.headers.get('content-type')).toBe('image/png');
    expect((await fetch(`${f.stack.gatewayUrl}${png.url}`)).status).toBe(401);
  });

  it("answers 404 for another account's conversations, messages and attachments on every route", async () => {
    const c = await newConversation('Private');
    const detail = (await f.owner.get(`/api/v1/conversations/${c.id}`)).body;
    const messageId = detail.messages[0].id;
    const intruder = (await signUp(f.anonymous)).client;
    const attempts = [
      intruder.get(`/api/v1/conversations/${c.id}`),
      intruder.patch(`/api/v1/conversations/${c.id}`, { status: 'closed' }),
      intruder.post(`/api/v1/conversations/${c.id}/messages`, { text: 'hi' }),
      intruder.post(`/api/v1/conversations/${c.id}/comments`, { text: 'hi' }),
      intruder.post(`/api/v1/conversations/${c.id}/trash`),
      intruder.post(`/api/v1/conversations/${c.id}/spam`),
      intruder.post(`/api/v1/conversations/${c.id}/block-sender`),
      intruder.delete(`/api/v1/conversations/${c.id}`),
      intruder.post('/api/v1/conversations/bulk', { ids: [c.id], action: 'close' }),
      intruder.post(`/api/v1/messages/${messageId}/hide`),
      intruder.get(`/api/v1/inboxes/${f.inboxId}/conversations?view=open`),
      intruder.get(`/api/v1/inboxes/${f.inboxId}/views`),
      intruder.post('/api/v1/conversations', { inboxId: f.inboxId, to: 'x@example.com', text: 'hi' }),
    ];
    for (const response of await Promise.all(attempts)) expect(response.status).toBe(404);
    const after = (await f.owner.get(`/api/v1/conversations/${c.id}`)).body;
    expect(after).toMatchObject({ status: 'open', trashedAt: null, filtered: false, version: detail.version });
    expect(after.messages[0].hidden).toBe(false);
    expect(after.comments).toEqual([]);
  });

  it('creates tickets from a conversation, closes them with it, and deletes them with a blocked sender', async () => {
    const c = await newConversation('Ticket please');
    const ticket = await f.owner.post(`/api/v1/conversations/${c.id}/tickets`, { title: 'Replace broken zipper' });
    expect(ticket.status).toBe(201);
    expect(ticket.body).toMatchObject({ conversationId: c.id, status: 'open', title: 'Replace broken zipper', closedAt: null });
    const untitled = await f.owner.post(`/api/v1/conversations/${c.id}/tickets`, {});
    expect(untitled.body.title).toBe('Ticket please');
    expect((await f.owner.patch(`/api/v1/tickets/${untitled.body.id}`, { status: 'closed' })).body.closedAt).not.toBeNull();
    expect((await f.owner.patch(`/api/v1/tickets/${untitled.body.id}`, { status: 'waiting' })).status).toBe(400);
    expect((await f.owner.patch('/api/v1/tickets/tkt_nope', { status: 'closed' })).status).toBe(404);
    await f.owner.patch(`/api/v1/conversations/${c.id}`, { status: 'closed', closeTicket: true });
    const tickets = (await f.owner.get(`/api/v1/conversations/${c.id}/tickets`)).body.items;
    expect(tickets.map((t: { status: string }) => t.status)).toEqual(['closed', 'closed']);
    await f.owner.post(`/api/v1/conversations/${c.id}/block-sender`);
    expect((await f.owner.get(`/api/v1/conversations/${c.id}/tickets`)).body.items).toEqual([]);
    const intruder = (await signUp(f.anonymous)).client;
    expect((await intruder.get(`/api/v1/conversations/${c.id}/tickets`)).status).toBe(404);
    expect((await intruder.patch(`/api/v1/tickets/${ticket.body.id}`, { status: 'open' })).status).toBe(404);
  });

  it("shows a contact with their company, other conversations and tickets, to their own account only", async () => {
    const domain = `acme-${Date.now()}.example`;
    const from = `buyer@${domain}`;
    const a = await newConversation('First order', from);
    const b = await newConversation('Second order', from);
    await f.owner.post(`/api/v1/conversations/${b.id}/tickets`, { title: 'Refund' });
    const contact = await f.owner.get(`/api/v1/contacts/${a.contact.id}`);
    expect(contact.status).toBe(200);
    expect(contact.body).toMatchObject({ email: from, company: { domain, name: `Acme-${domain.split('-')[1].split('.')[0]}` } });
    expect(contact.body.conversations.map((x: { id: string }) => x.id)).toEqual([b.id, a.id]);
    expect(contact.body.tickets.map((t: { title: string }) => t.title)).toEqual(['Refund']);
    const gmail = await newConversation('Private person', `someone.${Date.now()}@gmail.com`);
    expect((await f.owner.get(`/api/v1/contacts/${gmail.contact.id}`)).body.company).toBeNull();
    const intruder = (await signUp(f.anonymous)).client;
    expect((await intruder.get(`/api/v1/contacts/${a.contact.id}`)).status).toBe(404);
  });

  it('creates deals with a contact and detaches a conversation from its contact; bad input and other accounts change nothing', async () => {
    const from = uniqueEmail('dealer');
    const a = await newConversation('Big order', from);
    const b = await newConversation('Another order', from);
    const deal = await f.owner.post(`/api/v1/contacts/${a.contact.id}/deals`, { name: '200 jackets', amount: 2_500_000, currency: 'nok', conversationId: a.id });
    expect(deal.status).toBe(201);
    expect(deal.body).toMatchObject({ contactId: a.contact.id, conversationId: a.id, name: '200 jackets', amount: 2_500_000, currency: 'NOK', stage: 'open' });
    const bad: [unknown, number][] = [
      [{ name: '' }, 400],
      [{ name: 'x', amount: -1 }, 400],
      [{ name: 'x', amount: 1.5 }, 400],
      [{ name: 'x', currency: 'kroner' }, 400],
      [{ name: 'x', conversationId: 'con_nope' }, 404],
      [{ name: 'x', stage: 'won' }, 400],
    ];
    for (const [body, status] of bad) expect((await f.owner.post(`/api/v1/contacts/${a.contact.id}/deals`, body)).status).toBe(status);
    expect((await f.owner.post('/api/v1/contacts/cnt_nope/deals', { name: 'x' })).status).toBe(404);
    const intruder = (await signUp(f.anonymous)).client;
    expect((await intruder.post(`/api/v1/contacts/${a.contact.id}/deals`, { name: 'Stolen' })).status).toBe(404);
    expect((await f.owner.get(`/api/v1/contacts/${a.contact.id}`)).body.deals.map((d: { name: string }) => d.name)).toEqual(['200 jackets']);

    expect((await intruder.post(`/api/v1/conversations/${b.id}/detach-contact`)).status).toBe(404);
    expect((await f.owner.post(`/api/v1/conversations/${b.id}/detach-contact`)).status).toBe(204);
    expect((await f.owner.get(`/api/v1/conversations/${b.id}`)).body.contact).toBeNull();
    const record = (await f.owner.get(`/api/v1/contacts/${a.contact.id}`)).body;
    expect(record.conversations.map((c: { id: string }) => c.id)).toEqual([a.id]);
    // Detaching twice is harmless.
    expect((await f.owner.post(`/api/v1/conversations/${b.id}/detach-contact`)).status).toBe(204);
  });

  it('sends a survey whose secret link takes one answer per score change, and refuses everything else', async () => {
    const from = uniqueEmail('surveyed');
    const c = await newConversation('Survey me', from);
    const sent = await f.owner.post(`/api/v1/conversations/${c.id}/survey`);
    expect(sent.status).toBe(201);
    const mail = await waitFor('the survey', async () => f.sink.messages.find((m) => m.envelope.to.includes(from) && String(m.parsed.subject).startsWith('How did we do?')));
    const token = /\/feedback\/([\w-]+)/.exec(String(mail.parsed.text))![1];
    expect(token).toHaveLength(43);
    expect((await f.anonymous.get(`/api/v1/feedback/${token}`)).body).toEqual({ inboxName: 'Support', subject: 'Survey me', question: 'csat', score: null, comment: '' });
    for (const body of [{ score: 0 }, { score: 6 }, { score: 2.5 }, { score: 3, comment: 'x'.repeat(2001) }, { score: 3, extra: true }, {}]) {
      expect((await f.anonymous.post(`/api/v1/feedback/${token}`, body)).status).toBe(400);
    }
    expect((await f.anonymous.post(`/api/v1/feedback/${'A'.repeat(43)}`, { score: 5 })).status).toBe(404);
    expect((await f.anonymous.post('/api/v1/feedback/short', { score: 5 })).status).toBe(404);
    expect((await f.anonymous.get(`/api/v1/contacts/${c.contact.id}`)).status).toBe(401);
    expect((await f.owner.get(`/api/v1/contacts/${c.contact.id}`)).body.feedback).toEqual([]);
    expect((await f.anonymous.post(`/api/v1/feedback/${token}`, { score: 2, comment: 'Slow' })).status).toBe(204);
    expect((await f.anonymous.post(`/api/v1/feedback/${token}`, { score: 5, comment: 'Solved after all' })).status).toBe(204);
    const feedback = (await f.owner.get(`/api/v1/contacts/${c.contact.id}`)).body.feedback;
    expect(feedback).toEqual([expect.objectContaining({ conversationId: c.id, subject: 'Survey me', score: 5, comment: 'Solved after all' })]);

    const intruder = (await signUp(f.anonymous)).client;
    expect((await intruder.post(`/api/v1/conversations/${c.id}/survey`)).status).toBe(404);
    const chatless = await f.owner.post('/api/v1/conversations/con_nope/survey');
    expect(chatless.status).toBe(404);
  });

  it('validates list parameters', async () => {
    expect((await f.owner.get(`/api/v1/inboxes/${f.inboxId}/conversations?view=everything`)).status).toBe(400);
    expect((await f.owner.get(`/api/v1/inboxes/${f.inboxId}/conversations?limit=1000`)).status).toBe(400);
    expect((await f.owner.get(`/api/v1/inboxes/${f.inboxId}/conversations?sort=sideways`)).status).toBe(400);
    expect((await f.owner.get(`/api/v1/inboxes/${f.inboxId}/conversations?cursor=garbage`)).body.error.code).toBe('invalid_cursor');
  });

  it('pages with a keyset cursor, newest or oldest first, without gaps or repeats', async () => {
    const from = uniqueEmail('pager');
    for (let i = 0; i < 7; i++) await deliver(f, { from, to: f.address, subject: `Page ${i}`, text: String(i) });
    await waitFor('all 7', async () => (await listView(f.owner, f.inboxId, 'open')).filter((c) => c.contact?.email === from).length === 7);
    for (const sort of ['newest', 'oldest']) {
      const seen: any[] = [];
      let cursor: string | null = null;
      do {
        const page: any = (await f.owner.get(`/api/v1/inboxes/${f.inboxId}/conversations?view=open&limit=3&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`)).body;
        seen.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      expect(new Set(seen.map((c) => c.id)).size).toBe(seen.length);
      const times = seen.map((c) => new Date(c.lastMessageAt).getTime());
      expect(times).toEqual([...times].sort((x, y) => (sort === 'newest' ? y - x : x - y)));
      expect(seen.filter((c) => c.contact?.email === from)).toHaveLength(7);
    }
  });
});
