// Full-history search: the search service finds and ranks, and answers with each hit's list item
// as indexed, so results look exactly like a view's rows (plus highlights) without a second read.
// An assignee's name and state come from the user as now; a hit indexed without its item (an
// index made before items were kept) is read from the conversation service.
import { HttpError, NotFoundError, channelType, conversationStatus, z, type ServiceClient, type ConversationClients } from '@inbox/lib';
import type { SearchServiceService } from '@inbox/lib/gen/inbox/search/v1/search';
import type { ApiRoutes } from '../api-route';
import { type AuthenticatedUser, tenant } from '../authenticate';
import { cacheScope, type ReadCache } from '../read-cache';
import { ConversationItem, conversationItem } from '../shapes/conversation.shapes';
import { ConversationSummary } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import type { UserRefs } from '../user-refs';


const flag = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1')
  .default(false);
const id = z.string().min(1).max(100);

const SearchQuery = z.object({
  q: z.string().max(500).default(''),
  inboxId: id.optional(),
  status: z.enum(['open', 'closed']).optional(),
  channel: z.enum(['email', 'chat', 'messenger', 'form', 'phone']).optional(),
  contactId: id.optional(),
  assigneeId: id.optional().describe('a user id, "unassigned", "bot" (any chatflow) or "bot:<chatflowId>"'),
  includeDeactivated: flag,
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  hideFiltered: flag,
  hideTrash: flag,
  sort: z.enum(['newest', 'oldest', 'relevance']).default('newest'),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(1000).optional(),
});

const SearchItem = ConversationItem.extend({
  highlights: z.array(z.string()).describe('matching fragments, HTML-escaped, matched words in <mark>'),
  score: z.number(),
}).openapi('SearchResult');


export function registerSearchRoutes(
  api: ApiRoutes,
  conversation: ConversationClients,
  search: ServiceClient<typeof SearchServiceService>,
  readCache?: ReadCache,
  users?: UserRefs,
): void {
  // The inboxes a user may search change only through the API (inboxes, memberships, roles) or
  // with the user's sessions, both of which drop the kept answer.
  const loadInboxIds = async (user: AuthenticatedUser) => (await conversation.directory.call.listInboxes({ tenant: tenant(user) })).inboxes.map((i) => i.id);
  const visibleInboxIds = async (user: AuthenticatedUser): Promise<string[]> => {
    if (!readCache) return loadInboxIds(user);
    const key = ['search-inboxes', user.accountId, user.id].join('\u0000');
    const kept = await readCache.get(key, [cacheScope.account(user.accountId), cacheScope.user(user.accountId, user.id)], () => loadInboxIds(user));
    return JSON.parse(kept.json.toString('utf8')) as string[];
  };

  const withAssigneeAsNow = async (reader: AuthenticatedUser, summary: ConversationSummary): Promise<ConversationSummary> => {
    if (!summary.assignee || !users) return summary;
    const now = await users.get(reader.accountId, summary.assignee.id, reader.id);
    // Each summary is decoded for this answer alone, so it is corrected in place, not copied.
    if (now) summary.assignee = now;
    return summary;
  };

  api.add(
    {
      method: 'get',
      path: '/search',
      summary: "Keyword search over the account's whole history, with the inbox filters; same items as a conversation list",
      tag: 'search',
      auth: true,
      query: SearchQuery,
      response: z.object({ items: z.array(SearchItem), nextCursor: z.string().nullable(), total: z.number().int(), tookMs: z.number().int() }),
      errors: [400, 404, 422],
    },
    async ({ user, query }) => {
      const from = query.from ? new Date(query.from) : undefined;
      const to = query.to ? new Date(query.to) : undefined;
      if (from && to && from > to) throw new HttpError(400, 'invalid_date_range', 'from must not be after to');
      // Only the inboxes this user may see (an agent's memberships); none means nothing to find.
      const inboxes = await visibleInboxIds(user);
      if (query.inboxId && !inboxes.includes(query.inboxId)) throw new NotFoundError('inbox_not_found', 'no such inbox');
      if (inboxes.length === 0) return { items: [], nextCursor: null, total: 0, tookMs: 0 };
      const assignee = query.assigneeId;
      if (assignee && assignee !== 'unassigned' && assignee !== 'bot' && !assignee.startsWith('bot:')) {
        const found = (await conversation.directory.call.getUser({ tenant: tenant(user), userId: assignee })).user!;
        if ((found.deactivated || found.removed) && !query.includeDeactivated) {
          throw new HttpError(422, 'assignee_deactivated', 'this user is deactivated or removed; pass includeDeactivated=true to search their conversations');
        }
      }
      const result = await search.call.searchConversations({
        tenant: tenant(user),
        query: query.q,
        inboxId: query.inboxId ?? '',
        visibleInboxIds: inboxes,
        status: conversationStatus.toProto(query.status),
        statusName: query.status ?? '',
        channel: channelType.toProto(query.channel),
        contactId: query.contactId ?? '',
        assigneeId: assignee ?? '',
        includeDeactivated: query.includeDeactivated,
        from,
        to,
        hideFiltered: query.hideFiltered,
        hideTrash: query.hideTrash,
        oldestFirst: query.sort === 'oldest',
        byRelevance: query.sort === 'relevance',
        page: { limit: query.limit, cursor: query.cursor ?? '' },
      });
      const unkept = result.hits.filter((h) => h.summary.length === 0).map((h) => h.conversationId);
      const read = unkept.length > 0 ? (await conversation.conversations.call.getConversationSummaries({ tenant: tenant(user), conversationIds: unkept })).items : [];
      const byId = new Map(read.map((s) => [s.id, s]));
      const rows = await Promise.all(
        result.hits.map(async (hit) => {
          const summary = hit.summary.length > 0 ? ConversationSummary.decode(hit.summary) : byId.get(hit.conversationId);
          return summary ? Object.assign(conversationItem(await withAssigneeAsNow(user, summary)), { highlights: hit.highlights, score: hit.score }) : undefined;
        }),
      );
      return {
        // A conversation deleted since it was indexed is simply left out.
        items: rows.filter((row) => row !== undefined),
        nextCursor: result.nextCursor || null,
        total: Number(result.total),
        tookMs: Number(result.tookMs),
      };
    },
  );
}
