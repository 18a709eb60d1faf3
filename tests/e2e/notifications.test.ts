// Stored notifications through the notification service: a mention, an assignment and a new
// inbound message on my conversation each notify exactly the right people once; the list is
// newest first with read flags and an unread count, survives a reload, and is private.
import { uniqueEmail } from '../support/api-client';
import { addAgent, deliver, startInboxFixture, waitForInView, type InboxFixture } from '../support/inbox-fixture';
import { waitFor } from '@inbox/testkit';

describe('notifications', () => {
  let f: InboxFixture;

  beforeAll(async () => {
    f = await startInboxFixture({}, ['notification']);
  });

  afterAll(() => f.stop());

  async function newConversation(subject: string, from = uniqueEmail('customer')) {
    await deliver(f, { from, to: f.address, subject, text: subject });
    return { conversation: await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === from), from };
  }
  const notificationsOf = async (client: InboxFixture['owner']) => (await client.get('/api/v1/notifications?limit=100')).body;

  it('notifies a mentioned member once, with a link to the comment, and never the author', async () => {
    const agent = await addAgent(f);
    const { conversation } = await newConversation('Mention me');
    const comment = (await f.owner.post(`/api/v1/conversations/${conversation.id}/comments`, { text: `@${agent.email} please look, and @${uniqueEmail('nobody')}` })).body;
    const list = await waitFor('mention notification', async () => {
      const body = await notificationsOf(agent.client);
      return body.items.length > 0 ? body : undefined;
    });
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ kind: 'mention', conversationId: conversation.id, commentId: comment.id, actorUserId: f.ownerId, read: false, link: `/conversations/${conversation.id}#comment-${comment.id}` });
    expect(list.unreadCount).toBe(1);
    // The bell names the conversation, as far as the reader may still open it.
    expect(list.items[0].conversation).toEqual({ subject: 'Mention me', contactName: expect.any(String) });
    expect((await f.owner.delete(`/api/v1/inboxes/${f.inboxId}/members/${agent.id}`)).status).toBe(204);
    expect((await notificationsOf(agent.client)).items[0]).toMatchObject({ conversationId: conversation.id, conversation: null });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await notificationsOf(f.owner)).items.filter((n: { kind: string }) => n.kind === 'mention')).toEqual([]);
  });

  it('notifies the new owner of an assignment, and the owner of a conversation when the customer writes', async () => {
    const agent = await addAgent(f);
    const { conversation, from } = await newConversation('Assign and answer');
    await f.owner.patch(`/api/v1/conversations/${conversation.id}`, { assigneeId: agent.id });
    await waitFor('assignment notification', async () => (await notificationsOf(agent.client)).items.some((n: { kind: string }) => n.kind === 'assignment'));
    await deliver(f, { from, to: f.address, subject: 'Re: Assign and answer', text: 'Any news?' });
    const list = await waitFor('new message notification', async () => {
      const body = await notificationsOf(agent.client);
      return body.items.some((n: { kind: string }) => n.kind === 'new_message') ? body : undefined;
    });
    expect(list.items.map((n: { kind: string }) => n.kind)).toEqual(['new_message', 'assignment']);
    expect(list.items[0].messageId).toMatch(/^msg_/);
    // Assigning a conversation to oneself notifies nobody.
    const mine = await newConversation('Self assigned');
    await agent.client.patch(`/api/v1/conversations/${mine.conversation.id}`, { assigneeId: agent.id });
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect((await notificationsOf(agent.client)).items.filter((n: { conversationId: string }) => n.conversationId === mine.conversation.id)).toEqual([]);
  });

  it('marks read by id or all at once, keeps state across reloads, and keeps one user out of another\'s', async () => {
    const agent = await addAgent(f);
    const other = await addAgent(f);
    for (const subject of ['Read one', 'Read two', 'Read three']) {
      const { conversation } = await newConversation(subject);
      await f.owner.post(`/api/v1/conversations/${conversation.id}/comments`, { text: `@${agent.email} ${subject}` });
      await f.owner.post(`/api/v1/conversations/${conversation.id}/comments`, { text: `@${other.email} ${subject}` });
    }
    const list = await waitFor('three notifications', async () => {
      const body = await notificationsOf(agent.client);
      return body.items.length === 3 ? body : undefined;
    });
    const times = list.items.map((n: { createdAt: string }) => new Date(n.createdAt).getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const afterOne = await agent.client.post('/api/v1/notifications/read', { ids: [list.items[0].id] });
    expect(afterOne.body.unreadCount).toBe(2);
    expect((await notificationsOf(agent.client)).items[0].read).toBe(true);
    // Another user's ids change nothing for them.
    await waitFor('other user notified', async () => (await notificationsOf(other.client)).unreadCount === 3);
    await other.client.post('/api/v1/notifications/read', { ids: list.items.map((n: { id: string }) => n.id) });
    expect((await notificationsOf(agent.client)).unreadCount).toBe(2);
    expect((await notificationsOf(other.client)).unreadCount).toBe(3);
    expect((await agent.client.post('/api/v1/notifications/read', { all: true })).body.unreadCount).toBe(0);
    expect((await notificationsOf(agent.client)).items.every((n: { read: boolean }) => n.read)).toBe(true);

    expect((await agent.client.post('/api/v1/notifications/read', {})).status).toBe(400);
    expect((await agent.client.post('/api/v1/notifications/read', { ids: 'all' })).status).toBe(400);
    expect((await agent.client.get('/api/v1/notifications?limit=0')).status).toBe(400);
    expect((await agent.client.get('/api/v1/notifications?cursor=bogus')).body.error.code).toBe('invalid_cursor');
    expect((await f.anonymous.get('/api/v1/notifications')).status).toBe(401);
  });
});
