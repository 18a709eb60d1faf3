// The index survives OpenSearch going away and being rebuilt: with OpenSearch stopped, 1,000
// messages are accepted and stored, and once it is back the index catches up and the reconcile
// command finds nothing missing; reconcile finds and repairs documents lost from the index; and a
// reindex under continuous writes loses nothing while searches keep answering throughout.
import { execFile, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Client } from '@opensearch-project/opensearch';
import { CONSUMERS } from '@inbox/lib';
import pg from 'pg';
import { TEST_INDEX_PREFIX, databaseUrl, testStack } from '@inbox/testkit';
import { postEmail, startInboxFixture, type InboxFixture } from '../support/inbox-fixture';
import { ROOT } from '../support/service-process';
import { buildEmail } from '../support/smtp';
import { waitFor } from '@inbox/testkit';

jest.setTimeout(600_000);

const stack = (...args: string[]) => execFileSync('bash', [path.join(ROOT, 'scripts', 'stack.sh'), ...args], { stdio: 'pipe', timeout: 240_000 });
const run = promisify(execFile);
const opensearch = new Client({ node: testStack.TEST_OPENSEARCH_URL });

async function postRaw(f: InboxFixture, subject: string, text: string, from = `sender-${randomUUID().slice(0, 8)}@catch.example`): Promise<void> {
  const status = await postEmail(f.stack.ingestUrl!, buildEmail({ from, to: f.address, subject, text }).raw, [f.address]);
  if (status !== 202) throw new Error(`ingest answered ${status}`);
}

