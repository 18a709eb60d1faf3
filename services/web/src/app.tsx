import { ComposeDialog } from './compose';
import { ConfirmDialog, type PendingConfirmation } from './confirm';
import { Suspense, lazy, useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, api, onSessionEnded, renewSessionIfDue, session, type ConversationDetail, type ConversationItem, type Inbox, type User, type View } from './api';
import { AvailabilityToggle } from './availability';
import { NotificationBell } from './notifications';
import { ProfileDialog } from './profile';
import { realtime, useOnline, useRealtime } from './realtime';
import { readUrl, urlFor } from './url-state';
import { ConversationList } from './conversation-list';
import { useNewestLoad } from './latest';
import { FilterPanel, NO_FILTERS, searchPath, type SearchFilters } from './search';
import { ContactPanel } from './contact-panel';
import { CustomViewDialog } from './custom-views';
import { FeedbackPage } from './feedback-page';
import { Settings } from './settings';
import { Shortcuts, useShortcuts } from './shortcuts';
import { Thread } from './thread';

// Reports bring a chart library; neither page loads until someone opens it.
const ReportsPage = lazy(() => import('./reports').then((m) => ({ default: m.ReportsPage })));
const WallboardPage = lazy(() => import('./wallboard').then((m) => ({ default: m.WallboardPage })));

const ALWAYS_SHOWN = ['unassigned', 'mine', 'open', 'chat'];
// Changes arrive over the WebSocket; the slow poll only covers a socket that cannot connect.
const POLL_MS = 30_000;
// hello: whatever changed between the first load and the subscription is fetched once.
const LIVE_TYPES = new Set(['hello', 'conversation.created', 'conversation.updated', 'conversation.deleted', 'message.created', 'comment.created', 'views.changed', 'resync', 'directory.changed']);

export function App() {
  const survey = /^\/feedback\/([\w-]+)$/.exec(location.pathname)?.[1];
  return survey ? <FeedbackPage token={survey} /> : <AgentApp />;
}

