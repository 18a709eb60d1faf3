// Search on a real two-node OpenSearch cluster with one replica of every shard: under a steady
// inbound load, the node that is not the cluster manager is killed with -9 (a two-node cluster
// cannot outlive its manager; three manager-eligible nodes can). Search keeps answering, and
// every acknowledged email is found once the load is over.
import { uniqueEmail } from '../support/api-client';
import { postEmail, startInboxFixture, type InboxFixture } from '../support/inbox-fixture';
import { OpenSearchCluster } from '../support/opensearch-cluster';
import { buildEmail } from '../support/smtp';
import { databaseUrl, uniqueName, waitFor, dropDatabase } from '@inbox/testkit';
import { NatsCluster } from '../support/nats-cluster';

jest.setTimeout(420_000);

describe('kill -9 of an OpenSearch node, under load', () => {
  const cluster = new OpenSearchCluster();
  // Its own NATS and database: its search service must not take the shared test stack's events
  // into an index the other tests never read, nor leave conversations the shared index lacks.
  const nats = new NatsCluster();
  const database = uniqueName('searchkill_conversation');
  let f: InboxFixture;
  const tag = `searchkill${Date.now().toString(36)}`;

  beforeAll(async () => {
    await Promise.all([cluster.start(2), nats.start(1)]);
    const own = { NATS_URL: nats.urls };
    f = await startInboxFixture(own, ['search'], {
      conversation: { ...own, CONVERSATION_DATABASE_URL: databaseUrl(database) },
      gateway: own,
      search: { ...own, OPENSEARCH_URL: cluster.urls, SEARCH_INDEX_REPLICAS: '1', SEARCH_INDEX_PREFIX: `inbox-kill-${Date.now().toString(36)}` },
    });
  });

  afterAll(async () => {
    await f?.stop();
    await Promise.all([cluster.stop(), nats.stop()]);
    await dropDatabase(database);
  });

  async function found(): Promise<number | undefined> {
    let count = 0;
    let cursor: string | undefined;
    do {
      const page = await f.owner.get(`/api/v1/search?q=${tag}&limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      if (page.status !== 200) return undefined;
      count += page.body.items.length;
      cursor = page.body.nextCursor ?? undefined;
    } while (cursor);
    return count;
  }

  it('keeps searching through the loss of a node, and indexes every acknowledged email', async () => {
    await waitFor('the index to have its replicas', async () => (await cluster.health(cluster.nodes[0]))?.status === 'green', 60_000, 500);
    const ledger: string[] = [];
    const failedSearches: number[] = [];
    let stop = false;
    const load = (async () => {
      let i = 0;
      while (!stop) {
        const subject = `Searchable ${i++}`;
        if ((await postEmail(f.stack.ingestUrl!, buildEmail({ from: uniqueEmail('search'), to: f.address, subject, text: `${subject} ${tag}` }).raw, [f.address])) === 202) ledger.push(subject);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const searches = (async () => {
      while (!stop) {
        const response = await f.owner.get(`/api/v1/search?q=${tag}&limit=10`);
        if (response.status !== 200) failedSearches.push(response.status);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const manager = await cluster.manager();
    const victim = cluster.nodes.find((n) => n !== manager)!;
    await cluster.kill(victim);
    await new Promise((resolve) => setTimeout(resolve, 6000));
    stop = true;
    await Promise.all([load, searches]);

    expect(ledger.length).toBeGreaterThan(50);
    await waitFor('every acknowledged email found', async () => (await found()) === ledger.length, 120_000, 1000);
    // A search that failed while the client learned the node was gone is retried on the other.
    expect(failedSearches.length).toBeLessThanOrEqual(1);
    expect((await cluster.health(manager))?.status).toBe('yellow');
    process.stdout.write(`[opensearch node kill] killed ${victim.name}; ${ledger.length} acknowledged and found; searches failed: ${failedSearches.length}\n`);
  });
});
