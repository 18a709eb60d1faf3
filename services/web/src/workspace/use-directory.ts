// The inboxes this user may open and the account's users, reloaded when the directory changes.
import { useCallback, useEffect, useState } from 'react';
import { api, type Inbox, type User } from '../api';

export function useDirectory(setInboxId: (update: (current: string | null) => string | null) => void) {
  const [inboxes, setInboxes] = useState<Inbox[]>([]);
  const [users, setUsers] = useState<User[]>([]);
  const load = useCallback(() => {
    void api('GET', '/inboxes').then((r) => {
      setInboxes(r.items);
      // An inbox from the address bar that this user cannot open falls back to their first.
      setInboxId((current) => (current && r.items.some((i) => i.id === current) ? current : (r.items[0]?.id ?? null)));
    });
    void api('GET', '/users').then((r) => setUsers(r.items));
  }, [setInboxId]);
  useEffect(load, [load]);
  return { inboxes, users, reload: load };
}
