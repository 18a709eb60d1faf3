// Views, conversation lists and the thread.
import { channelType, conversationStatus, z, type ConversationClients } from '@inbox/lib';
import type { ConversationSummary, CustomView, GetConversationResponse } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import type { ApiRoutes } from '../api-route';
import { type AuthenticatedUser, tenant } from '../authenticate';
import { CallDto, CommentDto, ConversationItem, MessageDto, conversationDetail, conversationItem, iso } from '../shapes/conversation.shapes';
import { cacheScope, type ReadCache } from '../read-cache';
import { sendJson } from '../send-json';

const VIEW_IDS = ['unassigned', 'mine', 'team', 'team_unassigned', 'open', 'chat', 'email', 'messenger', 'forms', 'calls', 'sla', 'bots', 'closed', 'sent', 'spam', 'trash'] as const;

/** A name on the wire: the enum, and the name for a conversation service of the previous release. */
const wireChannel = (name: string | null | undefined) => ({ channel: channelType.toProto(name), channelName: name ?? '' });
const wireStatus = (name: string | null | undefined) => ({ status: conversationStatus.toProto(name), statusName: name ?? '' });

const Body = z
  .object({ text: z.string().max(1_000_000).optional(), html: z.string().max(1_000_000).optional() })
  .refine((b) => !!(b.text?.trim() || b.html?.trim()), { message: 'text or html is required', path: ['text'] });

const messageDto = (detailMessages: GetConversationResponse['messages'], conversationId: string, publicUrl: string) =>
  conversationDetail({ conversation: { id: conversationId } as ConversationSummary, messages: detailMessages, comments: [] }, publicUrl).messages;

const CustomViewDto = z
  .object({
    id: z.string(),
    inboxId: z.string(),
    name: z.string(),
    ownerId: z.string(),
    shared: z.boolean(),
    teamId: z.string().nullable().describe('shared with this team'),
    filters: z.object({ baseView: z.string(), channel: z.string().nullable(), assignee: z.string().nullable(), needsReply: z.boolean() }),
  })
  .openapi('CustomView');

const customViewDto = (v: CustomView): z.infer<typeof CustomViewDto> => ({
  id: v.id,
  inboxId: v.inboxId,
  name: v.name,
  ownerId: v.ownerId,
  shared: v.shared,
  teamId: v.teamId || null,
  filters: { baseView: v.filters?.baseView ?? 'open', channel: (v.filters && channelType.nameOf(v.filters.channel, v.filters.channelName)) || null, assignee: v.filters?.assignee || null, needsReply: v.filters?.needsReply ?? false },
});