async function total(f: InboxFixture, q: string): Promise<number> {
  const response = await f.owner.get(`/api/v1/search?q=${q}&limit=1`);
  if (response.status !== 200) throw new Error(`search answered ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.total;
}

async function indexCommand(f: InboxFixture, ...args: string[]): Promise<Record<string, any>> {
  const { stdout } = await run(process.execPath, [path.join(ROOT, 'services/search/dist/cli/index-commands.js'), ...args], {
    env: { PATH: process.env.PATH ?? '', OPENSEARCH_URL: testStack.TEST_OPENSEARCH_URL, SEARCH_INDEX_PREFIX: TEST_INDEX_PREFIX, CONVERSATION_GRPC_ADDR: f.stack.services.conversation!.grpcAddress!, LOG_LEVEL: 'warn' },
    timeout: 300_000,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

/** The indexer has handled every conversation event there is, including those still in the conversation service's outbox. */
async function indexerIdle(): Promise<void> {
  const nc = await connect({ servers: testStack.TEST_NATS_URL });
  const conversations = new pg.Client({ connectionString: databaseUrl('inbox_test_conversation') });
  await conversations.connect();
  try {
    const jsm = await jetstreamManager(nc);
    await waitFor(
      'the outbox relayed and the search indexer drained',
      async () => {
        const unrelayed = Number((await conversations.query<{ n: string }>('SELECT count(*) AS n FROM outbox')).rows[0]!.n);
        const info = await jsm.consumers.info(CONSUMERS.searchIndexer.stream, CONSUMERS.searchIndexer.durable);
        return unrelayed === 0 && info.num_pending === 0 && info.num_ack_pending === 0;
      },
      180_000,
      250,
    );
  } finally {
    await conversations.end();
    await nc.close();
  }
}

async function inParallel(count: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < count) await task(next++);
  }));
}

describe('search catch-up, reconcile and reindex', () => {
  let f: InboxFixture;

  beforeAll(async () => {
    f = await startInboxFixture({}, ['search']);
  });

  afterAll(async () => {
    await f?.stop();
    await opensearch.close();
  });

  it('catches up after an OpenSearch outage: 1,000 messages, then reconcile reports nothing missing', async () => {
    const word = `outage${randomUUID().slice(0, 8)}`;
    stack('stop', 'opensearch');
    try {
      // The outage is real: OpenSearch refuses connections and the search service says so.
      await expect(opensearch.cluster.health({}, { requestTimeout: 2000, maxRetries: 0 })).rejects.toThrow();
      await waitFor('search to report opensearch down', async () => {
        const ready = await fetch(`${f.stack.services.search!.opsUrl}/readyz`);
        return ready.status === 503 && ((await ready.json()) as { failing: string[] }).failing.includes('opensearch');
      }, 30_000, 250);
      await inParallel(1000, 20, (i) => postRaw(f, `Outage ${i} ${word}`, `written while search was down ${word}`));
      // Conversations keep working without OpenSearch.
      await waitFor('the 1,000 conversations stored', async () => {
        const views = (await f.owner.get(`/api/v1/inboxes/${f.inboxId}/views`)).body as { id: string; count: number }[];
        return views.find((v) => v.id === 'open')!.count >= 1000;
      }, 120_000, 500);
    } finally {
      stack('start', 'opensearch');
    }
    await f.stack.services.search!.process.waitReady(180_000);
    await waitFor('the index to catch up', async () => (await total(f, word)) === 1000, 180_000, 500);
    await indexerIdle();
    const report = await indexCommand(f, 'reconcile');
    expect(report).toMatchObject({ missing: 0, stale: 0, orphaned: 0, repaired: false });
    expect(report.checked).toBeGreaterThanOrEqual(1000);
  });

  it('reconcile finds documents lost from the index and repairs them', async () => {
    const word = `lost${randomUUID().slice(0, 8)}`;
    await inParallel(30, 10, (i) => postRaw(f, `Lost ${i} ${word}`, `soon lost ${word}`));
    await waitFor('30 indexed', async () => (await total(f, word)) === 30, 30_000, 250);
    await indexerIdle();
    const lost = (await f.owner.get(`/api/v1/search?q=${word}&limit=7`)).body.items.map((i: { id: string }) => i.id) as string[];
    // Lost as if never written: the tombstone keeps the document's own version, as a skipped write would.
    for (const id of lost) {
      const version = (await f.owner.get(`/api/v1/conversations/${id}`)).body.version;
      await opensearch.delete({ index: `${TEST_INDEX_PREFIX}-write`, id, version, version_type: 'external_gte', refresh: true });
    }
    expect(await total(f, word)).toBe(23);

    const found = await indexCommand(f, 'reconcile');
    expect(found.missing).toBe(7);
    expect(found.examples.missing.sort()).toEqual([...lost].sort());
    const repaired = await indexCommand(f, 'reconcile', '--repair');
    expect(repaired).toMatchObject({ missing: 7, repaired: true });
    expect(await total(f, word)).toBe(30);
    expect(await indexCommand(f, 'reconcile')).toMatchObject({ missing: 0, stale: 0, orphaned: 0 });
  });

  it('reconcile finds and removes documents whose conversation is gone, all accounts or one', async () => {
    const ownOrphan = `con_orphan_${randomUUID()}`;
    const otherAccount = `acc_orphan_${randomUUID()}`;
    const otherOrphan = `con_orphan_${randomUUID()}`;
    const now = new Date().toISOString();
    for (const [id, accountId] of [[ownOrphan, f.accountId], [otherOrphan, otherAccount]]) {
      await opensearch.index({
        index: `${TEST_INDEX_PREFIX}-write`,
        id,
        refresh: true,
        body: { conversation_id: id, account_id: accountId, inbox_id: f.inboxId, version: 1, subject: 'Gone for good', last_message_at: now, created_at: now },
      });
    }
    const everyAccount = await indexCommand(f, 'reconcile');
    expect(everyAccount.orphaned).toBe(2);
    expect(everyAccount.examples.orphaned.sort()).toEqual([ownOrphan, otherOrphan].sort());

    // Scoped to one account: only its conversations and its documents are read.
    const own = await indexCommand(f, 'reconcile', '--account', f.accountId);
    expect(own).toMatchObject({ missing: 0, stale: 0, orphaned: 1, examples: { orphaned: [ownOrphan] } });
    expect(own.checked).toBe(own.indexed - 1);
    expect(await indexCommand(f, 'reconcile', '--account', otherAccount)).toMatchObject({ checked: 0, indexed: 1, orphaned: 1 });

    expect(await indexCommand(f, 'reconcile', '--repair', '--account', f.accountId)).toMatchObject({ orphaned: 1, repaired: true });
    expect((await opensearch.exists({ index: `${TEST_INDEX_PREFIX}-read`, id: ownOrphan })).body).toBe(false);
    expect((await opensearch.exists({ index: `${TEST_INDEX_PREFIX}-read`, id: otherOrphan })).body).toBe(true);
    expect(await indexCommand(f, 'reconcile', '--repair')).toMatchObject({ orphaned: 1, examples: { orphaned: [otherOrphan] } });
    expect(await indexCommand(f, 'reconcile')).toMatchObject({ missing: 0, stale: 0, orphaned: 0 });
  });

  it('refuses arguments it does not know with its usage and exit code 2', async () => {
    for (const args of [['reconcile', '--account'], ['reconcile', '--account', '--repair'], ['reindex', '--account', f.accountId], ['reconcile', '--keep-previous'], ['rebuild']]) {
      const failure = await indexCommand(f, ...args).then(() => undefined, (error: { code?: number; stderr?: string }) => error);
      expect([args, failure?.code]).toEqual([args, 2]);
      expect(failure?.stderr).toContain('usage: index-commands');
    }
  });

  it('reindexes under continuous writes with no lost document and an atomic alias swap', async () => {
    const stable = `stable${randomUUID().slice(0, 8)}`;
    const live = `live${randomUUID().slice(0, 8)}`;
    await inParallel(50, 10, (i) => postRaw(f, `Stable ${i} ${stable}`, `present before the reindex ${stable}`));
    await waitFor('the stable set indexed', async () => (await total(f, stable)) === 50, 30_000, 250);
    const before = Object.keys((await opensearch.indices.getAlias({ name: `${TEST_INDEX_PREFIX}-read` })).body);

    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        await postRaw(f, `Live ${written} ${live}`, `written during the reindex ${live}`);
        written += 1;
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
    })();
    let reading = true;
    const observed: number[] = [];
    const reader = (async () => {
      while (reading) {
        observed.push(await total(f, stable));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    const result = await indexCommand(f, 'reindex');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    writing = false;
    await writer;
    reading = false;
    await reader;

    expect(result.previous).toEqual(before);
    expect(result.deletedPrevious).toBe(true);
    expect(result.documents).toBeGreaterThanOrEqual(1080);
    // Every search during the reindex saw the whole stable set: no empty or half-built index.
    expect(observed.length).toBeGreaterThan(20);
    expect(new Set(observed)).toEqual(new Set([50]));
    const aliases = (await opensearch.indices.getAlias({ name: `${TEST_INDEX_PREFIX}-read,${TEST_INDEX_PREFIX}-write` })).body;
    expect(Object.keys(aliases)).toEqual([result.index]);
    expect(Object.keys(aliases[result.index].aliases).sort()).toEqual([`${TEST_INDEX_PREFIX}-read`, `${TEST_INDEX_PREFIX}-write`]);
    expect((await opensearch.indices.exists({ index: before[0] })).body).toBe(false);

    expect(written).toBeGreaterThan(20);
    await waitFor(`all ${written} live writes searchable`, async () => (await total(f, live)) === written, 60_000, 250);
    await indexerIdle();
    expect(await indexCommand(f, 'reconcile')).toMatchObject({ missing: 0, stale: 0, orphaned: 0 });
  });
});
