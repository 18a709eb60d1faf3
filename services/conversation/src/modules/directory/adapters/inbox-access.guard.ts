// Inbox access at the edge of the conversation service: every RPC that names an inbox, a
// conversation, a message, an attachment or a ticket on behalf of a user is checked against
// canSeeInbox before its use case runs, and lists are narrowed to what the user may see. An
// agent asking for another inbox's conversation gets the same NOT_FOUND as for another account's.
import { NotFoundError, PermissionDeniedError, statementName, type Pool } from '@inbox/lib';
import { canSeeInbox, seesEveryInbox, type Viewer } from '../domain/inbox-access';
import type { Role } from '../domain/directory';

type Scoped = { tenant?: { accountId: string; userId: string }; inboxId?: string; conversationId?: string; conversationIds?: string[]; messageId?: string; attachmentId?: string; ticketId?: string };

/** RPCs whose inbox_id names an inbox to work in (others use it as a filter or an admin target). */
const INBOX_SCOPED = new Set(['listConversations', 'listViews', 'composeEmail', 'saveCustomView', 'listChannels', 'getSlaPolicy']);
/** RPCs whose answers span inboxes and are narrowed to what the user may see. */
const NARROWED = new Set(['listInboxes', 'getConversationSummaries', 'getContact', 'updateContact', 'mergeContacts']);

/** Whether the call touches anything inbox-bound at all; most directory calls do not, and skip the check. */
function inboxBound(name: string, request: Scoped): boolean {
  return (
    NARROWED.has(name) ||
    (!!request.inboxId && INBOX_SCOPED.has(name)) ||
    !!request.conversationId ||
    (name === 'applyToConversations' && !!request.conversationIds?.length) ||
    !!request.messageId ||
    !!request.attachmentId ||
    !!request.ticketId
  );
}

const VIEWER_SQL = `SELECT u.role, ARRAY(SELECT m.inbox_id FROM inbox_members m WHERE m.user_id = u.id AND m.account_id = u.account_id) AS inbox_ids
  FROM users u WHERE u.account_id = $1 AND u.id = $2`;

export class InboxAccess {
  constructor(private readonly pool: Pool) {}

  async viewer(accountId: string, userId: string): Promise<Viewer | null> {
    const result = await this.pool.query<{ role: Role; inbox_ids: string[] }>({
      // The check runs before nearly every call: planned once per connection.
      name: statementName(VIEWER_SQL),
      text: VIEWER_SQL,
      values: [accountId, userId],
    });
    const row = result.rows[0];
    return row ? { role: row.role, memberInboxIds: new Set(row.inbox_ids) } : null;
  }

  private async inboxesOf(accountId: string, sql: string, ids: string[]): Promise<string[]> {
    const result = await this.pool.query<{ inbox_id: string }>(sql, [accountId, ids]);
    return result.rows.map((r) => r.inbox_id);
  }

  async check(name: string, request: Scoped): Promise<Viewer | null> {
    const tenant = request.tenant;
    if (!tenant?.userId || !tenant.accountId || !inboxBound(name, request)) return null;
    const viewer = await this.viewer(tenant.accountId, tenant.userId);
    if (!viewer || seesEveryInbox(viewer)) return viewer;
    const { accountId } = tenant;
    const refuse = (inboxIds: string[], error: Error) => {
      if (inboxIds.some((inboxId) => !canSeeInbox(viewer, inboxId))) throw error;
    };
    if (request.inboxId && INBOX_SCOPED.has(name) && !canSeeInbox(viewer, request.inboxId)) {
      throw new PermissionDeniedError('not_inbox_member', 'you are not a member of this inbox');
    }
    const conversationIds = [...(request.conversationId ? [request.conversationId] : []), ...(name === 'applyToConversations' ? (request.conversationIds ?? []) : [])];
    if (conversationIds.length) {
      refuse(await this.inboxesOf(accountId, 'SELECT inbox_id FROM conversations WHERE account_id = $1 AND id = ANY($2::text[])', conversationIds), new NotFoundError('conversation_not_found', 'no such conversation'));
    }
    if (request.messageId) {
      refuse(
        await this.inboxesOf(accountId, 'SELECT c.inbox_id FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.account_id = $1 AND m.id = ANY($2::text[])', [request.messageId]),
        new NotFoundError('message_not_found', 'no such message'),
      );
    }
    if (request.attachmentId) {
      refuse(
        await this.inboxesOf(
          accountId,
          `SELECT c.inbox_id FROM attachments a JOIN messages m ON m.id = a.message_id JOIN conversations c ON c.id = m.conversation_id
           WHERE a.account_id = $1 AND a.id = ANY($2::text[])`,
          [request.attachmentId],
        ),
        new NotFoundError('attachment_not_found', 'no such attachment'),
      );
    }
    if (request.ticketId) {
      refuse(
        await this.inboxesOf(accountId, 'SELECT c.inbox_id FROM tickets t JOIN conversations c ON c.id = t.conversation_id WHERE t.account_id = $1 AND t.id = ANY($2::text[])', [request.ticketId]),
        new NotFoundError('ticket_not_found', 'no such ticket'),
      );
    }
    return viewer;
  }
}

/** Wraps every handler with the inbox check, and narrows the lists that span inboxes. */
export function guardInboxAccess<H extends object>(handlers: H, access: InboxAccess): H {
  const guarded = {} as Record<string, (request: unknown, call?: unknown) => Promise<unknown>>;
  for (const [name, handler] of Object.entries(handlers) as [string, (request: unknown, call?: unknown) => Promise<unknown>][]) {
    guarded[name] = async (request: unknown, call?: unknown) => {
      const viewer = await access.check(name, request as Scoped);
      const response = await handler(request, call);
      if (!viewer || seesEveryInbox(viewer)) return response;
      return narrow(name, response, viewer);
    };
  }
  return guarded as unknown as H;
}

function narrow(name: string, response: unknown, viewer: Viewer): unknown {
  const visible = (item: { inboxId: string }) => canSeeInbox(viewer, item.inboxId);
  switch (name) {
    case 'listInboxes': {
      const r = response as { inboxes: { id: string }[] };
      return { ...r, inboxes: r.inboxes.filter((inbox) => canSeeInbox(viewer, inbox.id)) };
    }
    case 'getConversationSummaries': {
      const r = response as { items: { inboxId: string }[] };
      return { ...r, items: r.items.filter(visible) };
    }
    case 'getContact':
    case 'updateContact':
    case 'mergeContacts': {
      const r = response as { contact?: { conversations: { id: string; inboxId: string }[]; tickets: { conversationId: string }[] } };
      if (!r.contact) return r;
      const conversations = r.contact.conversations.filter(visible);
      const ids = new Set(conversations.map((c) => c.id));
      return { ...r, contact: { ...r.contact, conversations, tickets: r.contact.tickets.filter((t) => ids.has(t.conversationId)) } };
    }
    default:
      return response;
  }
}
