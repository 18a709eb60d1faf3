// The signed-in user's notifications: newest first with read flags and the unread count; mark read.
// Email digest preferences: each user's own, and (for admins) everyone's.
import { HttpError, NotFoundError, z, type ServiceClient, type ConversationClients } from '@inbox/lib';
import type { AuthenticatedUser } from '../authenticate';
import type { Notification, NotificationServiceService } from '@inbox/lib/gen/inbox/notification/v1/notification';
import type { ApiRoutes } from '../api-route';

const NotificationDto = z
  .object({
    id: z.string(),
    kind: z.enum(['mention', 'assignment', 'new_message', 'sla_breached', 'webhook_paused']),
    conversationId: z.string().nullable().describe('null for a notice about the account (webhook_paused)'),
    webhookId: z.string().nullable().describe('webhook_paused: the webhook the server paused'),
    commentId: z.string().nullable(),
    messageId: z.string().nullable(),
    actorUserId: z.string().nullable(),
    conversation: z
      .object({ subject: z.string(), contactName: z.string().nullable() })
      .nullable()
      .describe('what the notice is about, named for the bell (null: an account notice, or a conversation the reader can no longer open)'),
    link: z.string(),
    read: z.boolean(),
    createdAt: z.string(),
  })
  .openapi('Notification');

type Named = z.infer<typeof NotificationDto>['conversation'];

function notificationDto(n: Notification, conversations: Map<string, Named>): z.infer<typeof NotificationDto> {
  const anchor = n.commentId ? `#comment-${n.commentId}` : n.messageId ? `#message-${n.messageId}` : '';
  return {
    id: n.id,
    kind: n.kind as z.infer<typeof NotificationDto>['kind'],
    conversationId: n.conversationId || null,
    webhookId: n.webhookId || null,
    commentId: n.commentId || null,
    messageId: n.messageId || null,
    actorUserId: n.actorUserId || null,
    conversation: conversations.get(n.conversationId) ?? null,
    link: n.conversationId ? `/conversations/${n.conversationId}${anchor}` : '/settings/webhooks',
    read: n.read,
    createdAt: (n.createdAt ?? new Date(0)).toISOString(),
  };
}

export function registerNotificationRoutes(
  api: ApiRoutes,
  notifications: ServiceClient<typeof NotificationServiceService>,
  conversation: ConversationClients,
): void {
  api.add(
    {
      method: 'get',
      path: '/notifications',
      summary: "The signed-in user's notifications, newest first, with the unread count",
      tag: 'notifications',
      auth: true,
      query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(25), cursor: z.string().max(500).optional() }),
      response: z.object({ items: z.array(NotificationDto), nextCursor: z.string().nullable(), unreadCount: z.number().int() }),
    },
    async ({ user, query }) => {
      const tenant = { accountId: user.accountId, userId: user.id };
      const page = await notifications.call.listNotifications({ tenant, page: { limit: query.limit, cursor: query.cursor ?? '' } });
      // One look-up for the page's conversations, narrowed to those the reader may still open.
      const ids = [...new Set(page.notifications.map((n) => n.conversationId).filter(Boolean))];
      const found = ids.length > 0 ? (await conversation.conversations.call.getConversationSummaries({ tenant, conversationIds: ids })).items : [];
      const named = new Map<string, Named>(found.map((c) => [c.id, { subject: c.subject, contactName: c.contact?.name || c.contact?.email || null }]));
      return { items: page.notifications.map((n) => notificationDto(n, named)), nextCursor: page.nextCursor || null, unreadCount: Number(page.unreadCount) };
    },
  );

  api.add(
    {
      method: 'post',
      path: '/notifications/read',
      summary: 'Mark notifications read: the named ones, or all',
      tag: 'notifications',
      auth: true,
      body: z
        .object({ ids: z.array(z.string().min(1).max(100)).max(500).optional(), all: z.boolean().optional() })
        .refine((b) => b.all === true || (b.ids?.length ?? 0) > 0, 'send ids or all: true'),
      response: z.object({ unreadCount: z.number().int() }),
    },
    async ({ user, body }) => {
      const result = await notifications.call.markRead({ tenant: { accountId: user.accountId, userId: user.id }, notificationIds: body.ids ?? [], all: body.all ?? false });
      return { unreadCount: Number(result.unreadCount) };
    },
  );

  const Preferences = z.object({ email: z.boolean().describe('email digests of unread notifications, at most one per interval'), address: z.string().nullable() });

  /** Whose preferences a route is about: the signed-in user, or (admins only) another user of the account. */
  const preferencesRoutes = (path: string, forOthers: boolean) => {
    const owner = async (user: AuthenticatedUser, params: Record<string, string>): Promise<{ id: string; email: string; name: string }> => {
      if (!forOthers || params.id === user.id) return user;
      if (user.role !== 'admin' && user.role !== 'superadmin') throw new HttpError(403, 'forbidden', "only admins see and change other users' preferences");
      const found = (await conversation.directory.call.getUser({ tenant: { accountId: user.accountId, userId: user.id }, userId: params.id })).user;
      if (!found || found.removed) throw new NotFoundError('user_not_found', 'no such user');
      return found;
    };
    api.add(
      {
        method: 'get',
        path,
        summary: forOthers ? "A user's notification settings (admins, or the user)" : "The signed-in user's notification settings",
        tag: 'notifications',
        auth: true,
        response: Preferences,
        errors: forOthers ? [403, 404] : [],
      },
      async ({ user, params }) => {
        const target = await owner(user, params);
        const { preference } = await notifications.call.getEmailPreference({ tenant: { accountId: user.accountId, userId: target.id } });
        return { email: preference?.enabled ?? false, address: preference?.address || null };
      },
    );
    api.add(
      {
        method: 'put',
        path,
        summary: forOthers
          ? "Turn a user's email digests on or off (admins, or the user); sent to that user's own address"
          : 'Turn email digests of unread notifications on or off (sent to the user’s own address)',
        tag: 'notifications',
        auth: true,
        body: z.object({ email: z.boolean() }).strict(),
        response: Preferences,
        errors: forOthers ? [403, 404] : [],
      },
      async ({ user, params, body }) => {
        const target = await owner(user, params);
        const { preference } = await notifications.call.setEmailPreference({
          tenant: { accountId: user.accountId, userId: target.id },
          enabled: body.email,
          address: target.email,
          name: target.name,
        });
        return { email: preference?.enabled ?? false, address: preference?.address || null };
      },
    );
  };
  preferencesRoutes('/me/notification-preferences', false);
  preferencesRoutes('/users/:id/notification-preferences', true);
}
