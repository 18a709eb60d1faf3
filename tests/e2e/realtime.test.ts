// The agents' WebSocket against the real services, with two gateway replicas: notifications
// arrive live and in the list; every event of an agent's inboxes reaches a socket on either
// replica once and in order; a client away for 10 seconds gets exactly what it missed; other
// accounts and non-members get nothing; viewing/typing presence is live; bad frames are refused.
import { signUp, uniqueEmail } from '../support/api-client';
import { addAgent, deliver, startInboxFixture, waitForInView, type InboxFixture } from '../support/inbox-fixture';
import { RealtimeClient, type Frame } from '../support/realtime';
import { launchService, type LaunchedService } from '../support/services';
import { freePort } from '../support/service-process';
import { waitFor } from '@inbox/testkit';

jest.setTimeout(120_000);

describe('realtime', () => {
  let f: InboxFixture;
  let second: LaunchedService;
  let agent: Awaited<ReturnType<typeof addAgent>>;
  const clients: RealtimeClient[] = [];

  const connect = async (gatewayUrl: string, options: Parameters<typeof RealtimeClient.connect>[1]) => {
    const client = await RealtimeClient.connect(gatewayUrl, options);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    f = await startInboxFixture({}, ['notification']);
    const gateway = f.stack.services.gateway!.process.env;
    second = await launchService('gateway', { CONVERSATION_GRPC_ADDR: gateway.CONVERSATION_GRPC_ADDR, NOTIFICATION_GRPC_ADDR: gateway.NOTIFICATION_GRPC_ADDR });
    await second.process.waitReady();
    agent = await addAgent(f);
    expect((await f.owner.post(`/api/v1/inboxes/${f.inboxId}/members`, { userId: agent.id })).status).toBeLessThan(300);
  });

  afterAll(async () => {
    for (const c of clients) await c.close();
    await second?.process.stop();
    await f?.stop();
  });

  async function newConversation(subject: string) {
    const from = uniqueEmail('live');
    await deliver(f, { from, to: f.address, subject, text: subject });
    return { conversation: await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === from), from };
  }

  it('delivers a mention, an assignment and a new inbound message as exactly one notification each, live and in the list', async () => {
    const socket = await connect(second.httpUrl, { token: agent.client.token });
    const { conversation, from } = await newConversation('Notify me live');
    await f.owner.post(`/api/v1/conversations/${conversation.id}/comments`, { text: `@${agent.email} have a look` });
    await f.owner.patch(`/api/v1/conversations/${conversation.id}`, { assigneeId: agent.id });
    await deliver(f, { from, to: f.address, subject: 'Re: Notify me live', text: 'Hello again' });
    const kinds = ['mention', 'assignment', 'new_message'];
    for (const kind of kinds) await socket.next((fr) => fr.type === 'notification.created' && fr.kind === kind && fr.conversationId === conversation.id);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const live = socket.all((fr) => fr.type === 'notification.created' && fr.conversationId === conversation.id);
    expect(live.map((fr) => fr.kind).sort()).toEqual([...kinds].sort());
    expect(live.every((fr) => fr.stream === 'notification' && fr.seq > socket.hello.seq.notification)).toBe(true);
    // After a reload the same three are in the list, with the same ids.
    const list = (await agent.client.get('/api/v1/notifications?limit=100')).body.items.filter((n: { conversationId: string }) => n.conversationId === conversation.id);
    expect(list.map((n: { id: string }) => n.id).sort()).toEqual(live.map((fr) => fr.notificationId).sort());
    // The owner, who acted, is not notified.
    const ownerList = (await f.owner.get('/api/v1/notifications?limit=100')).body.items.filter((n: { conversationId: string }) => n.conversationId === conversation.id);
    expect(ownerList).toEqual([]);
  });

  it('gives sockets on either replica every event of their inboxes once and in order', async () => {
    const onFirst = await connect(f.stack.gatewayUrl, { token: agent.client.token });
    const onSecond = await connect(second.httpUrl, { token: f.owner.token });
    const conversations = await Promise.all([1, 2, 3].map((i) => newConversation(`Ordered ${i}`)));
    for (const { conversation } of conversations) {
      for (let i = 0; i < 5; i += 1) await f.owner.post(`/api/v1/conversations/${conversation.id}/comments`, { text: `note ${i}` });
      await f.owner.patch(`/api/v1/conversations/${conversation.id}`, { status: 'closed' });
    }
    const ids = new Set(conversations.map((c) => c.conversation.id));
    const ofThese = (c: RealtimeClient) => c.all((fr) => fr.stream === 'conversation' && ids.has(fr.conversationId));
    await waitFor('both sockets to see the closes', async () => [onFirst, onSecond].every((c) => ofThese(c).filter((fr) => fr.conversation?.status === 'closed').length >= 3));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const first = ofThese(onFirst);
    const secondFrames = ofThese(onSecond);
    expect(first.map((fr) => fr.seq)).toEqual(secondFrames.map((fr) => fr.seq));
    const seqs = first.map((fr) => fr.seq);
    expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
    for (const { conversation } of conversations) {
      const mine = first.filter((fr) => fr.conversationId === conversation.id);
      expect(mine.filter((fr) => fr.type === 'comment.created').map((fr) => fr.commentId)).toHaveLength(5);
      expect(mine[mine.length - 1].conversation).toMatchObject({ id: conversation.id, status: 'closed' });
    }
    await onFirst.next((fr) => fr.type === 'views.changed' && fr.inboxId === f.inboxId);
  });

  it('tells sockets to refetch view counts after a change that moves them, not after a comment', async () => {
    const { conversation } = await newConversation('Counts or not');
    const socket = await connect(f.stack.gatewayUrl, { token: f.owner.token });
    // The conversation's own events may still be on their way, with their views.changed after them.
    await new Promise((resolve) => setTimeout(resolve, 750));
    socket.frames.length = 0;
    const comment = (await f.owner.post(`/api/v1/conversations/${conversation.id}/comments`, { text: 'only a note' })).body;
    await socket.next((fr) => fr.type === 'comment.created' && fr.commentId === comment.id);
    // views.changed follows a change within a quarter of a second.
    await new Promise((resolve) => setTimeout(resolve, 750));
    expect(socket.all((fr) => fr.type === 'views.changed')).toEqual([]);
    await f.owner.patch(`/api/v1/conversations/${conversation.id}`, { status: 'closed' });
    await socket.next((fr) => fr.type === 'views.changed' && fr.inboxId === f.inboxId);
  });

  it('replays exactly what a client missed during 10 seconds away: 200 events, none twice', async () => {
    const { conversation } = await newConversation('Away for a while');
    const control = await connect(f.stack.gatewayUrl, { token: f.owner.token });
    const leaving = await connect(second.httpUrl, { token: agent.client.token });
    await f.owner.post(`/api/v1/conversations/${conversation.id}/comments`, { text: 'before leaving' });
    await leaving.next((fr) => fr.type === 'comment.created' && fr.conversationId === conversation.id);
    const since = leaving.lastSeq();
    const leftAt = Date.now();
    await leaving.close();
    for (let i = 0; i < 200; i += 1) await f.owner.post(`/api/v1/conversations/${conversation.id}/comments`, { text: `while away ${i}` });
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 10_000 - (Date.now() - leftAt))));

    const back = await connect(f.stack.gatewayUrl, { token: agent.client.token, since });
    expect(back.hello).toMatchObject({ resumed: true, seq: since });
    const missed = (c: RealtimeClient) => c.all((fr) => fr.type === 'comment.created' && fr.conversationId === conversation.id && fr.seq > since.conversation);
    await waitFor('the 200 missed comments', async () => missed(back).length >= 200, 20_000, 100);
    await f.owner.post(`/api/v1/conversations/${conversation.id}/comments`, { text: 'after coming back' });
    await waitFor('the live one after the replay', async () => missed(back).length === 201 && missed(control).length === 201, 10_000, 50);
    const seqs = back.all((fr) => fr.stream === 'conversation').map((fr) => fr.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(missed(back).map((fr) => fr.commentId)).toEqual(missed(control).map((fr) => fr.commentId));
  });

  it('resumes a client while events keep coming: what it missed and what is live, each once and in order', async () => {
    const { conversation } = await newConversation('Busy while resuming');
    const comments = `/api/v1/conversations/${conversation.id}/comments`;
    const control = await connect(f.stack.gatewayUrl, { token: f.owner.token });
    const leaving = await connect(f.stack.gatewayUrl, { token: agent.client.token });
    await f.owner.post(comments, { text: 'before leaving' });
    await leaving.next((fr) => fr.type === 'comment.created' && fr.conversationId === conversation.id);
    const since = leaving.lastSeq();
    await leaving.close();
    let posted = 0;
    for (; posted < 50; posted += 1) await f.owner.post(comments, { text: `while away ${posted}` });
    // The socket's replay and the live events meet while the writer goes on.
    let writing = true;
    const writer = (async () => {
      while (writing) {
        posted += 1;
        await f.owner.post(comments, { text: `while coming back ${posted}` });
      }
    })();
    const back = await connect(f.stack.gatewayUrl, { token: agent.client.token, since });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    writing = false;
    await writer;
    const missed = (c: RealtimeClient) => c.all((fr) => fr.type === 'comment.created' && fr.conversationId === conversation.id && fr.seq > since.conversation);
    await waitFor('every comment on both sockets', async () => missed(back).length >= posted && missed(control).length >= posted, 20_000, 50);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const seqs = back.all((fr) => fr.stream === 'conversation').map((fr) => fr.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(missed(back).map((fr) => fr.commentId)).toEqual(missed(control).map((fr) => fr.commentId));
    expect(missed(back)).toHaveLength(posted);
  });

  it('tells a client to refetch when it missed more than can be replayed', async () => {
    const gateway = f.stack.services.gateway!.process.env;
    const small = await launchService('gateway', { CONVERSATION_GRPC_ADDR: gateway.CONVERSATION_GRPC_ADDR, GATEWAY_REALTIME_MAX_REPLAY: '20' });
    try {
      await small.process.waitReady();
      const { conversation } = await newConversation('Too much missed');
      const before = await connect(small.httpUrl, { token: f.owner.token });
      const since = before.lastSeq();
      await before.close();
      for (let i = 0; i < 30; i += 1) await f.owner.post(`/api/v1/conversations/${conversation.id}/comments`, { text: `flood ${i}` });
      await new Promise((resolve) => setTimeout(resolve, 500));
      const back = await connect(small.httpUrl, { token: f.owner.token, since });
      const resync = await back.next((fr) => fr.type === 'resync' && fr.stream === 'conversation');
      expect(resync.seq).toBeGreaterThan(since.conversation);
      await f.owner.post(`/api/v1/conversations/${conversation.id}/comments`, { text: 'fresh start' });
      const live = await back.next((fr) => fr.type === 'comment.created' && fr.conversationId === conversation.id);
      expect(live.seq).toBeGreaterThan(resync.seq);
      expect(back.all((fr) => fr.type === 'comment.created')).toHaveLength(1);
      await back.close();
    } finally {
      await small.process.stop();
    }
  });

  it('reads what a user may see once when it changes, not once per socket, and every socket follows', async () => {
    const joining = await addAgent(f, 'agent', { member: false });
    const sockets = await Promise.all(Array.from({ length: 8 }, () => connect(f.stack.gatewayUrl, { token: joining.client.token })));
    const inboxReads = async () => {
      const text = await (await fetch(`${f.stack.services.conversation!.opsUrl}/metrics`)).text();
      return [...text.matchAll(/^inbox_grpc_server_handled_total\{[^}]*\/listInboxes"[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
    };
    const settled = async () => {
      let last = await inboxReads();
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        const now = await inboxReads();
        if (now === last) return now;
        last = now;
      }
    };
    const before = await settled();
    expect((await f.owner.post(`/api/v1/inboxes/${f.inboxId}/members`, { userId: joining.id })).status).toBeLessThan(300);
    // The 8 sockets' new access is one read (it was 8).
    expect((await settled()) - before).toBeLessThanOrEqual(2);
    const { conversation } = await newConversation('Seen by every socket after joining');
    await Promise.all(sockets.map((socket) => socket.next((fr) => fr.type === 'conversation.created' && fr.conversationId === conversation.id)));
  });

  it('gives another account and a non-member nothing', async () => {
    const { client: stranger } = await signUp(f.anonymous, 'Strangers');
    const outsider = await addAgent(f, 'agent', { member: false }); // same account, member of no inbox
    const strangerSocket = await connect(second.httpUrl, { token: stranger.token });
    const outsiderSocket = await connect(f.stack.gatewayUrl, { token: outsider.client.token });
    expect(outsiderSocket.hello.inboxIds).toEqual([]);
    outsiderSocket.send({ type: 'subscribe', inboxIds: [f.inboxId] });
    const refused = await outsiderSocket.next((fr) => fr.type === 'error');
    expect(refused).toMatchObject({ code: 'not_a_member', details: { inboxIds: [f.inboxId] } });
    const watcher = await connect(f.stack.gatewayUrl, { token: f.owner.token });
    const { conversation } = await newConversation('Private to members');
    await f.owner.post(`/api/v1/conversations/${conversation.id}/comments`, { text: `@${outsider.email} not for you live` });
    await watcher.next((fr) => fr.type === 'comment.created' && fr.conversationId === conversation.id);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(strangerSocket.all((fr) => fr.stream === 'conversation' || fr.type === 'notification.created')).toEqual([]);
    expect(outsiderSocket.all((fr) => fr.stream === 'conversation')).toEqual([]);
    // A mention does not open an inbox to a non-member: no notification about it either.
    expect(outsiderSocket.all((fr) => fr.type === 'notification.created')).toEqual([]);
    // Presence on another account's conversation is refused as not found.
    strangerSocket.send({ type: 'presence', conversationId: conversation.id, activity: 'viewing' });
    expect(await strangerSocket.next((fr) => fr.type === 'error')).toMatchObject({ code: 'conversation_not_found' });
  });

  it('refuses bad tokens and bad frames clearly', async () => {
    await expect(RealtimeClient.connect(f.stack.gatewayUrl, { token: 'not-a-token' })).rejects.toMatchObject({ status: 401 });
    await expect(RealtimeClient.connect(f.stack.gatewayUrl, { token: f.owner.token, since: { bogus: 1 } })).rejects.toMatchObject({ status: 400 });
    const byFrame = await connect(f.stack.gatewayUrl, { authFrame: { type: 'auth', ticket: await RealtimeClient.ticket(f.stack.gatewayUrl, f.owner.token!) } });
    expect(byFrame.hello.user.id).toBe(f.ownerId);
    const wrongFirst = await connect(f.stack.gatewayUrl, { authFrame: { type: 'subscribe', inboxIds: [] }, expectHello: false });
    await waitFor('the socket closed', async () => wrongFirst.closed);
    expect(wrongFirst.closed!.code).toBe(4401);
    expect(wrongFirst.frames[0]).toMatchObject({ type: 'error', code: 'auth_required' });
    const badToken = await connect(f.stack.gatewayUrl, { authFrame: { type: 'auth', ticket: 'nope' }, expectHello: false });
    await waitFor('the socket closed', async () => badToken.closed);
    expect(badToken.closed!.code).toBe(4401);

    const errors: Frame[] = [];
    const expectError = async (frame: Frame | string, code: string) => {
      const seen = byFrame.all((fr) => fr.type === 'error').length;
      byFrame.send(frame);
      await waitFor(`error ${code}`, async () => byFrame.all((fr) => fr.type === 'error').length > seen);
      errors.push(byFrame.all((fr) => fr.type === 'error')[seen]);
      expect(errors[errors.length - 1].code).toBe(code);
    };
    await expectError('{not json', 'invalid_json');
    await expectError({ type: 'dance' }, 'unknown_frame');
    await expectError({ type: 'subscribe', inboxIds: 'all' }, 'invalid_subscribe');
    await expectError({ type: 'presence', conversationId: 'x', activity: 'sleeping' }, 'invalid_presence');
    await expectError({ type: 'presence', conversationId: 'con_missing', activity: 'viewing' }, 'conversation_not_found');
    await expectError({ type: 'auth', token: f.owner.token }, 'already_authenticated');
    byFrame.send({ type: 'ping' });
    await byFrame.next((fr) => fr.type === 'pong');
    expect(byFrame.closed).toBeUndefined();
  });

  it('shows who is viewing and typing within a second, and drops them when they leave or disconnect', async () => {
    const { conversation } = await newConversation('Collision course');
    const watcher = await connect(f.stack.gatewayUrl, { token: f.owner.token });
    const viewer = await connect(second.httpUrl, { token: agent.client.token });
    const presenceOf = (activity?: string) => (fr: Frame) =>
      fr.type === 'presence' && fr.conversationId === conversation.id && (activity ? fr.users.some((u: { userId: string; activity: string }) => u.userId === agent.id && u.activity === activity) : !fr.users.some((u: { userId: string }) => u.userId === agent.id));
    let started = Date.now();
    viewer.send({ type: 'presence', conversationId: conversation.id, activity: 'viewing' });
    await watcher.next(presenceOf('viewing'), 1000);
    expect(Date.now() - started).toBeLessThan(1000);
    viewer.send({ type: 'presence', conversationId: conversation.id, activity: 'typing' });
    await watcher.next(presenceOf('typing'), 1000);
    watcher.frames.length = 0;
    viewer.send({ type: 'presence', conversationId: conversation.id, activity: 'left' });
    await watcher.next(presenceOf(), 1000);

    viewer.send({ type: 'presence', conversationId: conversation.id, activity: 'viewing' });
    await watcher.next(presenceOf('viewing'), 1000);
    watcher.frames.length = 0;
    started = Date.now();
    await viewer.close();
    await watcher.next(presenceOf(), 1000);
    expect(Date.now() - started).toBeLessThan(1000);
  });
  it('spreads sockets over two gateway processes sharing one port, each hearing every event, and refuses a third that does not share', async () => {
    const env = f.stack.services.gateway!.process.env;
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const shared = { CONVERSATION_GRPC_ADDR: env.CONVERSATION_GRPC_ADDR, NOTIFICATION_GRPC_ADDR: env.NOTIFICATION_GRPC_ADDR, GATEWAY_PORT: `${port}`, GATEWAY_PUBLIC_URL: url };
    const pair = [await launchService('gateway', { ...shared, GATEWAY_SHARE_PORT: 'true' }), await launchService('gateway', { ...shared, GATEWAY_SHARE_PORT: 'true' })];
    try {
      await Promise.all(pair.map((g) => g.process.waitReady()));
      const sockets: RealtimeClient[] = [];
      for (let i = 0; i < 16; i += 1) sockets.push(await connect(url, { token: f.owner.token }));
      const open = async (g: LaunchedService) => Number(/inbox_realtime_connections(?:\{[^}]*\})? (\d+)/.exec(await (await fetch(`${g.opsUrl}/metrics`)).text())?.[1] ?? 'NaN');
      const counts = await Promise.all(pair.map(open));
      expect(counts[0] + counts[1]).toBe(16);
      expect(Math.min(...counts)).toBeGreaterThan(0);
      const { conversation } = await newConversation('Shared port');
      for (const socket of sockets) await socket.next((fr) => fr.stream === 'conversation' && fr.conversationId === conversation.id);

      const unshared = await launchService('gateway', shared);
      pair.push(unshared);
      expect((await unshared.process.exited()).code).not.toBe(0);
      expect(unshared.process.output).toContain('EADDRINUSE');
    } finally {
      for (const g of pair) await g.process.stop();
    }
  });
});
