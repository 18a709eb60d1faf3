// Turns a search request into an OpenSearch query. The caller's words only ever reach
// multi_match queries, which treat them as plain text (no operators, wildcards or JSON), and the
// account filter comes from the tenant, never from the request's text.
import { InvalidArgumentError } from '@inbox/lib';

export type SortMode = 'newest' | 'oldest' | 'relevance';

export interface SearchCriteria {
  accountId: string;
  query: string;
  visibleInboxIds: string[];
  inboxId?: string;
  status?: 'open' | 'closed';
  channel?: string;
  contactId?: string;
  /** A user id, "unassigned", "bot" (any chatflow) or "bot:<chatflow id>". */
  assigneeId?: string;
  from?: Date;
  to?: Date;
  hideFiltered: boolean;
  hideTrash: boolean;
  sort: SortMode;
  limit: number;
  cursor?: string;
  /**
   * Also match words within an edit distance of the query's. Fuzzy expansion costs several times
   * the rest of the query, so callers ask for it only when the exact words found nothing.
   */
  typoTolerant?: boolean;
}

export const MAX_QUERY_LENGTH = 500;
const WORD_FIELDS = ['subject^3', 'contact_name^3', 'contact_email^2', 'messages', 'comments'];
const PREFIX_FIELDS = ['subject', 'subject._2gram', 'subject._3gram', 'contact_name', 'contact_name._2gram', 'contact_name._3gram', 'messages', 'comments'];
const EXACT_FIELDS = ['subject.exact', 'contact_email.exact', 'messages.exact', 'comments.exact', 'participants'];
// Snippets come from what a row does not already show: its subject and contact are on it. Each
// highlighted field costs OpenSearch a pass over every hit; the subject's was a sixth of a search's CPU.
export const HIGHLIGHT_FIELDS = ['messages', 'comments'];

export function buildSearchRequest(c: SearchCriteria): Record<string, unknown> {
  if (!c.accountId) throw new InvalidArgumentError('tenant_required', 'the account is required');
  if (c.query.length > MAX_QUERY_LENGTH) throw new InvalidArgumentError('query_too_long', `the query is limited to ${MAX_QUERY_LENGTH} characters`);
  const filter: Record<string, unknown>[] = [{ term: { account_id: c.accountId } }];
  if (c.visibleInboxIds.length > 0) filter.push({ terms: { inbox_id: c.visibleInboxIds } });
  if (c.inboxId) filter.push({ term: { inbox_id: c.inboxId } });
  if (c.status) filter.push({ term: { status: c.status } });
  if (c.channel) filter.push({ term: { channel: c.channel } });
  if (c.contactId) filter.push({ term: { contact_id: c.contactId } });
  if (c.assigneeId === 'unassigned') filter.push({ term: { assignee_kind: 'none' } });
  else if (c.assigneeId === 'bot') filter.push({ term: { assignee_kind: 'bot' } });
  else if (c.assigneeId) filter.push({ term: { assignee_id: c.assigneeId } });
  if (c.from || c.to) {
    if (c.from && c.to && c.from > c.to) throw new InvalidArgumentError('invalid_date_range', 'from must not be after to');
    filter.push({ range: { last_message_at: { ...(c.from ? { gte: c.from.toISOString() } : {}), ...(c.to ? { lte: c.to.toISOString() } : {}) } } });
  }
  const mustNot: Record<string, unknown>[] = [];
  if (c.hideFiltered) mustNot.push({ term: { filtered: true } });
  if (c.hideTrash) mustNot.push({ term: { trashed: true } });

  const text = c.query.trim();
  const sortMode = effectiveSort(c.sort, text);
  const must: Record<string, unknown>[] = [];
  if (text) {
    must.push({
      bool: {
        should: [
          ...(c.typoTolerant ? [{ multi_match: { query: text, type: 'best_fields', fields: WORD_FIELDS, operator: 'and', fuzziness: 'AUTO', prefix_length: 1, max_expansions: 50 } }] : []),
          { multi_match: { query: text, type: 'cross_fields', fields: WORD_FIELDS, operator: 'and' } },
          { multi_match: { query: text, type: 'bool_prefix', fields: PREFIX_FIELDS, operator: 'and' } },
          // A phrase only ranks: whatever it matches, the words clause above matches too (same fields,
          // same analyser), so in time order it would be evaluated for nothing.
          ...(sortMode === 'relevance' ? [{ multi_match: { query: text, type: 'phrase', fields: WORD_FIELDS, boost: 2 } }] : []),
          { multi_match: { query: text, fields: EXACT_FIELDS, operator: 'and', boost: 4 } },
        ],
        minimum_should_match: 1,
      },
    });
  }

  const body: Record<string, unknown> = {
    size: clampLimit(c.limit),
    track_total_hits: 10_000,
    _source: false,
    // A hit's list item, from doc values: read without the document's texts.
    docvalue_fields: ['summary'],
    query: { bool: { filter, must, must_not: mustNot } },
    sort: sortClause(sortMode),
  };
  if (sortMode === 'relevance') body.track_scores = true;
  if (text) {
    // Snippets of what a row does not show already (its contact is on it), marked by the words
    // alone: the highlighter re-reads each hit, and running the prefix and n-gram clauses over every
    // field again cost a fifth of a search's CPU in OpenSearch.
    body.highlight = {
      encoder: 'html',
      pre_tags: ['<mark>'],
      post_tags: ['</mark>'],
      fragment_size: 160,
      number_of_fragments: 2,
      require_field_match: false,
      highlight_query: {
        multi_match: { query: text, fields: HIGHLIGHT_FIELDS, ...(c.typoTolerant ? { fuzziness: 'AUTO', prefix_length: 1, max_expansions: 50 } : {}) },
      },
      fields: Object.fromEntries(HIGHLIGHT_FIELDS.map((field) => [field, {}])),
    };
  }
  if (c.cursor) body.search_after = decodeSearchCursor(c.cursor, sortMode);
  return body;
}

