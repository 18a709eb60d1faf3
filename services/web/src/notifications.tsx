// The bell: live unread count, the latest notifications, and a click that opens the conversation
// at the comment or message and marks the notification read.
import { useCallback, useEffect, useState } from 'react';
import { api } from './api';
import { useRealtime } from './realtime';

interface Notification {
  id: string;
  kind: 'mention' | 'assignment' | 'new_message';
  conversationId: string;
  link: string;
  read: boolean;
  createdAt: string;
}

const LABELS: Record<Notification['kind'], string> = { mention: 'You were mentioned', assignment: 'Assigned to you', new_message: 'New message' };

export function NotificationBell({ onOpen }: { onOpen: (conversationId: string) => void }) {
  const [items, setItems] = useState<Notification[]>([]);
  const [unread, setUnread] = useState(0);
  const [open, setOpen] = useState(false);

  const load = useCallback(async () => {
    const page = await api<{ items: Notification[]; unreadCount: number }>('GET', '/notifications?limit=20');
    setItems(page.items);
    setUnread(page.unreadCount);
  }, []);

  useEffect(() => {
    void load().catch(() => undefined);
  }, [load]);

  useRealtime((frame) => {
    if (frame.type === 'notification.created' || frame.type === 'resync' || frame.type === 'hello') void load().catch(() => undefined);
  });

  async function choose(n: Notification) {
    setOpen(false);
    if (!n.read) setUnread((await api<{ unreadCount: number }>('POST', '/notifications/read', { ids: [n.id] })).unreadCount);
    history.pushState(null, '', n.link);
    onOpen(n.conversationId);
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
                {LABELS[n.kind]} · {new Date(n.createdAt).toLocaleTimeString()}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
