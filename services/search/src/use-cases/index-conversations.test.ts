// The indexer against the real OpenSearch (own index prefix): versioned writes keep the newest
// document whatever order writes arrive in, a delete is not undone by a late write, events of one
// conversation in a batch become one fetch, and a failing source is retried until it answers.
import { ChannelType, ConversationStatus } from '@inbox/lib/gen/inbox/common/v1/common';
import { createLogger, createOpenSearch } from '@inbox/lib';
import type { ConversationRef, SearchDocument } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import { ConversationIndex } from '../adapters/conversation-index';
import { IndexLayout } from '../adapters/index-layout';
import { ConversationIndexer, type DocumentSource } from './index-conversations';

const client = createOpenSearch(process.env.TEST_OPENSEARCH_URL ?? 'http://127.0.0.1:9200');
const prefix = `test-indexer-${Date.now().toString(36)}`;
const layout = new IndexLayout(client, { prefix, shards: 1, replicas: 0, refreshInterval: '1s' });
const index = new ConversationIndex(client, layout);
const logger = createLogger({ service: 'test', level: 'silent' });

function doc(id: string, version: number, subject: string): SearchDocument {
  return {
    conversationId: id,
    accountId: 'acc_test',
    inboxId: 'inb_test',
    version: String(version),
    status: ConversationStatus.CONVERSATION_STATUS_OPEN,
    statusName: 'open',
    channel: ChannelType.CHANNEL_TYPE_EMAIL,
    channelName: 'email',
    subject,
    contact: undefined,
    assigneeKind: 'none',
    assigneeId: '',
    messageTexts: [`text of ${subject}`],
    commentTexts: [],
    participantAddresses: [],
    firstMessageAt: new Date(),
    lastMessageAt: new Date(),
    createdAt: new Date(),
    filtered: false,
    trashed: false,
  };
}

async function stored(id: string): Promise<{ version: number; subject: string } | undefined> {
  await index.refresh();
  const result = await client.search({ index: layout.readAlias, body: { query: { ids: { values: [id] } } } as never });
  const hit = (result.body as any).hits.hits[0];
  return hit ? { version: hit._source.version, subject: hit._source.subject } : undefined;
}

class ScriptedSource implements DocumentSource {
  calls: ConversationRef[][] = [];
  failuresLeft = 0;
  constructor(private readonly documents: Map<string, SearchDocument>) {}
  async fetch(refs: ConversationRef[]) {
    this.calls.push(refs);
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new Error('conversation service unavailable');
    }
    return {
      documents: refs.flatMap((r) => this.documents.get(r.conversationId) ?? []),
      missing: refs.filter((r) => !this.documents.has(r.conversationId)),
    };
  }
}

beforeAll(async () => {
  await layout.ensure();
});

afterAll(async () => {
  for (const i of await layout.indicesOf(layout.readAlias)) await layout.deleteIndex(i);
  await client.indices.deleteIndexTemplate({ name: prefix });
  await client.close();
});

describe('the index layout', () => {
  it('brings existing indices to the configured replica count', async () => {
    const replicasOf = async () => {
      const [name] = await layout.indicesOf(layout.readAlias);
      const settings = (await client.indices.getSettings({ index: name })).body as Record<string, { settings: { index: { number_of_replicas: string } } }>;
      return Number(settings[name].settings.index.number_of_replicas);
    };
    expect(await replicasOf()).toBe(0);
    // A single-node cluster leaves the copy unassigned (health yellow, never red), yet the setting is what a second node acts on.
    await new IndexLayout(client, { ...layout.options, replicas: 1 }).ensure();
    expect(await replicasOf()).toBe(1);
    await layout.ensure();
    expect(await replicasOf()).toBe(0);
  });
});

describe('versioned writes', () => {
  it('keeps the newest version whatever order writes arrive in, and repeated writes change nothing', async () => {
    await index.write([doc('con_order', 5, 'five')], []);
    const outcome = await index.write([doc('con_order', 3, 'three')], []);
    expect(outcome.get('con_order')).toBeUndefined(); // superseded, not an error
    await index.write([doc('con_order', 5, 'five again')], []);
    expect(await stored('con_order')).toEqual({ version: 5, subject: 'five again' });
    await index.write([doc('con_order', 6, 'six')], []);
    expect(await stored('con_order')).toEqual({ version: 6, subject: 'six' });
  });

  it('does not let a late write bring back a deleted conversation', async () => {
    await index.write([doc('con_gone', 2, 'two')], []);
    await index.write([], [{ conversationId: 'con_gone', version: 3 }]);
    await index.write([doc('con_gone', 2, 'two, late')], []);
    expect(await stored('con_gone')).toBeUndefined();
  });
});

describe('ConversationIndexer', () => {
  it('fetches each conversation once per batch at its newest version', async () => {
    const source = new ScriptedSource(new Map([['con_a', doc('con_a', 4, 'a')], ['con_b', doc('con_b', 1, 'b')]]));
    const indexer = new ConversationIndexer(source, index, logger, { batchSize: 50, lingerMs: 30 });
    await Promise.all([
      indexer.submit({ accountId: 'acc_test', conversationId: 'con_a', version: 2 }),
      indexer.submit({ accountId: 'acc_test', conversationId: 'con_a', version: 4 }),
      indexer.submit({ accountId: 'acc_test', conversationId: 'con_b', version: 1 }),
      indexer.submit({ accountId: 'acc_test', conversationId: 'con_a', version: 3 }),
    ]);
    expect(source.calls).toHaveLength(1);
    expect(source.calls[0].map((r) => r.conversationId).sort()).toEqual(['con_a', 'con_b']);
    expect(await stored('con_a')).toEqual({ version: 4, subject: 'a' });
    await indexer.close();
  });

  it('deletes conversations the source no longer has', async () => {
    await index.write([doc('con_deleted', 1, 'soon gone')], []);
    const indexer = new ConversationIndexer(new ScriptedSource(new Map()), index, logger, { batchSize: 10, lingerMs: 0 });
    await indexer.submit({ accountId: 'acc_test', conversationId: 'con_deleted', version: 2 });
    expect(await stored('con_deleted')).toBeUndefined();
    await indexer.close();
  });

  it('retries while the source fails and completes when it answers', async () => {
    const source = new ScriptedSource(new Map([['con_retry', doc('con_retry', 1, 'retried')]]));
    source.failuresLeft = 3;
    const indexer = new ConversationIndexer(source, index, logger, { batchSize: 10, lingerMs: 0, maxRetryDelayMs: 50 });
    await indexer.submit({ accountId: 'acc_test', conversationId: 'con_retry', version: 1 });
    expect(source.calls).toHaveLength(4);
    expect(await stored('con_retry')).toEqual({ version: 1, subject: 'retried' });
    await indexer.close();
  });

  it('on close, fails what it could not write so the events are redelivered', async () => {
    const source = new ScriptedSource(new Map());
    source.failuresLeft = 1_000;
    const indexer = new ConversationIndexer(source, index, logger, { batchSize: 10, lingerMs: 0, maxRetryDelayMs: 20 });
    const waiting = indexer.submit({ accountId: 'acc_test', conversationId: 'con_never', version: 1 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await indexer.close(50);
    await expect(waiting).rejects.toThrow('indexer is stopping');
    await expect(indexer.submit({ accountId: 'acc_test', conversationId: 'con_x', version: 1 })).rejects.toThrow('indexer is stopping');
  });
});
