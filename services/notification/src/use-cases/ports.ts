// What the use cases need of the outside world; the adapters implement these.
import type { Notification } from '@inbox/lib/gen/inbox/notification/v1/notification';
import type { NotificationKind } from '../domain/notification-rules';

export interface NewNotification {
  accountId: string;
  userId: string;
  kind: NotificationKind;
  conversationId: string;
  commentId: string;
  messageId: string;
  actorUserId: string;
  sourceEventId: string;
  webhookId?: string;
}

/** Stored notifications, scoped to the account and the user. */
export interface NotificationStore {
  /** Stores the notification once; returns its id either way (the existing one on a repeat). */
  insert(n: NewNotification): Promise<string>;
  list(accountId: string, userId: string, limit: number, cursor?: string): Promise<{ items: Notification[]; nextCursor: string; unread: number }>;
  unreadCount(accountId: string, userId: string): Promise<number>;
  markRead(accountId: string, userId: string, ids: string[] | 'all'): Promise<void>;
}