/** Relevance needs words to rank by; without them results come newest first. */
export function effectiveSort(sort: SortMode, query: string): SortMode {
  return sort === 'relevance' && !query.trim() ? 'newest' : sort;
}

export function clampLimit(limit: number): number {
  return Math.min(Math.max(Math.trunc(limit) || 25, 1), 100);
}

function sortClause(mode: SortMode): unknown[] {
  if (mode === 'oldest') return [{ last_message_at: { order: 'asc' } }, { conversation_id: { order: 'asc' } }];
  if (mode === 'relevance') return [{ _score: { order: 'desc' } }, { last_message_at: { order: 'desc' } }, { conversation_id: { order: 'desc' } }];
  return [{ last_message_at: { order: 'desc' } }, { conversation_id: { order: 'desc' } }];
}

/** The opaque cursor: the sort mode and the last hit's sort values. */
export function encodeSearchCursor(mode: SortMode, sortValues: unknown[]): string {
  return Buffer.from(JSON.stringify({ m: mode, s: sortValues })).toString('base64url');
}

export function decodeSearchCursor(cursor: string, mode: SortMode): unknown[] {
  const invalid = () => new InvalidArgumentError('invalid_cursor', 'the cursor is not one this search returned');
  let parsed: { m?: unknown; s?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const expectedLength = mode === 'relevance' ? 3 : 2;
  const values = parsed?.s;
  if (parsed?.m !== mode || !Array.isArray(values) || values.length !== expectedLength) throw invalid();
  const id = values[values.length - 1];
  const time = values[values.length - 2];
  // A time is epoch milliseconds a Date can hold; anything else would fail inside OpenSearch as a 500.
  if (typeof id !== 'string' || id.length > 100 || typeof time !== 'number' || !Number.isSafeInteger(time) || Math.abs(time) > 8.64e15) throw invalid();
  if (mode === 'relevance' && (typeof values[0] !== 'number' || !Number.isFinite(values[0]))) throw invalid();
  return values;
}
