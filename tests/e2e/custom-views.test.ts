// Custom views: a built-in view narrowed by channel, owner and needs-reply, private to its owner,
// shared with the inbox or with a team, with live counts beside the built-in ones; only the owner (or an admin,
// for a shared view) changes it; bad input and other accounts change nothing.
import { signUp, uniqueEmail } from '../support/api-client';
import { addAgent, deliver, listView, startInboxFixture, waitForInView, type InboxFixture } from '../support/inbox-fixture';

jest.setTimeout(120_000);

describe('custom views', () => {
  let f: InboxFixture;
  let widgetId: string;

  beforeAll(async () => {
    f = await startInboxFixture();
    widgetId = (await f.owner.post(`/api/v1/inboxes/${f.inboxId}/channels`, { type: 'chat', name: 'Chat' })).body.widgetId;
  });
  afterAll(() => f.stop());

  const counts = async (client = f.owner) => Object.fromEntries(((await client.get(`/api/v1/inboxes/${f.inboxId}/views`)).body as { id: string; count: number }[]).map((v) => [v.id, v.count]));

  it('narrows a view by channel, owner and needs-reply, with its count beside the built-in views', async () => {
    const agent = await addAgent(f);
    const mails = [uniqueEmail('cv'), uniqueEmail('cv'), uniqueEmail('cv')];
    for (const from of mails) await deliver(f, { from, to: f.address, subject: `Custom ${from}`, text: 'Hello' });
    const [mine, replied, others] = await Promise.all(mails.map((m) => waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === m)));
    await f.owner.patch(`/api/v1/conversations/${mine.id}`, { assigneeId: f.ownerId });
    await f.owner.post(`/api/v1/conversations/${replied.id}/messages`, { text: 'Answered' });
    await f.owner.patch(`/api/v1/conversations/${others.id}`, { assigneeId: agent.id });
    const session = (await (await fetch(`${f.stack.ingestUrl}/ingest/v1/chat/${widgetId}/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as { sessionId: string; visitorToken: string };
    await fetch(`${f.stack.ingestUrl}/ingest/v1/chat/sessions/${session.sessionId}/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-visitor-token': session.visitorToken }, body: JSON.stringify({ text: 'Chat for me?' }) });
    const chat = await waitForInView(f.owner, f.inboxId, 'chat', (c) => c.preview === 'Chat for me?');
    await f.owner.patch(`/api/v1/conversations/${chat.id}`, { assigneeId: f.ownerId });

    const myEmail = await f.owner.post(`/api/v1/inboxes/${f.inboxId}/views`, { name: 'My email waiting', filters: { baseView: 'open', channel: 'email', assignee: 'me', needsReply: true } });
    expect(myEmail.status).toBe(201);
    expect(myEmail.body).toMatchObject({ name: 'My email waiting', shared: false, ownerId: f.ownerId, filters: { baseView: 'open', channel: 'email', assignee: 'me', needsReply: true } });
    const agentsWork = await f.owner.post(`/api/v1/inboxes/${f.inboxId}/views`, { name: "The agent's", shared: true, filters: { assignee: agent.id } });
    const unassignedChats = await f.owner.post(`/api/v1/inboxes/${f.inboxId}/views`, { name: 'Unassigned chats', filters: { baseView: 'unassigned', channel: 'chat' } });

    const ids = async (viewId: string, client = f.owner) => (await listView(client, f.inboxId, viewId)).map((c: { id: string }) => c.id);
    expect(await ids(myEmail.body.id)).toEqual([mine.id]);
    expect(await ids(agentsWork.body.id)).toEqual([others.id]);
    expect(await ids(unassignedChats.body.id)).toEqual([]);
    const now = await counts();
    expect([now[myEmail.body.id], now[agentsWork.body.id], now[unassignedChats.body.id]]).toEqual([1, 1, 0]);

    // The counts follow the conversations: once answered, it leaves "waiting".
    await f.owner.post(`/api/v1/conversations/${mine.id}/messages`, { text: 'Done' });
    expect((await counts())[myEmail.body.id]).toBe(0);
    expect(await ids(myEmail.body.id)).toEqual([]);

    // "me" is whoever looks: the agent sees the shared view, not the private one.
    const agentCounts = await counts(agent.client);
    expect(agentCounts[agentsWork.body.id]).toBe(1);
    expect(agentCounts).not.toHaveProperty(myEmail.body.id);
    const hidden = await agent.client.get(`/api/v1/inboxes/${f.inboxId}/conversations?view=${myEmail.body.id}`);
    expect([hidden.status, hidden.body.error.code]).toEqual([400, 'unknown_view']);
  });

  it('lets only the owner change a view, and an admin a shared one', async () => {
    const agent = await addAgent(f);
    const admin = await addAgent(f, 'admin');
    const shared = (await agent.client.post(`/api/v1/inboxes/${f.inboxId}/views`, { name: 'Shared by agent', shared: true, filters: { channel: 'email' } })).body;
    const privateOne = (await agent.client.post(`/api/v1/inboxes/${f.inboxId}/views`, { name: 'Private', filters: {} })).body;
    const other = await addAgent(f);
    expect((await other.client.put(`/api/v1/views/${shared.id}`, { name: 'Taken', shared: true, filters: {} })).status).toBe(403);
    expect((await other.client.put(`/api/v1/views/${privateOne.id}`, { name: 'Taken', filters: {} })).status).toBe(404);
    expect((await other.client.delete(`/api/v1/views/${shared.id}`)).status).toBe(403);
    const renamed = await admin.client.put(`/api/v1/views/${shared.id}`, { name: 'Renamed by admin', shared: true, filters: { channel: 'chat' } });
    expect(renamed.body).toMatchObject({ name: 'Renamed by admin', ownerId: agent.id, filters: { channel: 'chat' } });
    expect((await agent.client.put(`/api/v1/views/${privateOne.id}`, { name: 'Private, renamed', filters: { needsReply: true } })).body.name).toBe('Private, renamed');
    expect((await agent.client.delete(`/api/v1/views/${privateOne.id}`)).status).toBe(204);
    expect(await counts(agent.client)).not.toHaveProperty(privateOne.id);
  });

  it("shares a view with a team: its members see and count it, others don't; only members (or admins) share with a team", async () => {
    const [member, other] = [await addAgent(f), await addAgent(f)];
    for (const a of [member, other]) await f.owner.post(`/api/v1/inboxes/${f.inboxId}/members`, { userId: a.id });
    const team = (await f.owner.post('/api/v1/teams', { name: `View team ${uniqueEmail('t').slice(0, 12)}`, userIds: [member.id] })).body;
    const saved = await member.client.post(`/api/v1/inboxes/${f.inboxId}/views`, { name: 'Team email', teamId: team.id, filters: { baseView: 'open', channel: 'email' } });
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ shared: false, teamId: team.id, ownerId: member.id });
    expect(Object.keys(await counts(member.client))).toContain(saved.body.id);
    expect(Object.keys(await counts(other.client))).not.toContain(saved.body.id);
    const hidden = await other.client.get(`/api/v1/inboxes/${f.inboxId}/conversations?view=${saved.body.id}`);
    expect([hidden.status, hidden.body.error.code]).toEqual([400, 'unknown_view']);
    expect((await other.client.put(`/api/v1/views/${saved.body.id}`, { name: 'Taken' })).status).toBe(404);

    expect((await other.client.post(`/api/v1/inboxes/${f.inboxId}/views`, { name: 'Not mine', teamId: team.id })).body.error.code).toBe('not_team_member');
    expect((await member.client.post(`/api/v1/inboxes/${f.inboxId}/views`, { name: 'Both', teamId: team.id, shared: true })).body.error.code).toBe('conflicting_sharing');
    expect((await member.client.post(`/api/v1/inboxes/${f.inboxId}/views`, { name: 'Nope', teamId: 'tea_nope' })).body.error.code).toBe('team_not_found');
    // A new member sees it at once; an admin may share with any team.
    await f.owner.patch(`/api/v1/teams/${team.id}`, { userIds: [member.id, other.id] });
    expect(Object.keys(await counts(other.client))).toContain(saved.body.id);
    expect((await f.owner.post(`/api/v1/inboxes/${f.inboxId}/views`, { name: 'Admin for team', teamId: team.id })).status).toBe(201);
    // The team goes: the view stays with its owner only.
    await f.owner.delete(`/api/v1/teams/${team.id}`);
    expect(Object.keys(await counts(other.client))).not.toContain(saved.body.id);
    expect(Object.keys(await counts(member.client))).toContain(saved.body.id);
  });

  it('refuses bad views and other accounts, changing nothing', async () => {
    const before = Object.keys(await counts());
    const cases: [unknown, number, string][] = [
      [{ name: '' }, 400, 'validation_failed'],
      [{ name: 'x', filters: { baseView: 'trash' } }, 400, 'invalid_base_view'],
      [{ name: 'x', filters: { baseView: 'everything' } }, 400, 'validation_failed'],
      [{ name: 'x', filters: { channel: 'fax' } }, 400, 'validation_failed'],
      [{ name: 'x', filters: { assignee: "usr_1' OR '1'='1" } }, 400, 'invalid_assignee'],
      [{ name: 'x', filters: { assignee: 'usr_00000000-0000-7000-8000-000000000000' } }, 404, 'user_not_found'],
      [{ name: 'x', filters: {}, extra: 1 }, 400, 'validation_failed'],
    ];
    for (const [body, status, code] of cases) {
      const response = await f.owner.post(`/api/v1/inboxes/${f.inboxId}/views`, body);
      expect([response.status, response.body.error.code]).toEqual([status, code]);
    }
    expect((await f.owner.post('/api/v1/inboxes/inb_nope/views', { name: 'x' })).status).toBe(404);
    expect((await f.owner.get(`/api/v1/inboxes/${f.inboxId}/conversations?view=cvw_not-a-view`)).status).toBe(400);
    expect(Object.keys(await counts())).toEqual(before);

    const mine = (await f.owner.post(`/api/v1/inboxes/${f.inboxId}/views`, { name: 'Ours', shared: true })).body;
    const stranger = await signUp(f.anonymous, 'Elsewhere');
    expect((await stranger.client.put(`/api/v1/views/${mine.id}`, { name: 'Theirs', shared: true })).status).toBe(404);
    expect((await stranger.client.delete(`/api/v1/views/${mine.id}`)).status).toBe(404);
    expect((await stranger.client.post(`/api/v1/inboxes/${f.inboxId}/views`, { name: 'Into yours' })).status).toBe(404);
    expect((await counts())[mine.id]).toBeDefined();
  });
});
