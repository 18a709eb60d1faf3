import { buildSearchRequest, decodeSearchCursor, encodeSearchCursor, type SearchCriteria } from './search-query';

const base: SearchCriteria = { accountId: 'acc_a', query: '', visibleInboxIds: [], hideFiltered: false, hideTrash: false, sort: 'newest', limit: 25 };

function filters(body: Record<string, any>): unknown[] {
  return body.query.bool.filter;
}

describe('buildSearchRequest', () => {
  it('always filters by the tenant account, whatever the words', () => {
    for (const query of ['', '*', '{"match_all":{}}', 'account_id:acc_b OR *', '" OR "1"="1']) {
      const body = buildSearchRequest({ ...base, query });
      expect(filters(body)[0]).toEqual({ term: { account_id: 'acc_a' } });
      // The words appear only as the text of multi_match queries, never as query syntax.
      const json = JSON.stringify(body);
      expect(json).not.toContain('query_string');
      if (query.trim()) {
        for (const clause of (body as Record<string, any>).query.bool.must[0].bool.should) expect(clause.multi_match.query).toBe(query.trim());
      } else {
        expect((body as Record<string, any>).query.bool.must).toEqual([]);
      }
    }
  });

  it('adds fuzzy matching only when asked to forgive typos', () => {
    const fuzzy = (body: Record<string, any>) => body.query.bool.must[0].bool.should.filter((clause: any) => clause.multi_match.fuzziness);
    expect(fuzzy(buildSearchRequest({ ...base, query: 'refnud' }))).toEqual([]);
    expect(fuzzy(buildSearchRequest({ ...base, query: 'refnud', typoTolerant: true }))).toEqual([
      expect.objectContaining({ multi_match: expect.objectContaining({ query: 'refnud', fuzziness: 'AUTO', operator: 'and' }) }),
    ]);
  });

  it('ranks by phrase only when sorting by relevance, where ranking shows', () => {
    const types = (sort: SearchCriteria['sort']) => (buildSearchRequest({ ...base, query: 'parcel refund', sort }) as Record<string, any>).query.bool.must[0].bool.should.map((clause: any) => clause.multi_match.type ?? 'words');
    expect(types('relevance')).toEqual(['cross_fields', 'bool_prefix', 'phrase', 'words']);
    expect(types('newest')).toEqual(['cross_fields', 'bool_prefix', 'words']);
    expect(types('oldest')).toEqual(['cross_fields', 'bool_prefix', 'words']);
  });

  it('turns each filter into its clause', () => {
    const body = buildSearchRequest({
      ...base,
      visibleInboxIds: ['inb_1', 'inb_2'],
      inboxId: 'inb_1',
      status: 'closed',
      channel: 'chat',
      contactId: 'ctc_1',
      assigneeId: 'bot',
      from: new Date('2026-01-01T00:00:00Z'),
      to: new Date('2026-02-01T00:00:00Z'),
      hideFiltered: true,
      hideTrash: true,
    });
    expect(filters(body)).toEqual([
      { term: { account_id: 'acc_a' } },
      { terms: { inbox_id: ['inb_1', 'inb_2'] } },
      { term: { inbox_id: 'inb_1' } },
      { term: { status: 'closed' } },
      { term: { channel: 'chat' } },
      { term: { contact_id: 'ctc_1' } },
      { term: { assignee_kind: 'bot' } },
      { range: { last_message_at: { gte: '2026-01-01T00:00:00.000Z', lte: '2026-02-01T00:00:00.000Z' } } },
    ]);
    expect((body.query as any).bool.must_not).toEqual([{ term: { filtered: true } }, { term: { trashed: true } }]);
    expect(filters(buildSearchRequest({ ...base, assigneeId: 'unassigned' }))).toContainEqual({ term: { assignee_kind: 'none' } });
    expect(filters(buildSearchRequest({ ...base, assigneeId: 'usr_1' }))).toContainEqual({ term: { assignee_id: 'usr_1' } });
  });

  it('sorts by time with the id as tie-breaker, and by score only when there are words', () => {
    expect(buildSearchRequest({ ...base, sort: 'oldest' }).sort).toEqual([{ last_message_at: { order: 'asc' } }, { conversation_id: { order: 'asc' } }]);
    expect(buildSearchRequest({ ...base, sort: 'relevance' }).sort).toEqual([{ last_message_at: { order: 'desc' } }, { conversation_id: { order: 'desc' } }]);
    expect((buildSearchRequest({ ...base, query: 'refund', sort: 'relevance' }).sort as unknown[])[0]).toEqual({ _score: { order: 'desc' } });
  });

  it('refuses an inverted date range, an overlong query and a foreign cursor', () => {
    expect(() => buildSearchRequest({ ...base, from: new Date('2026-02-01'), to: new Date('2026-01-01') })).toThrow(expect.objectContaining({ code: 'invalid_date_range' }));
    expect(() => buildSearchRequest({ ...base, query: 'x'.repeat(501) })).toThrow(expect.objectContaining({ code: 'query_too_long' }));
    expect(() => buildSearchRequest({ ...base, accountId: '' })).toThrow(expect.objectContaining({ code: 'tenant_required' }));
    const newest = encodeSearchCursor('newest', [1767225600000, 'con_1']);
    expect(buildSearchRequest({ ...base, cursor: newest }).search_after).toEqual([1767225600000, 'con_1']);
    for (const cursor of ['junk', encodeSearchCursor('oldest', [1, 'con_1']), encodeSearchCursor('newest', [{ script: 'x' }, 'con_1']), encodeSearchCursor('newest', [1]), encodeSearchCursor('newest', [1e20, 'x']), encodeSearchCursor('newest', [1.5, 'x'])]) {
      expect(() => decodeSearchCursor(cursor, 'newest')).toThrow(expect.objectContaining({ code: 'invalid_cursor' }));
    }
  });
});
