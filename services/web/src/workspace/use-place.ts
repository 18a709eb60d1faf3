// Where the agent is: inbox, view, sort, search, the open conversation and settings. The address
// bar follows the place (a new conversation or settings is a new history entry, so Back returns;
// the rest replaces it), and Back and Forward put the place back.
import { useEffect, useRef, useState } from 'react';
import { NO_FILTERS, type SearchFilters } from '../search';
import { readUrl, urlFor } from '../url-state';

export type Sort = 'newest' | 'oldest';

export interface Place {
  inboxId: string | null;
  view: string;
  sort: Sort;
  openId: string | null;
  settingsOpen: boolean;
  /** While a search is active the list shows its results instead of the view. */
  search: SearchFilters | null;
  /** The words in the search box, searched only on Enter. */
  searchDraft: string;
  setInboxId: (update: string | null | ((current: string | null) => string | null)) => void;
  setView: (view: string) => void;
  setSort: (sort: Sort) => void;
  setOpenId: (id: string | null) => void;
  setSettingsOpen: (open: boolean) => void;
  setSearch: (search: SearchFilters | null) => void;
  setSearchDraft: (words: string) => void;
}

export function usePlace(): Place {
  const [initial] = useState(() => readUrl());
  const [inboxId, setInboxId] = useState<string | null>(initial.inboxId);
  const [view, setView] = useState(initial.view);
  const [sort, setSort] = useState<Sort>(initial.sort);
  const [openId, setOpenId] = useState<string | null>(initial.openId);
  const [settingsOpen, setSettingsOpen] = useState(initial.settings);
  const [search, setSearch] = useState<SearchFilters | null>(initial.q ? { ...NO_FILTERS, q: initial.q } : null);
  const [searchDraft, setSearchDraft] = useState(initial.q ?? '');

  const lastOpened = useRef({ openId: initial.openId, settings: initial.settings });
  useEffect(() => {
    const url = urlFor({ inboxId, view, sort, q: search?.q || null, openId, settings: settingsOpen });
    if (url === `${location.pathname}${location.search}`) return;
    const moved = lastOpened.current.openId !== openId || lastOpened.current.settings !== settingsOpen;
    lastOpened.current = { openId, settings: settingsOpen };
    // Already there (a notification's link pushed it): its #message-… or #comment-… anchor stays.
    const here = !!openId && location.pathname === `/conversations/${openId}`;
    if (moved && !here) history.pushState(null, '', url);
    else history.replaceState(null, '', `${url}${here ? location.hash : ''}`);
  }, [inboxId, view, sort, search?.q, openId, settingsOpen]);

  useEffect(() => {
    const restore = () => {
      const place = readUrl();
      lastOpened.current = { openId: place.openId, settings: place.settings };
      if (place.inboxId) setInboxId(place.inboxId);
      setView(place.view);
      setSort(place.sort);
      setOpenId(place.openId);
      setSettingsOpen(place.settings);
      setSearch((current) => (place.q ? { ...(current ?? NO_FILTERS), q: place.q } : null));
      setSearchDraft(place.q ?? '');
    };
    addEventListener('popstate', restore);
    return () => removeEventListener('popstate', restore);
  }, []);

  return { inboxId, view, sort, openId, settingsOpen, search, searchDraft, setInboxId, setView, setSort, setOpenId, setSettingsOpen, setSearch, setSearchDraft };
}
