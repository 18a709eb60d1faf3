// Stored notifications: one per recipient and triggering event (unique key), newest first,
// always scoped to the account and the user.
import type { NewNotification, NotificationStore } from '../use-cases/ports';
import { decodeCursor, encodeCursor, newId, type Pool } from '@inbox/lib';
import type { Notification } from '@inbox/lib/gen/inbox/notification/v1/notification';


interface Row {
  id: string;
  kind: string;
  conversation_id: string | null;
  comment_id: string | null;
  message_id: string | null;
  actor_user_id: string | null;
  webhook_id: string | null;
  read_at: Date | null;
  created_at: Date;
}

const toNotification = (r: Row): Notification => ({
  id: r.id,
  kind: r.kind,
  conversationId: r.conversation_id ?? '',
  commentId: r.comment_id ?? '',
  messageId: r.message_id ?? '',
  actorUserId: r.actor_user_id ?? '',
  webhookId: r.webhook_id ?? '',
  read: r.read_at !== null,
  createdAt: r.created_at,
});

export class NotificationsRepository implements NotificationStore {
  constructor(private readonly pool: Pool) {}

  /** Stores the notification once; returns its id either way (the existing one on a repeat). */
  async insert(n: NewNotification): Promise<string> {
    const result = await this.pool.query<{ id: string }>(
      `WITH inserted AS (
         INSERT INTO notifications (id, account_id, user_id, kind, conversation_id, comment_id, message_id, actor_user_id, source_event_id, webhook_id)
         VALUES ($1, $2, $3, $4, NULLIF($5, ''), NULLIF($6, ''), NULLIF($7, ''), NULLIF($8, ''), $9, $10)
         ON CONFLICT (account_id, user_id, source_event_id) DO NOTHING RETURNING id)
       SELECT id FROM inserted
       UNION ALL SELECT id FROM notifications WHERE account_id = $2 AND user_id = $3 AND source_event_id = $9
       LIMIT 1`,
      [newId('ntf'), n.accountId, n.userId, n.kind, n.conversationId, n.commentId, n.messageId, n.actorUserId, n.sourceEventId, n.webhookId ?? null],
    );
    return result.rows[0].id;
  }

  async list(accountId: string, userId: string, limit: number, cursor?: string): Promise<{ items: Notification[]; nextCursor: string; unread: number }> {
    const size = Math.min(Math.max(limit || 25, 1), 100);
    const params: unknown[] = [accountId, userId, size + 1];
    let keyset = '';
    if (cursor) {
      const { at, id } = decodeCursor(cursor);
      params.push(at, id);
      keyset = 'AND (created_at, id) < ($4, $5)';
    }
    const [rows, unread] = await Promise.all([
      this.pool.query<Row>(
        `SELECT id, kind, conversation_id, comment_id, message_id, actor_user_id, webhook_id, read_at, created_at FROM notifications
         WHERE account_id = $1 AND user_id = $2 ${keyset} ORDER BY created_at DESC, id DESC LIMIT $3`,
        params,
      ),
      this.unreadCount(accountId, userId),
    ]);
    const page = rows.rows.slice(0, size);
    const last = page[page.length - 1];
    return {
      items: page.map(toNotification),
      nextCursor: rows.rows.length > size && last ? encodeCursor(last.created_at, last.id) : '',
      unread,
    };
  }

  async unreadCount(accountId: string, userId: string): Promise<number> {
    const result = await this.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM notifications WHERE account_id = $1 AND user_id = $2 AND read_at IS NULL', [accountId, userId]);
    return result.rows[0].n;
  }

  async markRead(accountId: string, userId: string, ids: string[] | 'all'): Promise<void> {
    if (ids === 'all') {
      await this.pool.query('UPDATE notifications SET read_at = now() WHERE account_id = $1 AND user_id = $2 AND read_at IS NULL', [accountId, userId]);
      return;
    }
    await this.pool.query('UPDATE notifications SET read_at = now() WHERE account_id = $1 AND user_id = $2 AND id = ANY($3::text[]) AND read_at IS NULL', [accountId, userId, ids]);
  }
}