export function registerConversationRoutes(api: ApiRoutes, conversation: ConversationClients, publicUrl: string, readCache?: ReadCache): void {
  // Kept per reader (the answer was allowed for this user, and views like "mine" differ by user), and
  // dropped by any change in the account, the reader's rights, or the inbox or conversation it shows.
  const sendCached = async (
    { user, req, res }: { user: AuthenticatedUser; req: Parameters<typeof sendJson>[0]; res: Parameters<typeof sendJson>[1] },
    key: (string | number)[],
    scope: string,
    load: () => Promise<unknown>,
  ) => {
    if (!readCache) return load();
    const scopes = [cacheScope.account(user.accountId), scope, cacheScope.user(user.accountId, user.id)];
    await sendJson(req, res, 200, await readCache.get([key[0], user.accountId, user.id, ...key.slice(1)].join('\u0000'), scopes, load));
  };

  api.add(
    {
      method: 'get',
      path: '/inboxes/:inboxId/views',
      summary: "The inbox's views with their live counts",
      tag: 'conversations',
      auth: true,
      response: z.array(z.object({ id: z.string(), name: z.string(), count: z.number().int(), custom: CustomViewDto.optional() })),
      errors: [404],
    },
    async (ctx) =>
      sendCached(ctx, ['views', ctx.params.inboxId], cacheScope.inbox(ctx.user.accountId, ctx.params.inboxId), async () =>
        (await conversation.conversations.call.listViews({ tenant: tenant(ctx.user), inboxId: ctx.params.inboxId })).views.map((v) => ({
          id: v.id,
          name: v.name,
          count: Number(v.count),
          ...(v.custom ? { custom: customViewDto(v.custom) } : {}),
        })),
      ),
  );

  const CustomViewBody = z
    .object({
      name: z.string().trim().min(1).max(60),
      shared: z.boolean().default(false),
      teamId: z.string().min(1).max(100).nullable().optional().describe('share with a team you are in (not with the inbox too)'),
      filters: z
        .object({
          baseView: z.enum(VIEW_IDS).default('open'),
          channel: z.enum(['email', 'chat', 'messenger', 'form', 'phone']).optional(),
          assignee: z.string().min(1).max(100).optional(),
          needsReply: z.boolean().default(false),
        })
        .strict()
        .default({ baseView: 'open', needsReply: false }),
    })
    .strict();
  const saveView = async (user: AuthenticatedUser, id: string, inboxId: string, body: z.infer<typeof CustomViewBody>) =>
    customViewDto(
      (
        await conversation.conversations.call.saveCustomView({
          tenant: tenant(user),
          id,
          inboxId,
          name: body.name,
          shared: body.shared,
          teamId: body.teamId ?? '',
          filters: { baseView: body.filters.baseView, ...wireChannel(body.filters.channel), assignee: body.filters.assignee ?? '', needsReply: body.filters.needsReply },
        })
      ).view!,
    );

  api.add(
    {
      method: 'post',
      path: '/inboxes/:inboxId/views',
      summary: 'Save a custom view: a built-in view narrowed by channel, owner and needs-reply; private, shared with the inbox, or with a team',
      tag: 'conversations',
      auth: true,
      status: 201,
      body: CustomViewBody,
      response: CustomViewDto,
      errors: [404],
    },
    async ({ user, params, body }) => saveView(user, '', params.inboxId, body),
  );

  api.add(
    { method: 'put', path: '/views/:id', summary: 'Change a custom view (its owner; an admin for a shared one)', tag: 'conversations', auth: true, body: CustomViewBody, response: CustomViewDto, errors: [403, 404] },
    async ({ user, params, body }) => saveView(user, params.id, '', body),
  );

  api.add(
    { method: 'delete', path: '/views/:id', summary: 'Remove a custom view (its owner; an admin for a shared one)', tag: 'conversations', auth: true, status: 204, errors: [403, 404] },
    async ({ user, params }) => {
      await conversation.conversations.call.deleteCustomView({ tenant: tenant(user), id: params.id });
    },
  );

  api.add(
    {
      method: 'get',
      path: '/inboxes/:inboxId/conversations',
      summary: 'The conversations of one view, newest (or oldest) last message first, keyset-paginated',
      tag: 'conversations',
      auth: true,
      query: z.object({
        view: z.union([z.enum(VIEW_IDS), z.string().regex(/^cvw_[0-9a-f-]{36}$/, 'a built-in view id or a custom view id')]).default('open'),
        sort: z.enum(['newest', 'oldest']).default('newest'),
        limit: z.coerce.number().int().min(1).max(100).default(25),
        cursor: z.string().max(500).optional(),
      }),
      response: z.object({ items: z.array(ConversationItem), nextCursor: z.string().nullable() }),
      errors: [404],
    },
    async (ctx) => {
      const { user, params, query } = ctx;
      const load = async () => {
        const page = await conversation.conversations.call.listConversations({
          tenant: tenant(user),
          inboxId: params.inboxId,
          view: query.view,
          oldestFirst: query.sort === 'oldest',
          page: { limit: query.limit, cursor: query.cursor ?? '' },
        });
        return { items: page.items.map(conversationItem), nextCursor: page.nextCursor || null };
      };
      return sendCached(ctx, ['list', params.inboxId, query.view, query.sort, query.limit, query.cursor ?? ''], cacheScope.inbox(user.accountId, params.inboxId), load);
    },
  );

  api.add(
    {
      method: 'get',
      path: '/conversations/:id',
      summary: 'One conversation with every message and internal comment, in order',
      tag: 'conversations',
      auth: true,
      response: ConversationItem.extend({ messages: z.array(MessageDto), comments: z.array(CommentDto), call: CallDto.nullable() }),
      errors: [404],
    },
    async (ctx) =>
      sendCached(ctx, ['thread', ctx.params.id], cacheScope.conversation(ctx.user.accountId, ctx.params.id), async () =>
        conversationDetail(await conversation.conversations.call.getConversation({ tenant: tenant(ctx.user), conversationId: ctx.params.id }), publicUrl),
      ),
  );
}

