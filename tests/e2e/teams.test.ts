// Teams against the real services: admins create, rename, re-member and delete them; a
// conversation may belong to one, and "my teams" views list and count it for its members; a
// team-routed inbox spreads a burst evenly across the team's available members only, each
// conversation assigned once; "@Team" notifies each member once. Bad input, agents on admin
// routes and other accounts' ids change nothing.
import { randomUUID } from 'node:crypto';
import { signUp, uniqueEmail } from '../support/api-client';
import { addAgent, deliver, listView, startInboxFixture, viewCounts, waitForInView, type InboxFixture } from '../support/inbox-fixture';
import { buildEmail } from '../support/smtp';
import { RealtimeClient } from '../support/realtime';
import { waitFor } from '@inbox/testkit';

jest.setTimeout(300_000);

type Agent = Awaited<ReturnType<typeof addAgent>>;

describe('teams', () => {
  let f: InboxFixture;
  const members: Agent[] = [];
  let outsider: Agent;

  beforeAll(async () => {
    // Routing keeps its copy of the directory for long here: only the change announcements refresh it.
    f = await startInboxFixture({}, ['routing', 'notification'], { routing: { ROUTING_DIRECTORY_CACHE_MS: '600000' } });
    for (let i = 0; i < 5; i += 1) members.push(await addAgent(f));
    outsider = await addAgent(f);
    for (const a of [...members, outsider]) await f.owner.post(`/api/v1/inboxes/${f.inboxId}/members`, { userId: a.id });
  });

  afterAll(async () => {
    await f?.stop();
  });

  const teamName = () => `Team ${randomUUID().slice(0, 8)}`;

  it('creates, renames, re-members and deletes teams; refuses bad requests and changes nothing', async () => {
    const name = teamName();
    const created = await f.owner.post('/api/v1/teams', { name, userIds: [members[0].id, members[1].id, members[0].id] });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.stringMatching(/^tea_/), name, userIds: [members[0].id, members[1].id] });
    const id = created.body.id as string;
    // A user may be in several teams.
    const second = await f.owner.post('/api/v1/teams', { name: teamName(), userIds: [members[0].id] });
    expect(second.status).toBe(201);

    const renamed = await f.owner.patch(`/api/v1/teams/${id}`, { name: `${name} renamed`, userIds: [members[1].id, members[2].id] });
    expect(renamed.body).toEqual({ id, name: `${name} renamed`, userIds: [members[1].id, members[2].id] });
    expect((await members[3].client.get('/api/v1/teams')).body.items.find((t: { id: string }) => t.id === id).userIds).toEqual([members[1].id, members[2].id]);

    const intruder = await signUp(f.anonymous);
    const cases: [typeof f.owner, 'post' | 'patch' | 'delete', string, unknown, number, string][] = [
      [f.owner, 'post', '/api/v1/teams', { name: '' }, 400, 'validation_failed'],
      [f.owner, 'post', '/api/v1/teams', { name: 'x', userIds: 'usr_1' }, 400, 'validation_failed'],
      [f.owner, 'post', '/api/v1/teams', { name: 'x', userIds: ['usr_nobody'] }, 400, 'unknown_users'],
      [f.owner, 'post', '/api/v1/teams', { name: 'x', userIds: [intruder.userId] }, 400, 'unknown_users'],
      [f.owner, 'post', '/api/v1/teams', { name: `${name} RENAMED` }, 409, 'team_name_taken'],
      [f.owner, 'patch', `/api/v1/teams/${second.body.id}`, { name: `${name} renamed` }, 409, 'team_name_taken'],
      [f.owner, 'patch', `/api/v1/teams/${id}`, {}, 400, 'validation_failed'],
      [f.owner, 'patch', '/api/v1/teams/tea_nope', { name: 'x' }, 404, 'team_not_found'],
      [members[0].client, 'post', '/api/v1/teams', { name: 'Agents' }, 403, 'forbidden'],
      [members[0].client, 'patch', `/api/v1/teams/${id}`, { name: 'Agents' }, 403, 'forbidden'],
      [members[0].client, 'delete', `/api/v1/teams/${id}`, undefined, 403, 'forbidden'],
      [intruder.client, 'patch', `/api/v1/teams/${id}`, { name: 'Theirs' }, 404, 'team_not_found'],
      [intruder.client, 'delete', `/api/v1/teams/${id}`, undefined, 404, 'team_not_found'],
    ];
    for (const [client, method, path, body, status, code] of cases) {
      const response = method === 'delete' ? await client.delete(path) : await client[method](path, body);
      expect({ method, path, body, status: response.status, code: response.body?.error?.code }).toEqual({ method, path, body, status, code });
    }
    expect((await intruder.client.get('/api/v1/teams')).body.items).toEqual([]);
    expect((await f.owner.get('/api/v1/teams')).body.items.find((t: { id: string }) => t.id === id)).toEqual(renamed.body);

    expect((await f.owner.delete(`/api/v1/teams/${second.body.id}`)).status).toBe(204);
    expect((await f.owner.delete(`/api/v1/teams/${second.body.id}`)).status).toBe(404);
  });

  it("puts conversations in a team, lists and counts them in its members' team views, and takes them out when the team goes", async () => {
    const team = (await f.owner.post('/api/v1/teams', { name: teamName(), userIds: [members[0].id, members[1].id] })).body;
    await deliver(f, { from: uniqueEmail('teamed'), to: f.address, subject: 'For the team', text: 'Team work' });
    const conversation = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.subject === 'For the team');
    const put = await members[0].client.patch(`/api/v1/conversations/${conversation.id}`, { teamId: team.id });
    expect([put.status, put.body.teamId]).toEqual([200, team.id]);

    for (const view of ['team', 'team_unassigned']) {
      expect((await listView(members[1].client, f.inboxId, view)).map((c) => c.id)).toContain(conversation.id);
      expect((await listView(outsider.client, f.inboxId, view)).map((c) => c.id)).not.toContain(conversation.id);
    }
    const counts = await viewCounts(members[1].client, f.inboxId);
    expect(counts.team).toBe((await listView(members[1].client, f.inboxId, 'team')).length);
    expect(counts.team_unassigned).toBe((await listView(members[1].client, f.inboxId, 'team_unassigned')).length);
    expect((await viewCounts(outsider.client, f.inboxId)).team).toBe(0);

    await f.owner.patch(`/api/v1/conversations/${conversation.id}`, { assigneeId: members[1].id });
    expect((await listView(members[1].client, f.inboxId, 'team_unassigned')).map((c) => c.id)).not.toContain(conversation.id);
    expect((await listView(members[1].client, f.inboxId, 'team')).map((c) => c.id)).toContain(conversation.id);

    const intruder = await signUp(f.anonymous);
    const theirs = (await intruder.client.post('/api/v1/teams', { name: 'Theirs' })).body.id;
    expect((await f.owner.patch(`/api/v1/conversations/${conversation.id}`, { teamId: theirs })).body.error.code).toBe('team_not_found');
    expect((await f.owner.patch(`/api/v1/conversations/${conversation.id}`, { teamId: 42 })).status).toBe(400);
    expect((await f.owner.get(`/api/v1/conversations/${conversation.id}`)).body.teamId).toBe(team.id);

    expect((await f.owner.delete(`/api/v1/teams/${team.id}`)).status).toBe(204);
    expect((await f.owner.get(`/api/v1/conversations/${conversation.id}`)).body.teamId).toBeNull();
    expect((await viewCounts(members[1].client, f.inboxId)).team).toBe((await listView(members[1].client, f.inboxId, 'team')).length);
  });

  it("spreads 300 concurrent conversations evenly across a routing team's available members, none to others, each assigned once", async () => {
    const team = (await f.owner.post('/api/v1/teams', { name: teamName(), userIds: members.map((m) => m.id) })).body;
    const inbox = (await f.owner.post('/api/v1/inboxes', { name: 'Team routed' })).body.id as string;
    const address = (await f.owner.post(`/api/v1/inboxes/${inbox}/channels`, { type: 'email', name: 'Team routed' })).body.address as string;
    for (const a of [...members, outsider]) await f.owner.post(`/api/v1/inboxes/${inbox}/members`, { userId: a.id });
    expect((await f.owner.put(`/api/v1/inboxes/${inbox}/routing`, { mode: 'round_robin', teamIds: [team.id] })).body).toMatchObject({ teamIds: [team.id], userIds: [] });
    expect((await f.owner.put(`/api/v1/inboxes/${inbox}/routing`, { mode: 'round_robin', teamIds: ['tea_nope'] })).body.error.code).toBe('unknown_teams');

    let sent = 0;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (sent < 300) {
          const i = sent++;
          const response = await fetch(`${f.stack.ingestUrl}/ingest/v1/email?to=${encodeURIComponent(address)}`, {
            method: 'POST',
            headers: { 'content-type': 'message/rfc822' },
            body: buildEmail({ from: uniqueEmail('burst'), to: address, subject: `Team burst ${i}`, text: 'x' }).raw,
          });
          if (response.status !== 202) throw new Error(`ingest answered ${response.status}`);
        }
      }),
    );
    await waitFor('all 300 assigned', async () => {
      const counts = await viewCounts(f.owner, inbox);
      return counts.open === 300 && counts.unassigned === 0;
    }, 120_000, 500);
    const open: { id: string; assignee: { id: string } }[] = [];
    let cursor = '';
    do {
      const page = (await f.owner.get(`/api/v1/inboxes/${inbox}/conversations?view=open&limit=100${cursor ? `&cursor=${cursor}` : ''}`)).body;
      open.push(...page.items);
      cursor = page.nextCursor ?? '';
    } while (cursor);
    const perAgent = new Map<string, number>();
    for (const c of open) perAgent.set(c.assignee.id, (perAgent.get(c.assignee.id) ?? 0) + 1);
    for (const m of members) expect(Math.abs((perAgent.get(m.id) ?? 0) - 60)).toBeLessThanOrEqual(1);
    expect(perAgent.get(outsider.id)).toBeUndefined();
    const sample = await Promise.all(open.slice(0, 30).map(async (c) => (await f.owner.get(`/api/v1/conversations/${c.id}/routing`)).body.items));
    for (const decisions of sample) expect(decisions.filter((d: { outcome: string }) => d.outcome === 'assigned')).toHaveLength(1);
  });

  it('announces a team change: routing uses the new members at once, and open inboxes hear of it', async () => {
    const team = (await f.owner.post('/api/v1/teams', { name: teamName(), userIds: [members[0].id] })).body;
    const inbox = (await f.owner.post('/api/v1/inboxes', { name: 'Team changes' })).body.id as string;
    const address = (await f.owner.post(`/api/v1/inboxes/${inbox}/channels`, { type: 'email', name: 'Team changes' })).body.address as string;
    for (const a of members) await f.owner.post(`/api/v1/inboxes/${inbox}/members`, { userId: a.id });
    await f.owner.put(`/api/v1/inboxes/${inbox}/routing`, { mode: 'round_robin', teamIds: [team.id] });
    const assigneeOf = async (subject: string) => {
      await deliver(f, { from: uniqueEmail('changes'), to: address, envelopeTo: [address], subject, text: 'x' });
      const c = await waitForInView(f.owner, inbox, 'open', (item) => item.subject === subject && item.assignee !== null);
      return c.assignee.id as string;
    };
    expect(await assigneeOf('Before the change')).toBe(members[0].id);

    const socket = await RealtimeClient.connect(f.stack.gatewayUrl, { token: members[1].client.token });
    const other = await RealtimeClient.connect(f.stack.gatewayUrl, { token: (await signUp(f.anonymous)).client.token });
    try {
      expect((await f.owner.patch(`/api/v1/teams/${team.id}`, { userIds: [members[1].id] })).status).toBe(200);
      expect(await socket.next((frame) => frame.type === 'directory.changed')).toEqual({ type: 'directory.changed', part: 'teams' });
      expect(await assigneeOf('After the change')).toBe(members[1].id);
      // Another account hears nothing of it.
      expect(other.all((frame) => frame.type === 'directory.changed')).toEqual([]);
    } finally {
      await Promise.all([socket.close(), other.close()]);
    }
  });

  it('notifies each member of a mentioned team once, and never the author', async () => {
    const name = `Billing${randomUUID().slice(0, 6)}`;
    const team = (await f.owner.post('/api/v1/teams', { name, userIds: [members[2].id, members[3].id, f.ownerId] })).body;
    await deliver(f, { from: uniqueEmail('billing'), to: f.address, subject: 'Invoice question', text: 'Wrong amount' });
    const conversation = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.subject === 'Invoice question');
    const comment = await f.owner.post(`/api/v1/conversations/${conversation.id}/comments`, { text: `@${name} can you look? cc @${name}` });
    expect(comment.status).toBe(201);
    expect([...comment.body.mentionedUserIds].sort()).toEqual([members[2].id, members[3].id].sort());
    for (const m of [members[2], members[3]]) {
      const mine = await waitFor('the team mention', async () => {
        const items = (await m.client.get('/api/v1/notifications')).body.items.filter((n: { conversationId: string }) => n.conversationId === conversation.id);
        return items.length ? items : undefined;
      });
      expect(mine.map((n: { kind: string }) => n.kind)).toEqual(['mention']);
    }
    expect(team.userIds).toContain(f.ownerId);
    expect((await f.owner.get('/api/v1/notifications')).body.items.some((n: { conversationId: string }) => n.conversationId === conversation.id)).toBe(false);
  });
});
