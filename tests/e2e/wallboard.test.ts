// The supervisors' wallboard against the real services: after a burst of 1,000 inbound messages
// its open and unassigned counts equal the inbox's view counts, live over the WebSocket and on
// GET; a socket that reconnects after missing changes gets a board that is right again; the
// longest wait, what is past due, today's first responses and the agents (available, away, at
// capacity) are what the data says. Agents cannot watch it.
import pg from 'pg';
import { connectNats, createLogger, type NatsConnection } from '@inbox/lib';
import { addAgent, startInboxFixture, viewCounts, type InboxFixture } from '../support/inbox-fixture';
import { publishInboundBurst } from '../support/inbound-events';
import { RealtimeClient, type Frame } from '../support/realtime';
import { databaseUrl, testStack, waitFor } from '@inbox/testkit';

jest.setTimeout(240_000);

describe('wallboard', () => {
  let f: InboxFixture;
  let db: pg.Client;
  let nc: NatsConnection;
  let channelId: string;

  beforeAll(async () => {
    f = await startInboxFixture({}, ['routing'], { gateway: { GATEWAY_WALLBOARD_REFRESH_MS: '200' } });
    db = new pg.Client({ connectionString: databaseUrl('inbox_test_conversation') });
    await db.connect();
    nc = await connectNats(testStack.TEST_NATS_URL, 'wallboard-test', createLogger({ service: 'test', level: 'silent' }));
    channelId = (await f.owner.get(`/api/v1/inboxes/${f.inboxId}/channels`)).body.items[0].id;
  });

  afterAll(async () => {
    await nc?.close();
    await db?.end();
    await f?.stop();
  });

  const inboxRow = (board: any) => board.inboxes.find((r: any) => r.id === f.inboxId);
  async function settledCounts(): Promise<Record<string, number>> {
    let previous = '';
    return waitFor('the view counts to settle', async () => {
      const counts = await viewCounts(f.owner, f.inboxId);
      const now = JSON.stringify(counts);
      const settled = now === previous;
      previous = now;
      await new Promise((resolve) => setTimeout(resolve, 300));
      return settled ? counts : undefined;
    }, 60_000);
  }
  /** Waits for a board frame (after `from`) whose inbox row shows these counts. */
  const boardShowing = (socket: RealtimeClient, counts: Record<string, number>, from = 0) =>
    waitFor('a wallboard frame with the view counts', async () => {
      const frames = socket.frames.slice(from).filter((x: Frame) => x.type === 'wallboard');
      return frames.map((x) => x.board).find((b) => inboxRow(b).open === counts.open && inboxRow(b).unassigned === counts.unassigned);
    }, 30_000);

  it('equals the view counts after a burst of 1,000 inbound messages, live and on GET, and again after a reconnect', async () => {
    const socket = await RealtimeClient.connect(f.stack.gatewayUrl, { token: f.owner.token });
    socket.send({ type: 'wallboard.watch' });
    const first = await socket.next((x) => x.type === 'wallboard');
    expect(inboxRow(first.board)).toMatchObject({ open: 0, unassigned: 0, oldestWaitingSince: null, breaching: 0 });

    const ids = Array.from({ length: 1000 }, (_, i) => `wallboard-${f.accountId}-${i}`);
    await publishInboundBurst(nc, { accountId: f.accountId, userId: f.ownerId, inboxId: f.inboxId, channelId, address: f.address }, ids);
    await waitFor('1,000 conversations', async () => ((await viewCounts(f.owner, f.inboxId)).open === 1000 ? true : undefined), 120_000, 500);
    const counts = await settledCounts();
    const live = await boardShowing(socket, counts);
    expect(inboxRow(live)).toMatchObject({ open: 1000, unassigned: 1000 });
    const fetched = (await f.owner.get('/api/v1/wallboard')).body;
    expect(inboxRow(fetched)).toMatchObject({ open: counts.open, unassigned: counts.unassigned });
    const oldest = (await db.query(`SELECT min(last_message_at) AS at FROM conversations WHERE inbox_id = $1 AND status = 'open'`, [f.inboxId])).rows[0].at;
    expect(inboxRow(fetched).oldestWaitingSince).toBe(oldest.toISOString());

    // Changes while the socket is away: some conversations closed, some assigned, some past due.
    await socket.close();
    const open = (await f.owner.get(`/api/v1/inboxes/${f.inboxId}/conversations?view=open&limit=30`)).body.items;
    for (const c of open.slice(0, 10)) expect((await f.owner.patch(`/api/v1/conversations/${c.id}`, { status: 'closed' })).status).toBe(200);
    for (const c of open.slice(10, 15)) expect((await f.owner.patch(`/api/v1/conversations/${c.id}`, { assigneeId: f.ownerId })).status).toBe(200);
    await db.query(`UPDATE conversations SET sla_due_at = now() - interval '1 minute' WHERE id = ANY($1)`, [open.slice(15, 18).map((c: any) => c.id)]);
    const again = await RealtimeClient.connect(f.stack.gatewayUrl, { token: f.owner.token });
    again.send({ type: 'wallboard.watch' });
    const resumed = (await again.next((x) => x.type === 'wallboard')).board;
    const countsAfter = await viewCounts(f.owner, f.inboxId);
    expect(countsAfter).toMatchObject({ open: 990, unassigned: 985 });
    expect(inboxRow(resumed)).toMatchObject({ open: countsAfter.open, unassigned: countsAfter.unassigned, breaching: 3 });

    // Live again: a change reaches the watching socket without asking.
    const seen = again.frames.length;
    await f.owner.patch(`/api/v1/conversations/${open[20].id}`, { status: 'closed' });
    const next = await boardShowing(again, { open: 989, unassigned: 984 }, seen);
    expect(inboxRow(next)).toMatchObject({ open: 989, unassigned: 984 });
    await again.close();
  });

  it('shows teams, today’s first responses and the agents available, away and at capacity; agents cannot watch', async () => {
    const ready = await addAgent(f);
    const away = await addAgent(f);
    const full = await addAgent(f);
    const team = (await f.owner.post('/api/v1/teams', { name: 'Night shift', userIds: [ready.id, away.id, full.id] })).body;
    expect((await f.owner.put(`/api/v1/users/${away.id}/availability`, { status: 'away' })).status).toBe(200);
    expect((await f.owner.put(`/api/v1/inboxes/${f.inboxId}/routing`, { mode: 'none', capacity: { email: 2 } })).status).toBe(200);
    const open = (await f.owner.get(`/api/v1/inboxes/${f.inboxId}/conversations?view=unassigned&limit=6`)).body.items;
    for (const c of open.slice(0, 2)) await f.owner.patch(`/api/v1/conversations/${c.id}`, { assigneeId: full.id, teamId: team.id });
    await f.owner.patch(`/api/v1/conversations/${open[2].id}`, { teamId: team.id });
    // Replying takes an unassigned conversation: one, so the agent stays under the limit of two.
    expect((await ready.client.post(`/api/v1/conversations/${open[3].id}/messages`, { text: 'Looking into it' })).status).toBe(201);

    const board = await waitFor('the first response', async () => {
      const b = (await f.owner.get('/api/v1/wallboard')).body;
      return inboxRow(b).firstResponsesToday === 1 ? b : undefined;
    });
    const teamRow = board.teams.find((r: any) => r.id === team.id);
    expect(teamRow).toMatchObject({ name: 'Night shift', open: 3, unassigned: 1, agents: { available: 1, away: 1, atCapacity: 1 } });
    const members: string[] = (await f.owner.get('/api/v1/inboxes')).body.items.find((i: any) => i.id === f.inboxId).memberIds;
    expect(members).toEqual(expect.arrayContaining([ready.id, away.id, full.id]));
    // The owner holds five conversations from the test before: full too, if they work the inbox.
    const ownerFull = members.includes(f.ownerId) ? 1 : 0;
    expect(inboxRow(board).agents).toEqual({ available: members.length - 2 - ownerFull, away: 1, atCapacity: 1 + ownerFull });
    expect(inboxRow(board).firstResponseMedianSecondsToday).toBeGreaterThanOrEqual(0);
    expect(Date.parse(board.asOf)).toBeLessThanOrEqual(Date.now());

    const socket = await RealtimeClient.connect(f.stack.gatewayUrl, { token: ready.client.token });
    socket.send({ type: 'wallboard.watch' });
    expect(await socket.next((x) => x.type === 'error')).toMatchObject({ code: 'forbidden' });
    expect(socket.all((x) => x.type === 'wallboard')).toEqual([]);
    await socket.close();
  });
});
