// The list being shown (a view's or a search's conversations) and the inbox's view counts: the
// first page refreshed on every change the socket announces, further pages loaded on demand.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, request, type ConversationItem, type ResponseFor, type View } from '../api';
import { useNewestLoad } from '../latest';
import { realtime, useOnline, useRealtime } from '../realtime';
import { searchPath, type SearchFilters } from '../search';

// Changes arrive over the WebSocket; the slow poll only covers a socket that cannot connect.
const POLL_MS = 30_000;
// hello: whatever changed between the first load and the subscription is fetched once.
const LIVE_TYPES = new Set(['hello', 'conversation.created', 'conversation.updated', 'conversation.deleted', 'message.created', 'comment.created', 'views.changed', 'resync', 'directory.changed']);

// A view's page and a search's page have one shape; the path is composed at run time.
type Page = ResponseFor<'GET', `/inboxes/${string}/conversations`>;

export interface ConversationListState {
  /** What the list shows (its first page's address): a change starts a new list. */
  path: string;
  items: ConversationItem[];
  views: View[];
  hasMore: boolean;
  error: string | null;
  refresh: () => Promise<void>;
  loadMore: () => Promise<void>;
}

export function useConversationList(where: { inboxId: string | null; view: string; sort: string; search: SearchFilters | null }, onDirectoryChanged: () => void): ConversationListState {
  const { inboxId, view, sort, search } = where;
  const [views, setViews] = useState<View[]>([]);
  const [items, setItems] = useState<ConversationItem[]>([]);
  // The cursor of the page after the last one loaded; null when everything is loaded.
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const loading = useRef(false);
  const itemsRef = useRef(items);
  itemsRef.current = items;

  const listPath = useCallback(
    (cursor: string | null) => {
      const path = search ? searchPath(search, inboxId, sort) : `/inboxes/${inboxId}/conversations?view=${view}&sort=${sort}&limit=100`;
      return cursor ? `${path}&cursor=${encodeURIComponent(cursor)}` : path;
    },
    [inboxId, view, sort, search],
  );

  // A refresh reloads the first page; pages loaded further down stay, minus what moved up.
  // The list being shown: an answer for a view or search the user has since left is dropped.
  const shownPath = useRef('');
  shownPath.current = listPath(null);
  const beginRefresh = useNewestLoad();
  const refresh = useCallback(async () => {
    if (!inboxId) return;
    const path = listPath(null);
    const ticket = beginRefresh();
    try {
      const [nextViews, list] = await Promise.all([api('GET', `/inboxes/${inboxId}/views`), request<Page>('GET', path)]);
      // An answer for a list no longer shown (a view left for a search) applies nothing, and must
      // not count as the newest: the shown list's own answer may still be on its way.
      if (shownPath.current !== path || !ticket.apply()) return;
      setViews(nextViews);
      const loaded = itemsRef.current;
      if (loaded.length <= list.items.length || !list.nextCursor) {
        setItems(list.items);
        setNextCursor(list.nextCursor);
      } else {
        const fresh = new Set(list.items.map((c) => c.id));
        setItems([...list.items, ...loaded.slice(list.items.length).filter((c) => !fresh.has(c.id))]);
      }
      setError(null);
    } catch (e) {
      if (!ticket.superseded()) setError(e instanceof Error ? e.message : 'could not load');
    }
  }, [inboxId, listPath, beginRefresh]);

  useEffect(() => {
    setItems([]);
    setNextCursor(null);
  }, [listPath]);

  const loadMore = useCallback(async () => {
    if (loading.current || !nextCursor) return;
    loading.current = true;
    try {
      const page = await request<Page>('GET', listPath(nextCursor));
      if (shownPath.current !== listPath(null)) return;
      setItems((current) => {
        const known = new Set(current.map((c) => c.id));
        return [...current, ...page.items.filter((c) => !known.has(c.id))];
      });
      setNextCursor(page.nextCursor);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'could not load');
    } finally {
      loading.current = false;
    }
  }, [listPath, nextCursor]);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  useEffect(() => {
    realtime.open();
  }, []);

  // Bursts of events become one refresh.
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useRealtime((frame) => {
    // Someone changed users, inboxes or teams: names, pickers and "my team" views follow.
    if (frame.type === 'directory.changed') onDirectoryChanged();
    if (!LIVE_TYPES.has(frame.type) || pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      void refresh();
    }, 150);
  });

  // Back online: whatever arrived meanwhile is fetched at once, not at the next poll.
  const online = useOnline();
  const wasOnline = useRef(true);
  useEffect(() => {
    if (online && !wasOnline.current) void refresh();
    wasOnline.current = online;
  }, [online, refresh]);

  return { path: shownPath.current, items, views, hasMore: nextCursor !== null, error, refresh, loadMore };
}
