// The bell: live unread count, the latest notifications, and a click that opens the conversation
// at the comment or message and marks the notification read.
import { useCallback, useEffect, useState } from 'react';
import { api, type ResponseFor } from './api';
import { useNewestLoad } from './latest';
import { useRealtime } from './realtime';

type Notification = ResponseFor<'GET', '/notifications'>['items'][number];

/** What happened and who did it, e.g. "Kari Nordmann mentioned you". */
/** The conversation a notice is about: its subject, and whose it is. */
export function conversationName(c: { subject: string; contactName: string | null }): string {
  const subject = c.subject || 'an untitled conversation';
  return c.contactName ? `${subject} (${c.contactName})` : subject;
}

export function notificationText(n: Pick<Notification, 'kind' | 'actorUserId'>, nameOf: (userId: string) => string | undefined): string {
  const actor = n.actorUserId ? nameOf(n.actorUserId) : undefined;
  switch (n.kind) {
    case 'mention':
      return actor ? `${actor} mentioned you in a comment` : 'You were mentioned in a comment';
    case 'assignment':
      return actor ? `${actor} assigned a conversation to you` : 'A conversation was assigned to you';
    case 'sla_breached':
      return 'A conversation missed its service level';
    case 'webhook_paused':
      return 'A webhook was paused: it failed for a day (Settings › Webhooks)';
    default:
      return 'New message in a conversation of yours';
  }
}

export function NotificationBell({ onOpen, users }: { onOpen: (conversationId: string) => void; users: { id: string; name: string }[] }) {
  const [items, setItems] = useState<Notification[]>([]);
  const [unread, setUnread] = useState(0);
  const [open, setOpen] = useState(false);

  const beginLoad = useNewestLoad();
  const load = useCallback(async () => {
    const ticket = beginLoad();
    const page = await api('GET', '/notifications?limit=20');
    if (!ticket.apply()) return;
    setItems(page.items);
    setUnread(page.unreadCount);
  }, [beginLoad]);

  useEffect(() => {
    void load().catch(() => undefined);
  }, [load]);

  useRealtime((frame) => {
    if (frame.type === 'notification.created' || frame.type === 'resync' || frame.type === 'hello') void load().catch(() => undefined);
  });

  async function choose(n: Notification) {
    setOpen(false);
    if (!n.read) setUnread((await api('POST', '/notifications/read', { ids: [n.id] })).unreadCount);
    history.pushState(null, '', n.link);
    if (n.conversationId) onOpen(n.conversationId);
    // The thread scrolls to the comment or message in the link's fragment, also when it is already open.
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    await load();
  }

  return (
    <div className="bell">
      <button className="link" aria-label={`Notifications, ${unread} unread`} aria-expanded={open} onClick={() => setOpen(!open)}>
        <svg className="icon" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">
          <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z" />
        </svg>{' '}
        {unread > 0 && (
          <span className="badge" data-testid="unread-count">
            {unread}
          </span>
        )}
      </button>
      {open && (
        <ul className="bell-list" aria-label="Notifications">
          {items.length === 0 && <li className="empty">Nothing yet.</li>}
          {items.map((n) => (
            <li key={n.id}>
              <button className={n.read ? 'link' : 'link unread'} onClick={() => void choose(n)}>
                {notificationText(n, (id) => users.find((u) => u.id === id)?.name)}
                {n.conversation && <span className="notification-place"> · {conversationName(n.conversation)}</span>}
                <span className="muted"> · {new Date(n.createdAt).toLocaleTimeString()}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
