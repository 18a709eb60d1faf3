import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, api, session, type ConversationDetail, type ConversationItem, type Inbox, type User, type View } from './api';
import { AvailabilityToggle } from './availability';
import { NotificationBell } from './notifications';
import { realtime, useRealtime } from './realtime';
import { FilterPanel, Highlight, NO_FILTERS, searchPath, type SearchFilters } from './search';
import { ContactPanel } from './contact-panel';
import { Shortcuts, useShortcuts } from './shortcuts';
import { Thread } from './thread';

const ALWAYS_SHOWN = ['unassigned', 'mine', 'open', 'chat'];
// Changes arrive over the WebSocket; the slow poll only covers a socket that cannot connect.
const POLL_MS = 30_000;
// hello: whatever changed between the first load and the subscription is fetched once.
const LIVE_TYPES = new Set(['hello', 'conversation.created', 'conversation.updated', 'conversation.deleted', 'message.created', 'comment.created', 'views.changed', 'resync']);

export function App() {
  const [user, setUser] = useState<User | null>(null);
  const [checked, setChecked] = useState(false);

  useEffect(() => {
    if (!session.token) return setChecked(true);
    api<User>('GET', '/me')
      .then(setUser)
      .catch(() => (session.token = null))
      .finally(() => setChecked(true));
  }, []);

  if (!checked) return null;
  if (!user) return <Login onSignedIn={setUser} />;
  return (
    <Workspace
      user={user}
      onSignOut={() => {
        realtime.close();
        session.token = null;
        setUser(null);
      }}
    />
  );
}

function Login({ onSignedIn }: { onSignedIn: (user: User) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [message, setMessage] = useState<string | null>(null);

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
        <label>
          Email
          <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="username" />
        </label>
        <label>
          Password
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="current-password" />
        </label>
        <button type="submit">Sign in</button>
        {message && <p role="alert">{message}</p>}
      </form>
    </main>
  );
}