export function registerConversationActionRoutes(api: ApiRoutes, conversation: ConversationClients, publicUrl: string): void {
  const summaryOf = async (user: AuthenticatedUser, id: string) => conversationItem((await conversation.conversations.call.getConversation({ tenant: tenant(user), conversationId: id })).conversation!);

  api.add(
    {
      method: 'patch',
      path: '/conversations/:id',
      summary: 'Assign, reassign or unassign (assigneeId null); put in a team or take out (teamId null); close or reopen (closeTicket closes its tickets too)',
      tag: 'conversations',
      auth: true,
      body: z
        .object({
          assigneeId: z.string().min(1).max(100).nullable().optional(),
          teamId: z.string().min(1).max(100).nullable().optional(),
          status: z.enum(['open', 'closed']).optional(),
          closeTicket: z.boolean().optional(),
        })
        .refine((b) => b.assigneeId !== undefined || b.status !== undefined || b.teamId !== undefined, 'send assigneeId, teamId and/or status'),
      response: ConversationItem,
      errors: [404, 409],
    },
    async ({ user, params, body }) =>
      conversationItem(
        (
          await conversation.conversations.call.updateConversation({
            tenant: tenant(user),
            conversationId: params.id,
            assigneeId: body.assigneeId === null ? undefined : body.assigneeId,
            unassign: body.assigneeId === null,
            ...wireStatus(body.status),
            closeTicket: body.closeTicket ?? false,
            teamId: body.teamId ?? undefined,
            clearTeam: body.teamId === null,
          })
        ).conversation!,
      ),
  );

  api.add(
    {
      method: 'post',
      path: '/conversations/bulk',
      summary: 'Close or trash many conversations at once (all or nothing)',
      tag: 'conversations',
      auth: true,
      body: z.object({ ids: z.array(z.string().min(1).max(100)).min(1).max(500), action: z.enum(['close', 'trash']) }),
      response: z.object({ items: z.array(ConversationItem) }),
      errors: [404, 409],
    },
    async ({ user, body }) => ({
      items: (await conversation.conversations.call.applyToConversations({ tenant: tenant(user), conversationIds: body.ids, action: body.action })).conversations.map(conversationItem),
    }),
  );

  const single: [string, string, string][] = [
    ['trash', 'trash', 'Move to trash (restorable for 30 days)'],
    ['restore', 'restore', 'Restore from trash'],
    ['spam', 'spam', 'Mark as spam: this thread only moves to Spam'],
    ['not-spam', 'not_spam', 'Not spam: back to the inbox'],
    ['block-sender', 'block_sender', 'Block the sender: this and future threads are filtered; tickets are deleted'],
    ['close', 'close', 'Close'],
    ['reopen', 'reopen', 'Reopen'],
  ];
  for (const [path, action, summary] of single) {
    api.add(
      { method: 'post', path: `/conversations/:id/${path}`, summary, tag: 'conversations', auth: true, response: ConversationItem, errors: [404, 409] },
      async ({ user, params }) => conversationItem((await conversation.conversations.call.applyToConversations({ tenant: tenant(user), conversationIds: [params.id], action })).conversations[0]),
    );
  }

  api.add(
    { method: 'post', path: '/conversations/:id/unblock-sender', summary: "Unblock this conversation's sender", tag: 'conversations', auth: true, response: ConversationItem, errors: [404, 409] },
    async ({ user, params }) => {
      await conversation.conversations.call.unblockSender({ tenant: tenant(user), senderKey: '', conversationId: params.id });
      return summaryOf(user, params.id);
    },
  );

  api.add(
    {
      method: 'get',
      path: '/blocked-senders',
      summary: 'Blocked senders of the account',
      tag: 'conversations',
      auth: true,
      response: z.object({ items: z.array(z.object({ senderKey: z.string(), blockedBy: z.string().nullable(), createdAt: z.string() })), nextCursor: z.null() }),
    },
    async ({ user }) => ({
      items: (await conversation.conversations.call.listBlockedSenders({ tenant: tenant(user) })).senders.map((b) => ({ senderKey: b.senderKey, blockedBy: b.blockedBy || null, createdAt: iso(b.createdAt) })),
      nextCursor: null,
    }),
  );

  api.add(
    {
      method: 'delete',
      path: '/blocked-senders/:senderKey',
      summary: 'Unblock a sender (e.g. email:kari@example.com); their blocked conversations return to the inbox',
      tag: 'conversations',
      auth: true,
      status: 204,
      errors: [409],
    },
    async ({ user, params }) => {
      await conversation.conversations.call.unblockSender({ tenant: tenant(user), senderKey: params.senderKey, conversationId: '' });
    },
  );

  api.add(
    { method: 'delete', path: '/conversations/:id', summary: 'Delete forever (only from trash): messages, attachments and tickets are gone', tag: 'conversations', auth: true, status: 204, errors: [404, 409] },
    async ({ user, params }) => {
      await conversation.conversations.call.deleteConversation({ tenant: tenant(user), conversationId: params.id });
    },
  );

  for (const [path, hidden] of [['hide', true], ['unhide', false]] as const) {
    api.add(
      {
        method: 'post',
        path: `/messages/:id/${path}`,
        summary: hidden ? 'Hide a message (sensitive data): replaced by "Message is hidden" everywhere' : 'Unhide (only a super admin or the user who hid it)',
        tag: 'conversations',
        auth: true,
        response: MessageDto,
        errors: [403, 404],
      },
      async ({ user, params }) => {
        const { message } = await conversation.conversations.call.setMessageHidden({ tenant: tenant(user), messageId: params.id, hidden });
        return messageDto([message!], message!.conversationId, publicUrl)[0];
      },
    );
  }

  api.add(
    {
      method: 'post',
      path: '/conversations/:id/comments',
      summary: 'Add an internal comment; @usr_… or @email mentions notify those team members',
      tag: 'conversations',
      auth: true,
      status: 201,
      body: z.object({ text: z.string().trim().min(1).max(20_000), mentionedUserIds: z.array(z.string().min(1).max(100)).max(50).optional() }),
      response: CommentDto,
      errors: [404, 409],
    },
    async ({ user, params, body }) => {
      const { comment } = await conversation.conversations.call.addComment({ tenant: tenant(user), conversationId: params.id, text: body.text, mentionedUserIds: body.mentionedUserIds ?? [] });
      return { ...comment!, createdAt: iso(comment!.createdAt) };
    },
  );

  api.add(
    {
      method: 'post',
      path: '/conversations/:id/messages',
      summary: "Reply on the conversation's channel (or channel: \"email\" to switch); an unassigned conversation becomes the replier's",
      tag: 'conversations',
      auth: true,
      status: 201,
      body: z.intersection(
        Body,
        z.object({
          channel: z.enum(['email', 'chat', 'messenger', 'form', 'phone']).optional(),
          attachmentIds: z.array(z.string().min(1).max(100)).max(20).optional(),
          cc: z.array(z.string().max(254)).max(49).optional().describe('email only: further recipients'),
          bcc: z.array(z.string().max(254)).max(49).optional().describe('email only: blind copies (never in the headers)'),
          replyAll: z.literal(true).optional().describe("email only: copy everyone the customer's last email went to, except our own addresses"),
        }),
      ),
      response: MessageDto,
      errors: [404, 409],
    },
    async ({ user, params, body }) => {
      const { message } = await conversation.outbound.call.reply({
        tenant: tenant(user),
        conversationId: params.id,
        text: body.text ?? '',
        html: body.html ?? '',
        ...wireChannel(body.channel),
        uploadIds: body.attachmentIds ?? [],
        cc: body.cc ?? [],
        bcc: body.bcc ?? [],
        replyAll: body.replyAll ?? false,
      });
      return messageDto([message!], params.id, publicUrl)[0];
    },
  );

  const messageOf = async (user: AuthenticatedUser, conversationId: string, messageId: string) =>
    messageDto((await conversation.conversations.call.getConversation({ tenant: tenant(user), conversationId })).messages.filter((m) => m.id === messageId), conversationId, publicUrl)[0];

  api.add(
    {
      method: 'post',
      path: '/conversations/:id/transcript',
      summary: "Email a chat's transcript to the visitor (or `to`); also sent automatically when a chat with a known address closes",
      tag: 'conversations',
      auth: true,
      status: 201,
      body: z.object({ to: z.email().optional() }).strict(),
      response: MessageDto,
      errors: [404, 409],
    },
    async ({ user, params, body }) => {
      const { messageId } = await conversation.outbound.call.sendTranscript({ tenant: tenant(user), conversationId: params.id, to: body.to ?? '' });
      return messageOf(user, params.id, messageId);
    },
  );

  api.add(
    {
      method: 'post',
      path: '/conversations/:id/forward',
      summary: 'Forward the conversation (or one message, `messageId`) with its attachments to an outside address; answers thread back in',
      tag: 'conversations',
      auth: true,
      status: 201,
      body: z.object({ to: z.email(), note: z.string().max(100_000).optional(), messageId: z.string().min(1).max(100).optional() }).strict(),
      response: MessageDto,
      errors: [404, 409],
    },
    async ({ user, params, body }) => {
      const { messageId } = await conversation.outbound.call.forwardConversation({ tenant: tenant(user), conversationId: params.id, to: body.to, note: body.note ?? '', messageId: body.messageId ?? '' });
      return messageOf(user, params.id, messageId);
    },
  );

  api.add(
    {
      method: 'post',
      path: '/conversations/:id/calls',
      summary: "Call the contact (or `to`) through the inbox's phone channel; the call is logged on the conversation",
      tag: 'conversations',
      auth: true,
      status: 201,
      body: z.object({ to: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be E.164, e.g. +4712345678').optional() }).strict(),
      response: MessageDto,
      errors: [404, 409],
    },
    async ({ user, params, body }) => {
      const { messageId } = await conversation.outbound.call.placeCall({ tenant: tenant(user), conversationId: params.id, to: body.to ?? '' });
      return messageOf(user, params.id, messageId);
    },
  );

  api.add(
    {
      method: 'post',
      path: '/conversations',
      summary: 'Compose a new outbound email; it shows in Sent until the contact replies',
      tag: 'conversations',
      auth: true,
      status: 201,
      body: z.intersection(
        Body,
        z.object({
          inboxId: z.string().min(1).max(100),
          channel: z.literal('email').default('email'),
          to: z.email(),
          cc: z.array(z.string().max(254)).max(49).optional(),
          bcc: z.array(z.string().max(254)).max(49).optional(),
          subject: z.string().max(998).default(''),
        }),
      ),
      response: ConversationItem.extend({ messages: z.array(MessageDto) }),
      errors: [404, 409],
    },
    async ({ user, body }) => {
      const created = await conversation.outbound.call.composeEmail({
        tenant: tenant(user),
        inboxId: body.inboxId,
        to: body.to,
        cc: body.cc ?? [],
        bcc: body.bcc ?? [],
        subject: body.subject,
        text: body.text ?? '',
        html: body.html ?? '',
      });
      return { ...conversationItem(created.conversation!), messages: messageDto([created.message!], created.conversation!.id, publicUrl) };
    },
  );
}