function AgentApp() {
  const [user, setUser] = useState<User | null>(null);
  const [checked, setChecked] = useState(false);
  const [ended, setEnded] = useState(false);
  const [ssoError, setSsoError] = useState<string | null>(null);

  // A session the server no longer accepts sends the agent to the sign-in form, saying why.
  useEffect(
    () =>
      onSessionEnded(() => {
        realtime.close();
        setEnded(true);
        setUser(null);
      }),
    [],
  );

  useEffect(() => {
    const timer = setInterval(() => void renewSessionIfDue().catch(() => undefined), 5 * 60 * 1000);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => {
    // Back from single sign-on: the token arrives in the fragment (never sent to a server) and leaves the address bar at once.
    const returned = new URLSearchParams(location.hash.slice(1));
    if (returned.has('sso_token') || returned.has('sso_error')) {
      if (returned.get('sso_token')) session.token = returned.get('sso_token');
      setSsoError(returned.get('sso_error'));
      history.replaceState(null, '', location.pathname + location.search);
    }
    if (!session.token) return setChecked(true);
    api<User>('GET', '/me')
      .then((me) => {
        setUser(me);
        void renewSessionIfDue().catch(() => undefined);
      })
      .catch(() => (session.token = null))
      .finally(() => setChecked(true));
  }, []);

  if (!checked) return null;
  if (!user)
    return (
      <Login
        notice={ended ? 'Your session has ended. Sign in again to continue.' : null}
        ssoError={ssoError}
        onSignedIn={(signedIn) => {
          setEnded(false);
          setUser(signedIn);
        }}
      />
    );
  if (location.pathname === '/reports' || location.pathname === '/wallboard') {
    return <Suspense fallback={null}>{location.pathname === '/reports' ? <ReportsPage me={user} /> : <WallboardPage me={user} />}</Suspense>;
  }
  return (
    <Workspace
      user={user}
      onProfileSaved={setUser}
      onSignOut={() => {
        realtime.close();
        // Ends the session on the server too, so the token is useless even if it was copied.
        void api('POST', '/auth/logout').catch(() => undefined);
        session.token = null;
        setUser(null);
      }}
    />
  );
}

const SSO_ERRORS: Record<string, string> = {
  sso_state_invalid: 'That single sign-on was not started here, was used already, or took too long. Try again.',
  sso_nonce_mismatch: 'The identity provider answered for another sign-in. Try again.',
  sso_email_unverified: 'Your identity provider has not verified your email address.',
  sso_sign_up_disabled: 'There is no user with your email here. Ask an admin to add you.',
  sso_account_mismatch: 'Your email belongs to a user of another account.',
  user_inactive: 'Your user is deactivated.',
};

function Login({ onSignedIn, notice, ssoError }: { onSignedIn: (user: User) => void; notice: string | null; ssoError: string | null }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [message, setMessage] = useState<string | null>(ssoError ? (SSO_ERRORS[ssoError] ?? 'Single sign-on failed.') : null);

  async function signInWithSso() {
    setMessage(null);
    if (!email) return setMessage('Enter your email first: it tells which identity provider signs you in.');
    try {
      const { authorizationUrl } = await api<{ authorizationUrl: string }>('POST', '/auth/sso/start', { email });
      location.assign(authorizationUrl);
    } catch (error) {
      setMessage(error instanceof ApiError && error.code === 'sso_not_configured' ? 'Single sign-on is not set up for this email.' : error instanceof ApiError ? error.message : 'Single sign-on failed');
    }
  }

  async function signIn(event: FormEvent) {
    event.preventDefault();
    setMessage(null);
    try {
      const result = await api<{ token: string; user: User }>('POST', '/auth/login', { email, password });
      session.token = result.token;
      onSignedIn(result.user);
    } catch (error) {
      setMessage(error instanceof ApiError ? error.message : 'Sign-in failed');
    }
  }

  return (
    <main className="shell">
      <header className="topbar">
        <span className="brand">Inbox</span>
      </header>
      <form className="login" onSubmit={signIn} aria-label="Sign in">
        <h1>Sign in to your inbox</h1>
        {notice && <p role="status">{notice}</p>}
        <label>
          Email
          <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="username" />
        </label>
        <label>
          Password
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="current-password" />
        </label>
        <button type="submit">Sign in</button>
        <button type="button" onClick={() => void signInWithSso()}>
          Sign in with SSO
        </button>
        {message && <p role="alert">{message}</p>}
      </form>
    </main>
  );
}

function Workspace({ user, onSignOut, onProfileSaved }: { user: User; onSignOut: () => void; onProfileSaved: (user: User) => void }) {
  const [profileOpen, setProfileOpen] = useState(false);
  const [initial] = useState(() => readUrl());
  const [inboxes, setInboxes] = useState<Inbox[]>([]);
  const [inboxId, setInboxId] = useState<string | null>(initial.inboxId);
  const [composing, setComposing] = useState(false);
  const [confirming, setConfirming] = useState<PendingConfirmation | null>(null);
  const [views, setViews] = useState<View[]>([]);
  const [view, setView] = useState(initial.view);
  const [showMore, setShowMore] = useState(false);
  const [sort, setSort] = useState<'newest' | 'oldest'>(initial.sort);
  const [items, setItems] = useState<ConversationItem[]>([]);
  // The cursor of the page after the last one loaded; null when everything is loaded.
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const loading = useRef(false);
  const itemsRef = useRef(items);
  itemsRef.current = items;
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [openId, setOpenId] = useState<string | null>(initial.openId);
  const [users, setUsers] = useState<User[]>([]);
  // The open conversation's contact, as its thread last loaded it (it may not be in the list).
  const [openContactId, setOpenContactId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  // While a search is active the list shows its results instead of the view.
  const [search, setSearch] = useState<SearchFilters | null>(initial.q ? { ...NO_FILTERS, q: initial.q } : null);
  const [draft, setDraft] = useState(initial.q ?? '');
  const [helpOpen, setHelpOpen] = useState(false);
  // The custom view being edited (null: a new one); undefined when the dialog is closed.
  const [editingView, setEditingView] = useState<View | null | undefined>(undefined);
  const [settingsOpen, setSettingsOpen] = useState(initial.settings);
  const admin = user.role === 'admin' || user.role === 'superadmin';
  const openSettings = setSettingsOpen;

  // The address bar follows the place: a new conversation or settings is a new history entry
  // (Back returns), the rest replaces it; Back and Forward put the place back.
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
      setDraft(place.q ?? '');
    };
    addEventListener('popstate', restore);
    return () => removeEventListener('popstate', restore);
  }, []);
  // Collapsible side panels, remembered per browser.
  const [panels, setPanels] = useState<{ views: boolean; contact: boolean }>(() => {
    // Until the agent chooses, a narrow screen opens with the floating panels closed.
    const defaults = { views: window.innerWidth >= 900, contact: window.innerWidth >= 1280 };
    try {
      return { ...defaults, ...JSON.parse(localStorage.getItem('inbox.panels') ?? '{}') };
    } catch {
      return defaults;
    }
  });
  function togglePanel(name: 'views' | 'contact') {
    const next = { ...panels, [name]: !panels[name] };
    setPanels(next);
    localStorage.setItem('inbox.panels', JSON.stringify(next));
  }

  // j/k move through the list and open the conversation; / searches; ? lists every shortcut.
  useShortcuts({
    j: () => step(1),
    k: () => step(-1),
    '/': () => document.querySelector<HTMLInputElement>('input[type=search]')?.focus(),
    '?': () => setHelpOpen(true),
  });
  function step(delta: number) {
    if (items.length === 0) return;
    const at = items.findIndex((c) => c.id === openId);
    const next = items[Math.min(items.length - 1, Math.max(0, at === -1 ? 0 : at + delta))];
    setOpenId(next.id);
  }

  const loadDirectory = useCallback(() => {
    void api<{ items: Inbox[] }>('GET', '/inboxes').then((r) => {
      setInboxes(r.items);
      // An inbox from the address bar that this user cannot open falls back to their first.
      setInboxId((current) => (current && r.items.some((i) => i.id === current) ? current : (r.items[0]?.id ?? null)));
    });
    void api<{ items: User[] }>('GET', '/users').then((r) => setUsers(r.items));
  }, []);
  useEffect(loadDirectory, [loadDirectory]);

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
      const [nextViews, list] = await Promise.all([
        api<View[]>('GET', `/inboxes/${inboxId}/views`),
        api<{ items: ConversationItem[]; nextCursor: string | null }>('GET', path),
      ]);
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
    setSelected(new Set());
  }, [listPath]);

  const loadMore = useCallback(async () => {
    if (loading.current || !nextCursor) return;
    loading.current = true;
    try {
      const page = await api<{ items: ConversationItem[]; nextCursor: string | null }>('GET', listPath(nextCursor));
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
    if (frame.type === 'directory.changed') loadDirectory();
    if (!LIVE_TYPES.has(frame.type) || pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      void refresh();
    }, 150);
  });

  async function bulk(action: 'close' | 'trash') {
    await api('POST', '/conversations/bulk', { ids: [...selected], action });
    setSelected(new Set());
    await refresh();
  }

  const online = useOnline();
  // Back online: whatever arrived meanwhile is fetched at once, not at the next poll.
  const wasOnline = useRef(true);
  useEffect(() => {
    if (online && !wasOnline.current) void refresh();
    wasOnline.current = online;
  }, [online, refresh]);
  // Conversations at risk of missing their service level are never behind "More".
  const primary = (v: (typeof views)[number]) => ALWAYS_SHOWN.includes(v.id) || (v.id === 'sla' && (v.count > 0 || view === 'sla'));
  const shown = views.filter(primary);
  const more = views.filter((v) => !primary(v) && !v.custom);
  const custom = views.filter((v) => v.custom);

  return (
    <main className="shell">
      {!online && (
        <p className="offline" role="status">
          You are offline. Changes you make will not be saved; new conversations appear when the connection is back.
        </p>
      )}
      <header className="topbar">
        <span className="brand">Inbox</span>
        <select aria-label="Inbox" value={inboxId ?? ''} onChange={(e) => setInboxId(e.target.value)}>
          {inboxes.map((i) => (
            <option key={i.id} value={i.id}>
              {i.name}
            </option>
          ))}
        </select>
        <form
          className="search"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            setSearch({ ...(search ?? NO_FILTERS), q: draft });
          }}
        >
          <input type="search" aria-label="Search conversations" placeholder="Search conversations" value={draft} onChange={(e) => setDraft(e.target.value)} />
        </form>
        <span className="spacer" />
        <AvailabilityToggle user={user} />
        <NotificationBell users={users} onOpen={(conversationId) => setOpenId(conversationId)} />
        <a className="link" href="/reports">
          Reports
        </a>
        {admin && (
          <a className="link" href="/wallboard">
            Wallboard
          </a>
        )}
        {admin && (
          <button className="link" aria-pressed={settingsOpen} onClick={() => openSettings(!settingsOpen)}>
            Settings
          </button>
        )}
        <span data-testid="current-user">{user.name}</span>
        <button className="link" onClick={() => setProfileOpen(true)}>
          Profile
        </button>
        <button className="link" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      {settingsOpen && (
        <Settings
          me={user}
          inboxId={inboxId}
          onClose={() => {
            openSettings(false);
            loadDirectory();
          }}
          onInboxesChanged={loadDirectory}
        />
      )}
      <div className="panes" hidden={settingsOpen}>
        <button className="panel-toggle" aria-expanded={panels.views} aria-controls="views-panel" onClick={() => togglePanel('views')}>
          {panels.views ? 'Hide views' : 'Show views'}
        </button>
        <nav className="views" id="views-panel" aria-label="Views" hidden={!panels.views}>
          {[...shown, ...(showMore ? more : [])].map((v) => (
            <button key={v.id} className={v.id === view && !search ? 'view active' : 'view'} aria-current={v.id === view && !search ? 'page' : undefined} onClick={() => setView(v.id)} data-view={v.id}>
              <span>{v.name}</span>
              <span className="count">{v.count}</span>
            </button>
          ))}
          <button className="link" onClick={() => setShowMore(!showMore)}>
            {showMore ? 'Less' : 'More'}
          </button>
          <h2 className="views-heading">Your views</h2>
          {custom.map((v) => (
            <div key={v.id} className="custom-view">
              <button className={v.id === view && !search ? 'view active' : 'view'} aria-current={v.id === view && !search ? 'page' : undefined} onClick={() => setView(v.id)} data-view={v.id}>
                <span>
                  {v.name}
                  {v.custom!.shared && <span className="muted"> · shared</span>}
                </span>
                <span className="count">{v.count}</span>
              </button>
              <button className="link" aria-label={`Edit view ${v.name}`} title="Edit view" onClick={() => setEditingView(v)}>
                Edit
              </button>
            </div>
          ))}
          <button className="link" onClick={() => setEditingView(null)}>
            New view
          </button>
        </nav>
        <section className="list" aria-label="Conversations">
          <div className="list-tools">
            {inboxId && (
              <button className="primary" onClick={() => setComposing(true)}>
                New email
              </button>
            )}
            {items.length > 0 && (
              <label className="choice">
                <input
                  type="checkbox"
                  aria-label="Select all loaded conversations"
                  checked={items.every((c) => selected.has(c.id))}
                  onChange={(e) => setSelected(e.target.checked ? new Set(items.map((c) => c.id)) : new Set())}
                />{' '}
                All
              </label>
            )}
            <select aria-label="Sort" value={sort} onChange={(e) => setSort(e.target.value as 'newest' | 'oldest')}>
              <option value="newest">Newest first</option>
              <option value="oldest">Oldest first</option>
            </select>
            {search && (
              <button
                onClick={() => {
                  setSearch(null);
                  setDraft('');
                }}
              >
                Exit search
              </button>
            )}
            {selected.size > 0 && (
              <>
                <button onClick={() => void bulk('close')}>Close {selected.size}</button>
                <button
                  onClick={() =>
                    setConfirming({
                      title: `Move ${selected.size} conversation${selected.size === 1 ? '' : 's'} to Trash?`,
                      body: 'They can be restored from Trash until it is emptied.',
                      confirmLabel: `Trash ${selected.size}`,
                      run: () => bulk('trash'),
                    })
                  }
                >
                  Trash {selected.size}
                </button>
              </>
            )}
          </div>
          {search && <FilterPanel filters={search} users={users} onChange={setSearch} />}
          {error && <p role="alert">{error}</p>}
          <ConversationList
            items={items}
            openId={openId}
            selected={selected}
            hasMore={nextCursor !== null}
            emptyText={search ? 'No conversations match.' : 'No conversations here.'}
            onOpen={setOpenId}
            onSelect={(id, on) => {
              const next = new Set(selected);
              if (on) next.add(id);
              else next.delete(id);
              setSelected(next);
            }}
            onLoadMore={() => void loadMore()}
          />
        </section>
        <section className="thread-pane" aria-label="Conversation">
          {openId ? <Thread key={openId} id={openId} users={users} me={user} onChanged={refresh} onGone={() => setOpenId(null)} onContact={setOpenContactId} /> : <p className="empty">Select a conversation.</p>}
        </section>
        {openId && (
          <button className="panel-toggle" aria-expanded={panels.contact} aria-controls="contact-panel" onClick={() => togglePanel('contact')}>
            {panels.contact ? 'Hide contact' : 'Show contact'}
          </button>
        )}
        {openId && panels.contact && (
          <ContactPanel
            conversationId={openId}
            contactId={openContactId}
            onOpen={setOpenId}
            onChanged={() => void refresh()}
            onSearchContact={(contact) => setSearch({ ...NO_FILTERS, contactId: contact.id, contactName: contact.name })}
            users={users}
          />
        )}
      </div>
      {helpOpen && <Shortcuts onClose={() => setHelpOpen(false)} />}
      {composing && inboxId && (
        <ComposeDialog
          inboxId={inboxId}
          onClose={() => setComposing(false)}
          onSent={(id) => {
            setComposing(false);
            setSearch(null);
            setView('sent');
            setOpenId(id);
            void refresh();
          }}
        />
      )}
      {confirming && <ConfirmDialog pending={confirming} onDone={() => setConfirming(null)} />}
      {profileOpen && (
        <ProfileDialog
          user={user}
          onClose={() => setProfileOpen(false)}
          onSaved={(saved) => {
            setProfileOpen(false);
            onProfileSaved(saved);
          }}
        />
      )}
      {editingView !== undefined && inboxId && (
        <CustomViewDialog
          inboxId={inboxId}
          users={users}
          me={user}
          view={editingView?.custom ?? null}
          onClose={() => setEditingView(undefined)}
          onSaved={(id) => {
            setEditingView(undefined);
            setView(id ?? 'open');
            void refresh();
          }}
        />
      )}
    </main>
  );
}

export type { ConversationDetail };
