import { randomUUID } from 'node:crypto';
import { createOpenSearch } from '@inbox/lib';
import { testStack } from '@inbox/testkit';
import { HIGHLIGHT_FIELDS, buildSearchRequest } from '../domain/search-query';
import { IndexLayout, indexTemplate } from './index-layout';

describe('the index template', () => {
  const template = indexTemplate({ prefix: 'inbox-conversations', shards: 1, replicas: 0, refreshInterval: '1s' }).template;
  const properties = template.mappings.properties as Record<string, { index_options?: string }>;

  it('keeps word offsets for every field a search highlights, so snippets come from the postings', () => {
    for (const field of HIGHLIGHT_FIELDS) expect([field, properties[field]?.index_options]).toEqual([field, 'offsets']);
  });

  it('keeps no offsets where nothing is highlighted (they cost disk)', () => {
    const withOffsets = Object.entries(properties).filter(([, mapping]) => mapping.index_options === 'offsets').map(([field]) => field);
    expect(withOffsets.sort()).toEqual([...HIGHLIGHT_FIELDS].sort());
  });

  it('keeps segments newest first, in the order a search sorts by when it has no words to rank', () => {
    expect(template.settings.sort).toEqual({ field: ['last_message_at', 'conversation_id'], order: ['desc', 'desc'] });
  });

  it('keeps the list item in doc values only, not in the source', () => {
    expect(properties.summary).toEqual({ type: 'binary', doc_values: true });
    expect(template.mappings._source).toEqual({ excludes: ['summary'] });
  });
});

/** A client and an index prefix of this describe's own, with its indices and template removed afterwards. */
function scratchLayout() {
  const client = createOpenSearch(testStack.TEST_OPENSEARCH_URL);
  const prefix = `inbox-layout-test-${randomUUID().slice(0, 8)}`;
  afterAll(async () => {
    await client.indices.delete({ index: `${prefix}-*` }).catch(() => undefined);
    await client.indices.deleteIndexTemplate({ name: prefix }).catch(() => undefined);
    await client.close();
  });
  return { client, prefix };
}

describe('an index made before list items were kept', () => {
  const { client, prefix } = scratchLayout();

  it('gets the list item field when the service starts, and keeps its documents', async () => {
    const layout = new IndexLayout(client, { prefix, shards: 1, replicas: 0, refreshInterval: '1s' });
    const old = indexTemplate(layout.options);
    const { summary: _added, ...oldProperties } = old.template.mappings.properties as Record<string, unknown>;
    const index = `${prefix}-old`;
    await client.indices.create({
      index,
      body: { settings: old.template.settings, mappings: { dynamic: 'strict', properties: oldProperties }, aliases: { [layout.readAlias]: {}, [layout.writeAlias]: {} } } as never,
    });
    await client.index({ index, id: 'con_1', body: { conversation_id: 'con_1', account_id: 'acc_1', subject: 'kept' }, refresh: true });

    await layout.ensure();

    const mapping = (await client.indices.getMapping({ index })).body as Record<string, { mappings: { properties: Record<string, unknown> } }>;
    expect(mapping[index].mappings.properties.summary).toEqual({ type: 'binary', doc_values: true });
    await client.index({ index, id: 'con_2', body: { conversation_id: 'con_2', account_id: 'acc_1', subject: 'new', summary: Buffer.from('row').toString('base64') }, refresh: true });
    const found = await client.search({ index: layout.readAlias, body: { query: { match_all: {} }, docvalue_fields: ['summary'], sort: [{ conversation_id: 'asc' }] } as never });
    const hits = (found.body as { hits: { hits: { _id: string; fields?: { summary: string[] } }[] } }).hits.hits;
    expect(hits.map((h) => [h._id, h.fields?.summary?.[0]])).toEqual([
      ['con_1', undefined],
      ['con_2', Buffer.from('row').toString('base64')],
    ]);
    expect(await layout.indicesOf(layout.readAlias)).toEqual([index]);
  });
});

describe('an index made from the template', () => {
  const { client, prefix } = scratchLayout();

  it('stops a newest-first search once it has its page and its bounded total, instead of reading every match', async () => {
    const layout = new IndexLayout(client, { prefix, shards: 1, replicas: 0, refreshInterval: '1s' });
    await layout.ensure();
    const matches = 2_000;
    const start = Date.parse('2026-01-01T00:00:00Z');
    const body = Array.from({ length: matches }, (_, i) => [
      { index: { _index: layout.writeAlias, _id: `con_${String(i).padStart(5, '0')}` } },
      { conversation_id: `con_${String(i).padStart(5, '0')}`, account_id: 'acc_1', inbox_id: 'inb_1', status: 'open', subject: `Parcel ${i}`, messages: ['where is my parcel'], last_message_at: new Date(start + i * 60_000).toISOString() },
    ]).flat();
    const bulk = await client.bulk({ body: body as never, refresh: true });
    expect((bulk.body as { errors: boolean }).errors).toBe(false);

    const request = buildSearchRequest({ accountId: 'acc_1', query: 'parcel', visibleInboxIds: [], hideFiltered: false, hideTrash: false, sort: 'newest', limit: 5 });
    const found = await client.search({ index: layout.readAlias, body: { ...request, track_total_hits: 100, highlight: undefined, profile: true } as never });
    const answer = found.body as {
      hits: { total: { value: number; relation: string }; hits: { _id: string }[] };
      profile: { shards: { searches: { query: { breakdown: { next_doc_count: number } }[] }[] }[] };
    };
    expect(answer.hits.hits.map((h) => h._id)).toEqual(['con_01999', 'con_01998', 'con_01997', 'con_01996', 'con_01995']);
    expect(answer.hits.total).toEqual({ value: 100, relation: 'gte' });
    const visited = answer.profile.shards[0].searches[0].query[0].breakdown.next_doc_count;
    // An unsorted index visits all 2,000 matches to find the newest five.
    expect(visited).toBeLessThan(matches / 4);
  });

  it('snippets the messages and comments a row does not show, and not the subject it does', async () => {
    const layout = new IndexLayout(client, { prefix, shards: 1, replicas: 0, refreshInterval: '1s' });
    await layout.ensure();
    const doc = (id: string, subject: string, messages: string[], comments: string[] = []) => [
      { index: { _index: layout.writeAlias, _id: id } },
      { conversation_id: id, account_id: 'acc_2', inbox_id: 'inb_1', status: 'open', subject, messages, comments, last_message_at: '2026-02-01T00:00:00Z' },
    ];
    const bulk = await client.bulk({ body: [...doc('con_s', 'Kettle broken', ['please help']), ...doc('con_m', 'Help', ['my kettle leaks']), ...doc('con_c', 'Help', ['hello'], ['kettle replaced'])] as never, refresh: true });
    expect((bulk.body as { errors: boolean }).errors).toBe(false);

    const request = buildSearchRequest({ accountId: 'acc_2', query: 'kettle', visibleInboxIds: [], hideFiltered: false, hideTrash: false, sort: 'newest', limit: 5 });
    const found = await client.search({ index: layout.readAlias, body: request as never });
    const hits = (found.body as { hits: { hits: { _id: string; highlight?: Record<string, string[]> }[] } }).hits.hits;
    const snippets = Object.fromEntries(hits.map((h) => [h._id, h.highlight ?? {}]));
    expect(snippets).toEqual({ con_s: {}, con_m: { messages: ['my <mark>kettle</mark> leaks'] }, con_c: { comments: ['<mark>kettle</mark> replaced'] } });
  });
});
