// The pipeline on a real three-node NATS cluster with every stream at three replicas: under a
// steady inbound load with a ledger of every email the edge acknowledged, the server leading the
// inbound stream is killed with -9 and started again. Nothing acknowledged is lost or stored
// twice, search finds every one, routing assigns each once, and the edge is back within seconds.
import { uniqueEmail } from '../support/api-client';
import { addAgent, allInView, postEmail, startInboxFixture, type InboxFixture } from '../support/inbox-fixture';
import { NatsCluster } from '../support/nats-cluster';
import { buildEmail } from '../support/smtp';
import { databaseUrl, testStack, uniqueName, waitFor, dropDatabase } from '@inbox/testkit';

jest.setTimeout(360_000);

describe('kill -9 of the NATS server leading the inbound stream, under load', () => {
  const cluster = new NatsCluster();
  const database = uniqueName('natskill_conversation');
  const prefix = `inbox-test-natskill-${Date.now().toString(36)}`;
  let f: InboxFixture;
  let inbox: { id: string; address: string };
  const tag = `natskill${Date.now().toString(36)}`;
  const ledger: { subject: string; at: number }[] = [];
  let killedAt = 0;
  let leader = '';

  const post = async (subject: string) =>
    (await postEmail(f.stack.ingestUrl!, buildEmail({ from: uniqueEmail('kill'), to: inbox.address, subject, text: `${subject} ${tag}` }).raw, [inbox.address])) === 202;


  beforeAll(async () => {
    await cluster.start(3);
    const nats = { NATS_URL: cluster.urls, NATS_STREAM_REPLICAS: '3' };
    // A database and an index of its own: its events never reach the shared test NATS, so the
    // shared test database and index must not hold what the other never sees.
    const conversation = { ...nats, CONVERSATION_DATABASE_URL: databaseUrl(database) };
    f = await startInboxFixture(nats, ['routing', 'search', 'notification'], {
      conversation,
      routing: nats,
      search: { ...nats, SEARCH_INDEX_PREFIX: prefix },
      notification: nats,
      gateway: nats,
    });
    const agents = [await addAgent(f), await addAgent(f)];
    const created = (await f.owner.post('/api/v1/inboxes', { name: 'Cluster' })).body;
    const address = (await f.owner.post(`/api/v1/inboxes/${created.id}/channels`, { type: 'email', name: 'Cluster' })).body.address as string;
    for (const a of agents) await f.owner.post(`/api/v1/inboxes/${created.id}/members`, { userId: a.id });
    expect((await f.owner.put(`/api/v1/inboxes/${created.id}/routing`, { mode: 'round_robin' })).status).toBe(200);
    inbox = { id: created.id, address };

    // 20 emails a second for 20 seconds; the inbound stream's leader dies 5 seconds in and is
    // started again 10 seconds later.
    let stop = false;
    let sent = 0;
    const senders = Array.from({ length: 2 }, async () => {
      while (!stop) {
        const subject = `Cluster ${sent++}`;
        if (await post(subject)) ledger.push({ subject, at: Date.now() });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 5000));
    leader = await cluster.streamLeader('INGEST');
    killedAt = Date.now();
    await cluster.kill(leader);
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    await cluster.restart(leader);
    await new Promise((resolve) => setTimeout(resolve, 5000));
    stop = true;
    await Promise.all(senders);
  });

  afterAll(async () => {
    await f?.stop();
    await cluster.stop();
    await dropDatabase(database);
    await fetch(`${testStack.TEST_OPENSEARCH_URL}/${prefix}-*`, { method: 'DELETE' }).catch(() => undefined);
  });

  it('acknowledged through the kill within seconds, and stored every acknowledged email exactly once', async () => {
    expect(ledger.length).toBeGreaterThan(150);
    const lastBefore = Math.max(...ledger.filter((e) => e.at <= killedAt).map((e) => e.at));
    const firstAfter = Math.min(...ledger.filter((e) => e.at > killedAt).map((e) => e.at));
    const recoveryMs = firstAfter - lastBefore;
    expect(recoveryMs).toBeLessThan(10_000);
    const stored = await waitFor('every acknowledged email stored', async () => {
      const items = await allInView(f.owner, inbox.id, 'open');
      const subjects = new Set(items.map((c) => c.subject));
      return ledger.every((e) => subjects.has(e.subject)) ? items : undefined;
    }, 120_000, 1000);
    const subjects = stored.map((c: { subject: string }) => c.subject);
    expect(subjects.length).toBe(new Set(subjects).size);
    expect(subjects.filter((s: string) => s.startsWith('Cluster ')).length).toBe(ledger.length);
    process.stdout.write(`[nats leader kill] leader ${leader}; ${ledger.length} acknowledged, ${subjects.length} stored, 0 duplicated; edge recovered in ${recoveryMs} ms\n`);
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

  it('assigns each conversation once', async () => {
    const open = await waitFor('all assigned', async () => {
      const items = await allInView(f.owner, inbox.id, 'open');
      return items.length === ledger.length && items.every((c) => c.assignee) ? items : undefined;
    }, 120_000, 1000);
    for (let i = 0; i < open.length; i += 25) {
      const batch = await Promise.all(open.slice(i, i + 25).map(async (c: { id: string }) => (await f.owner.get(`/api/v1/conversations/${c.id}/routing`)).body.items as { outcome: string }[]));
      for (const decisions of batch) expect(decisions.filter((d) => d.outcome === 'assigned').length).toBeLessThanOrEqual(1);
    }
  });
});
