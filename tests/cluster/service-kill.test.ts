// Two replicas of every service on a three-node NATS cluster (every stream at R3), under a steady
// inbound load spread over both ingest replicas with a ledger of every email acknowledged: one
// replica of each service is killed with -9 in turn, the gateway last, while an agent's socket is
// open on it. Nothing acknowledged is lost or stored twice, search finds every one, each
// conversation is assigned and notified once, and the agent's socket, reconnected to the other
// gateway from where it was, misses no conversation.
import { uniqueEmail } from '../support/api-client';
import { addAgent, allInView, postEmail, startInboxFixture, type InboxFixture } from '../support/inbox-fixture';
import { NatsCluster } from '../support/nats-cluster';
import { RealtimeClient } from '../support/realtime';
import { launchService, type LaunchedService, type ServiceName } from '../support/services';
import { buildEmail } from '../support/smtp';
import { databaseUrl, testStack, uniqueName, waitFor, dropDatabase } from '@inbox/testkit';

jest.setTimeout(420_000);

const KILL_ORDER: ServiceName[] = ['conversation', 'routing', 'search', 'notification', 'ingest', 'gateway'];

describe('kill -9 of one replica of each service, under load', () => {
  const cluster = new NatsCluster();
  const database = uniqueName('replicakill_conversation');
  const prefix = `inbox-test-replicakill-${Date.now().toString(36)}`;
  let f: InboxFixture;
  let agent: Awaited<ReturnType<typeof addAgent>>;
  let inbox: { id: string; address: string };
  const second = new Map<ServiceName, LaunchedService>();
  const sockets: RealtimeClient[] = [];
  const tag = `replicakill${Date.now().toString(36)}`;
  const ledger: string[] = [];
  const kills: { service: ServiceName; at: number }[] = [];
  const acks: number[] = [];


  beforeAll(async () => {
    await cluster.start(3);
    const nats = { NATS_URL: cluster.urls, NATS_STREAM_REPLICAS: '3' };
    // A database and an index of its own: its events never reach the shared test NATS (see nats-node-kill).
    const conversation = { ...nats, CONVERSATION_DATABASE_URL: databaseUrl(database) };
    f = await startInboxFixture(nats, ['routing', 'search', 'notification'], {
      conversation,
      routing: nats,
      search: { ...nats, SEARCH_INDEX_PREFIX: prefix },
      notification: nats,
      gateway: nats,
    });
    const first = f.stack.services;
    // The second replica of each, wired like the first (same databases, the first's gRPC peers).
    for (const name of KILL_ORDER) {
      const env = first[name]!.process.env;
      const shared = Object.fromEntries(Object.entries(env).filter(([key]) => key.endsWith('_DATABASE_URL') || key.endsWith('_GRPC_ADDR') || key === 'CONVERSATION_SMTP_URL' || key === 'SEARCH_INDEX_PREFIX'));
      const replica = await launchService(name, { ...nats, ...shared });
      await replica.process.waitReady();
      second.set(name, replica);
    }
    agent = await addAgent(f);
    const created = (await f.owner.post('/api/v1/inboxes', { name: 'Replicas' })).body;
    const address = (await f.owner.post(`/api/v1/inboxes/${created.id}/channels`, { type: 'email', name: 'Replicas' })).body.address as string;
    await f.owner.post(`/api/v1/inboxes/${created.id}/members`, { userId: agent.id });
    expect((await f.owner.put(`/api/v1/inboxes/${created.id}/routing`, { mode: 'round_robin' })).status).toBe(200);
    inbox = { id: created.id, address };
    sockets.push(await RealtimeClient.connect(second.get('gateway')!.httpUrl, { token: agent.client.token }));

    // Two senders spread over both ingest replicas (as a load balancer would), each moving on to
    // the other replica when one fails; a kill every 3 seconds.
    let stop = false;
    let sent = 0;
    const ingests = () => [f.stack.ingestUrl!, ...(second.get('ingest')!.process.running ? [second.get('ingest')!.httpUrl] : [])];
    const senders = Array.from({ length: 2 }, async (_, lane) => {
      while (!stop) {
        const subject = `Replica ${sent++}`;
        // One message, sent again as it was when an answer does not come (as a mail server
        // retries): the replica killed mid-request may have taken it, and its Message-ID makes
        // the second delivery the same message, not a new one.
        const raw = buildEmail({ from: uniqueEmail('replica'), to: inbox.address, subject, text: `${subject} ${tag}` }).raw;
        const targets = ingests();
        for (const url of [targets[lane % targets.length], ...targets]) {
          if ((await postEmail(url, raw, [inbox.address])) === 202) {
            ledger.push(subject);
            acks.push(Date.now());
            break;
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
    for (const name of KILL_ORDER) {
      await new Promise((resolve) => setTimeout(resolve, 3000));
      kills.push({ service: name, at: Date.now() });
      second.get(name)!.process.signal('SIGKILL');
      await second.get(name)!.process.exited(10_000);
      if (name === 'gateway') {
        // The agent's app reconnects to the other gateway, from the last event it saw.
        sockets.push(await RealtimeClient.connect(f.stack.gatewayUrl, { token: agent.client.token, since: sockets[0].lastSeq() }));
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 3000));
    stop = true;
    await Promise.all(senders);
  });

  afterAll(async () => {
    for (const s of sockets) await s.close();
    for (const replica of second.values()) if (replica.process.running) await replica.process.stop();
    await f?.stop();
    await cluster.stop();
    await dropDatabase(database);
    await fetch(`${testStack.TEST_OPENSEARCH_URL}/${prefix}-*`, { method: 'DELETE' }).catch(() => undefined);
  });

  it('stored every acknowledged email exactly once, and the edge kept acknowledging through every kill', async () => {
    expect(ledger.length).toBeGreaterThan(150);
    const stored = await waitFor('every acknowledged email stored', async () => {
      const items = await allInView(f.owner, inbox.id, 'open');
      const subjects = new Set(items.map((c) => c.subject));
      return ledger.every((s) => subjects.has(s)) ? items : undefined;
    }, 120_000, 1000);
    const subjects = stored.map((c: { subject: string }) => c.subject);
    expect(subjects.length).toBe(new Set(subjects).size);
    expect(subjects.length).toBe(ledger.length);
    const gaps = kills.map(({ service, at }) => ({ service, recoveredInMs: Math.min(...acks.filter((t) => t > at)) - Math.max(...acks.filter((t) => t <= at)) }));
    for (const gap of gaps) expect(gap.recoveredInMs).toBeLessThan(5000);
    process.stdout.write(`[replica kills] ${ledger.length} acknowledged, ${subjects.length} stored, 0 duplicated; longest gap between acknowledgements after each kill: ${gaps.map((g) => `${g.service} ${g.recoveredInMs} ms`).join(', ')}\n`);
  });

  it('lets search find every one', async () => {
    await waitFor('search to find all', async () => {
      const ids = new Set<string>();
      let cursor: string | undefined;
      do {
        const page = await f.owner.get(`/api/v1/search?q=${tag}&limit=100${cursor ? `&cursor=${cursor}` : ''}`);
        if (page.status !== 200) return false;
        for (const item of page.body.items as { id: string }[]) ids.add(item.id);
        cursor = page.body.nextCursor ?? undefined;
      } while (cursor);
      return ids.size === ledger.length;
    }, 120_000, 1000);
  });

  it('assigns and notifies each conversation once', async () => {
    const open = await waitFor('all assigned', async () => {
      const items = await allInView(f.owner, inbox.id, 'open');
      return items.length === ledger.length && items.every((c) => c.assignee?.id === agent.id) ? items : undefined;
    }, 120_000, 1000);
    for (let i = 0; i < open.length; i += 25) {
      const batch = await Promise.all(open.slice(i, i + 25).map(async (c: { id: string }) => (await f.owner.get(`/api/v1/conversations/${c.id}/routing`)).body.items as { outcome: string }[]));
      for (const decisions of batch) expect(decisions.filter((d) => d.outcome === 'assigned').length).toBeLessThanOrEqual(1);
    }
    const ids = new Set(open.map((c: { id: string }) => c.id));
    const notified = await waitFor('an assignment notification for each', async () => {
      const items: { conversationId: string; kind: string }[] = [];
      let cursor = '';
      do {
        const page = (await agent.client.get(`/api/v1/notifications?limit=100${cursor ? `&cursor=${cursor}` : ''}`)).body;
        items.push(...page.items);
        cursor = page.nextCursor ?? '';
      } while (cursor);
      const assignments = items.filter((n) => n.kind === 'assignment' && ids.has(n.conversationId));
      return new Set(assignments.map((n) => n.conversationId)).size === ids.size ? assignments : undefined;
    }, 120_000, 1000);
    expect(notified.length).toBe(ids.size);
  });

  it('gave the agent every new conversation live, across the gateway kill, none twice', async () => {
    const created = (s: RealtimeClient) => s.all((fr) => fr.type === 'conversation.created' && fr.inboxId === inbox.id);
    await waitFor('every conversation announced', async () => new Set([...sockets.flatMap(created)].map((fr) => fr.conversationId)).size === ledger.length, 60_000, 500);
    const seqs = sockets.flatMap((s) => s.all((fr) => fr.stream === 'conversation').map((fr) => fr.seq as number));
    expect(seqs.length).toBe(new Set(seqs).size);
  });
});
