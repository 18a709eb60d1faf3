// The SearchService gRPC API.
import { InvalidArgumentError, channelNameOf, conversationStatus, type UnaryHandlers } from '@inbox/lib';
import type { SearchServiceService } from '@inbox/lib/gen/inbox/search/v1/search';
import { buildSearchRequest, effectiveSort, encodeSearchCursor, type SortMode } from '../domain/search-query';
import { summaryOf, type ConversationIndex } from './conversation-index';


export function searchGrpcHandlers(index: ConversationIndex): UnaryHandlers<typeof SearchServiceService> {
  return {
    async searchConversations(request) {
      const accountId = request.tenant?.accountId;
      if (!accountId) throw new InvalidArgumentError('tenant_required', 'tenant.account_id is required');
      const status = conversationStatus.nameOf(request.status, request.statusName);
      if (!status && (request.status || request.statusName)) throw new InvalidArgumentError('invalid_status', 'status must be open or closed');
      const sort: SortMode = request.byRelevance ? 'relevance' : request.oldestFirst ? 'oldest' : 'newest';
      const criteria = {
        accountId,
        query: request.query,
        visibleInboxIds: request.visibleInboxIds,
        inboxId: request.inboxId || undefined,
        status,
        channel: channelNameOf(request.channel),
        contactId: request.contactId || undefined,
        assigneeId: request.assigneeId || undefined,
        from: request.from,
        to: request.to,
        hideFiltered: request.hideFiltered,
        hideTrash: request.hideTrash,
        sort,
        limit: request.page?.limit ?? 25,
        cursor: request.page?.cursor || undefined,
      };
      const body = buildSearchRequest(criteria);
      // One hit more than the page tells whether there is a next page.
      const limit = body.size as number;
      let result = await index.search({ ...body, size: limit + 1 });
      // Typos are forgiven when the exact words match nothing anywhere (the total, not this page),
      // so every page of one search uses the same query.
      if (result.total === 0 && request.query.trim()) result = await index.search({ ...buildSearchRequest({ ...criteria, typoTolerant: true }), size: limit + 1 });
      const hits = result.hits.slice(0, limit);
      const last = hits[hits.length - 1];
      return {
        hits: hits.map((hit) => ({
          conversationId: hit._id,
          score: hit._score ?? 0,
          highlights: Object.values(hit.highlight ?? {}).flat().slice(0, 3),
          summary: summaryOf(hit),
        })),
        nextCursor: result.hits.length > limit && last ? encodeSearchCursor(effectiveSort(sort, request.query), last.sort) : '',
        tookMs: String(result.took),
        total: String(result.total),
      };
    },
  };
}
