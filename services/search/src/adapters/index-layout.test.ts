import { HIGHLIGHT_FIELDS } from '../domain/search-query';
import { indexTemplate } from './index-layout';

describe('the index template', () => {
  const properties = indexTemplate({ prefix: 'inbox-conversations', shards: 1, replicas: 0, refreshInterval: '1s' }).template.mappings.properties as Record<string, { index_options?: string }>;

  it('keeps word offsets for every field a search highlights, so snippets come from the postings', () => {
    for (const field of HIGHLIGHT_FIELDS) expect([field, properties[field]?.index_options]).toEqual([field, 'offsets']);
  });

  it('keeps no offsets where nothing is highlighted (they cost disk)', () => {
    const withOffsets = Object.entries(properties).filter(([, mapping]) => mapping.index_options === 'offsets').map(([field]) => field);
    expect(withOffsets.sort()).toEqual([...HIGHLIGHT_FIELDS].sort());
  });
});