function Workspace({ user, onSignOut }: { user: User; onSignOut: () => void }) {
  const [inboxes, setInboxes] = useState<Inbox[]>([]);
  const [inboxId, setInboxId] = useState<string | null>(null);
  const [views, setViews] = useState<View[]>([]);
  const [view, setView] = useState('open');
  const [showMore, setShowMore] = useState(false);
  const [sort, setSort] = useState<'newest' | 'oldest'>('newest');
  const [items, setItems] = useState<ConversationItem[]>([]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [openId, setOpenId] = useState<string | null>(() => /^\/conversations\/([\w-]+)/.exec(location.pathname)?.[1] ?? null);
  const [users, setUsers] = useState<User[]>([]);
  const [error, setError] = useState<string | null>(null);
  // While a search is active the list shows its results instead of the view.
  const [search, setSearch] = useState<SearchFilters | null>(null);
  const [draft, setDraft] = useState('');
  const [helpOpen, setHelpOpen] = useState(false);
  // Collapsible side panels, remembered per browser.
  const [panels, setPanels] = useState<{ views: boolean; contact: boolean }>(() => {
    try {
      return { views: true, contact: true, ...JSON.parse(localStorage.getItem('inbox.panels') ?? '{}') };
    } catch {
      return { views: true, contact: true };
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
    document.querySelector(`[data-conversation="${next.id}"]`)?.scrollIntoView({ block: 'nearest' });
  }

  useEffect(() => {
    api<{ items: Inbox[] }>('GET', '/inboxes').then((r) => {
      setInboxes(r.items);
      setInboxId((current) => current ?? r.items[0]?.id ?? null);
    });
    api<{ items: User[] }>('GET', '/users').then((r) => setUsers(r.items));
  }, []);

  const refresh = useCallback(async () => {
    if (!inboxId) return;
    try {
      const [nextViews, list] = await Promise.all([
        api<View[]>('GET', `/inboxes/${inboxId}/views`),
        search
          ? api<{ items: ConversationItem[] }>('GET', searchPath(search, inboxId, sort))
          : api<{ items: ConversationItem[] }>('GET', `/inboxes/${inboxId}/conversations?view=${view}&sort=${sort}&limit=100`),
      ]);
      setViews(nextViews);
      setItems(list.items);
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'could not load');
    }
  }, [inboxId, view, sort, search]);

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

  const shown = views.filter((v) => ALWAYS_SHOWN.includes(v.id));
  const more = views.filter((v) => !ALWAYS_SHOWN.includes(v.id));

  return (
    <main className="shell">
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
        <NotificationBell onOpen={(conversationId) => setOpenId(conversationId)} />
        <span data-testid="current-user">{user.name}</span>
        <button className="link" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <div className="panes">
        <button className="panel-toggle" aria-expanded={panels.views} aria-controls="views-panel" onClick={() => togglePanel('views')}>
          {panels.views ? 'Hide views' : 'Show views'}
        </button>
        <nav className="views" id="views-panel" aria-label="Views" hidden={!panels.views}>
          {[...shown, ...(showMore ? more : [])].map((v) => (
            <button key={v.id} className={v.id === view ? 'view active' : 'view'} onClick={() => setView(v.id)} data-view={v.id}>
              <span>{v.name}</span>
              <span className="count">{v.count}</span>
            </button>
          ))}
          <button className="link" onClick={() => setShowMore(!showMore)}>
            {showMore ? 'Less' : 'More'}
          </button>
        </nav>
        <section className="list" aria-label="Conversations">
          <div className="list-tools">
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
                <button onClick={() => void bulk('trash')}>Trash {selected.size}</button>
              </>
            )}
          </div>
          {search && <FilterPanel filters={search} users={users} onChange={setSearch} />}
          {error && <p role="alert">{error}</p>}
          {items.length === 0 && <p className="empty">{search ? 'No conversations match.' : 'No conversations here.'}</p>}
          <ul>
            {items.map((c) => (
              <li key={c.id} className={c.id === openId ? 'row active' : 'row'}>
                <input
                  type="checkbox"
                  aria-label={`Select ${c.subject || c.preview}`}
                  checked={selected.has(c.id)}
                  onChange={(e) => {
                    const next = new Set(selected);
                    if (e.target.checked) next.add(c.id);
                    else next.delete(c.id);
                    setSelected(next);
                  }}
                />
                <button className="row-body" onClick={() => setOpenId(c.id)} data-conversation={c.id}>
                  <span className="row-top">
                    <strong>{c.contact?.name || c.contact?.email || 'Visitor'}</strong>
                    {c.participantCount > 1 && <span className="muted"> +{c.participantCount - 1}</span>}
                    <span className={`pill ${c.channel}`}>{c.channel}</span>
                    <time>{new Date(c.lastMessageAt).toLocaleString()}</time>
                  </span>
                  <span className="subject">
                    {c.lastMessageDirection === 'inbound' && <span className="needs-reply" title="Needs a reply" />}
                    {c.subject || '(no subject)'}
                  </span>
                  <span className="preview">{c.preview}</span>
                  {c.highlights?.slice(0, 1).map((h) => <Highlight key={h} html={h} />)}
                  {c.commentPreview && <span className="comment-preview">Note: {c.commentPreview}</span>}
                </button>
              </li>
            ))}
          </ul>
        </section>
        <section className="thread-pane" aria-label="Conversation">
          {openId ? <Thread id={openId} users={users} me={user} onChanged={refresh} /> : <p className="empty">Select a conversation.</p>}
        </section>
        {openId && (
          <button className="panel-toggle" aria-expanded={panels.contact} aria-controls="contact-panel" onClick={() => togglePanel('contact')}>
            {panels.contact ? 'Hide contact' : 'Show contact'}
          </button>
        )}
        {openId && panels.contact && (
          <ContactPanel conversationId={openId} contactId={items.find((c) => c.id === openId)?.contact?.id ?? null} onOpen={setOpenId} />
        )}
      </div>
      {helpOpen && <Shortcuts onClose={() => setHelpOpen(false)} />}
    </main>
  );
}

export type { ConversationDetail };
