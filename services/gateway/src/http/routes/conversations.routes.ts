// Views, conversation lists and the thread.
import { z, type ServiceClient } from '@inbox/lib';
import type { ConversationServiceService, ConversationSummary, GetConversationResponse } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import type { ApiRoutes } from '../api-route';
import type { AuthenticatedUser } from '../authenticate';

const VIEW_IDS = ['unassigned', 'mine', 'open', 'chat', 'email', 'messenger', 'forms', 'calls', 'bots', 'closed', 'sent', 'spam', 'trash'] as const;

const Address = z.object({ name: z.string(), address: z.string() });
export const ConversationItem = z
  .object({
    id: z.string(),
    inboxId: z.string(),
    status: z.enum(['open', 'closed']),
    channel: z.enum(['email', 'chat', 'messenger', 'form', 'phone']),
    subject: z.string(),
    preview: z.string(),
    contact: z.object({ id: z.string(), name: z.string(), email: z.string().nullable() }).nullable(),
    participantCount: z.number().int(),
    assignee: z.object({ id: z.string(), name: z.string(), deactivated: z.boolean() }).nullable(),
    lastMessageAt: z.string(),
    lastMessageDirection: z.enum(['inbound', 'outbound']),
    commentPreview: z.string().nullable(),
    filtered: z.boolean(),
    filteredReason: z.string().nullable(),
    trashedAt: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
  })
  .openapi('ConversationListItem');

const MessageDto = z
  .object({
    id: z.string(),
    direction: z.enum(['inbound', 'outbound']),
    channel: z.string(),
    from: Address,
    to: z.array(Address),
    cc: z.array(Address),
    subject: z.string(),
    text: z.string(),
    html: z.string().nullable(),
    fields: z.record(z.string(), z.string()),
    attachments: z.array(z.object({ id: z.string(), filename: z.string(), contentType: z.string(), size: z.number(), contentId: z.string().nullable(), inline: z.boolean(), url: z.string() })),
    hidden: z.boolean(),
    hiddenBy: z.string().nullable(),
    authorUserId: z.string().nullable(),
    deliveryStatus: z.string().nullable(),
    deliveryError: z.string().nullable(),
    permalink: z.string(),
    createdAt: z.string(),
  })
  .openapi('Message');

const CommentDto = z
  .object({ id: z.string(), authorId: z.string(), authorName: z.string(), text: z.string(), mentionedUserIds: z.array(z.string()), createdAt: z.string() })
  .openapi('Comment');

const iso = (date: Date | undefined) => (date ?? new Date(0)).toISOString();

export function conversationItem(c: ConversationSummary): z.infer<typeof ConversationItem> {
  return {
    id: c.id,
    inboxId: c.inboxId,
    status: c.status as 'open' | 'closed',
    channel: c.channel as z.infer<typeof ConversationItem>['channel'],
    subject: c.subject,
    preview: c.preview,
    contact: c.contact ? { id: c.contact.id, name: c.contact.name, email: c.contact.email || null } : null,
    participantCount: c.participantCount,
    assignee: c.assignee ? { id: c.assignee.id, name: c.assignee.name, deactivated: c.assignee.deactivated } : null,
    lastMessageAt: iso(c.lastMessageAt),
    lastMessageDirection: c.lastMessageDirection as 'inbound' | 'outbound',
    commentPreview: c.commentPreview || null,
    filtered: c.filtered,
    filteredReason: c.filteredReason || null,
    trashedAt: c.trashedAt ? c.trashedAt.toISOString() : null,
    version: Number(c.version),
    createdAt: iso(c.createdAt),
  };
}

export function conversationDetail(detail: GetConversationResponse, publicUrl: string) {
  const conversation = conversationItem(detail.conversation!);
  return {
    ...conversation,
    messages: detail.messages.map((m) => ({
      id: m.id,
      direction: m.direction as 'inbound' | 'outbound',
      channel: m.channel,
      from: m.from ?? { name: '', address: '' },
      to: m.to,
      cc: m.cc,
      subject: m.subject,
      text: m.text,
      html: m.html || null,
      fields: m.fields,
      attachments: m.attachments.map((a) => ({
        id: a.id,
        filename: a.filename,
        contentType: a.contentType,
        size: Number(a.size),
        contentId: a.contentId || null,
        inline: a.inline,
        url: `/api/v1/attachments/${a.id}`,
      })),
      hidden: m.hidden,
      hiddenBy: m.hiddenBy || null,
      authorUserId: m.authorUserId || null,
      deliveryStatus: m.deliveryStatus || null,
      deliveryError: m.deliveryError || null,
      permalink: `${publicUrl}/conversations/${conversation.id}#message-${m.id}`,
      createdAt: iso(m.createdAt),
    })),
    comments: detail.comments.map((c) => ({ ...c, createdAt: iso(c.createdAt) })),
  };
}

const tenant = (user: AuthenticatedUser) => ({ accountId: user.accountId, userId: user.id });

export function registerConversationRoutes(api: ApiRoutes, conversation: ServiceClient<typeof ConversationServiceService>, publicUrl: string): void {
  api.add(
    {
      method: 'get',
      path: '/inboxes/:inboxId/views',
      summary: "The inbox's views with their live counts",
      tag: 'conversations',
      auth: true,
      response: z.array(z.object({ id: z.string(), name: z.string(), count: z.number().int() })),
      errors: [404],
    },
    async ({ user, params }) =>
      (await conversation.call.listViews({ tenant: tenant(user), inboxId: params.inboxId })).views.map((v) => ({ id: v.id, name: v.name, count: Number(v.count) })),
  );

  api.add(
    {
      method: 'get',
      path: '/inboxes/:inboxId/conversations',
      summary: 'The conversations of one view, newest (or oldest) last message first, keyset-paginated',
      tag: 'conversations',
      auth: true,
      query: z.object({
        view: z.enum(VIEW_IDS).default('open'),
        sort: z.enum(['newest', 'oldest']).default('newest'),
        limit: z.coerce.number().int().min(1).max(100).default(25),
        cursor: z.string().max(500).optional(),
      }),
      response: z.object({ items: z.array(ConversationItem), nextCursor: z.string().nullable() }),
      errors: [404],
    },
    async ({ user, params, query }) => {
      const page = await conversation.call.listConversations({
        tenant: tenant(user),
        inboxId: params.inboxId,
        view: query.view,
        oldestFirst: query.sort === 'oldest',
        page: { limit: query.limit, cursor: query.cursor ?? '' },
      });
      return { items: page.items.map(conversationItem), nextCursor: page.nextCursor || null };
    },
  );

  api.add(
    {
      method: 'get',
      path: '/conversations/:id',
      summary: 'One conversation with every message and internal comment, in order',
      tag: 'conversations',
      auth: true,
      response: ConversationItem.extend({ messages: z.array(MessageDto), comments: z.array(CommentDto) }),
      errors: [404],
    },
    async ({ user, params }) => conversationDetail(await conversation.call.getConversation({ tenant: tenant(user), conversationId: params.id }), publicUrl),
  );
}
