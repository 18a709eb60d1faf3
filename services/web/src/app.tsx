import { ComposeDialog } from './compose';
import { ConfirmDialog, type PendingConfirmation } from './confirm';
import { Suspense, lazy, useEffect, useState } from 'react';
import { api, onSessionEnded, renewSessionIfDue, session, type ConversationDetail, type User, type View } from './api';
import { ProfileDialog } from './profile';
import { realtime, useOnline } from './realtime';
import { NO_FILTERS } from './search';
import { ContactPanel } from './contact-panel';
import { CustomViewDialog } from './custom-views';
import { FeedbackPage } from './feedback-page';
import { Login } from './login';
import { Settings } from './settings';
import { Shortcuts, useShortcuts } from './shortcuts';
import { Thread } from './thread';
import { ListPane } from './workspace/list-pane';
import { TopBar } from './workspace/top-bar';
import { useConversationList } from './workspace/use-conversation-list';
import { useDirectory } from './workspace/use-directory';
import { usePanels } from './workspace/use-panels';
import { usePlace } from './workspace/use-place';
import { ViewsNav } from './workspace/views-nav';

// Reports bring a chart library; neither page loads until someone opens it.
const ReportsPage = lazy(() => import('./reports').then((m) => ({ default: m.ReportsPage })));
const WallboardPage = lazy(() => import('./wallboard').then((m) => ({ default: m.WallboardPage })));

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
    api('GET', '/me')
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

type Dialog = { kind: 'profile' } | { kind: 'compose' } | { kind: 'help' } | { kind: 'confirm'; pending: PendingConfirmation } | { kind: 'view'; view: View | null };

function Workspace({ user, onSignOut, onProfileSaved }: { user: User; onSignOut: () => void; onProfileSaved: (user: User) => void }) {
  const place = usePlace();
  const { inboxId, view, openId, search, settingsOpen } = place;
  const directory = useDirectory(place.setInboxId);
  const list = useConversationList({ inboxId, view, sort: place.sort, search }, directory.reload);
  const [panels, togglePanel] = usePanels();
  // At most one dialog is open at a time.
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const closeDialog = () => setDialog(null);
  // The open conversation's contact, as its thread last loaded it (it may not be in the list).
  const [openContactId, setOpenContactId] = useState<string | null>(null);
  const { items, refresh } = list;

  // j/k move through the list and open the conversation; / searches; ? lists every shortcut.
  useShortcuts({
    j: () => step(1),
    k: () => step(-1),
    '/': () => document.querySelector<HTMLInputElement>('input[type=search]')?.focus(),
    '?': () => setDialog({ kind: 'help' }),
  });
  function step(delta: number) {
    if (items.length === 0) return;
    const at = items.findIndex((c) => c.id === openId);
    const next = items[Math.min(items.length - 1, Math.max(0, at === -1 ? 0 : at + delta))];
    place.setOpenId(next.id);
  }

  const online = useOnline();
  return (
    <main className="shell">
      {!online && (
        <p className="offline" role="status">
          You are offline. Changes you make will not be saved; new conversations appear when the connection is back.
        </p>
      )}
      <TopBar user={user} users={directory.users} inboxes={directory.inboxes} place={place} onProfile={() => setDialog({ kind: 'profile' })} onSignOut={onSignOut} />
      {settingsOpen && (
        <Settings
          me={user}
          inboxId={inboxId}
          onClose={() => {
            place.setSettingsOpen(false);
            directory.reload();
          }}
          onInboxesChanged={directory.reload}
        />
      )}
      <div className="panes" hidden={settingsOpen}>
        <button className="panel-toggle" aria-expanded={panels.views} aria-controls="views-panel" onClick={() => togglePanel('views')}>
          {panels.views ? 'Hide views' : 'Show views'}
        </button>
        <ViewsNav views={list.views} current={search ? null : view} hidden={!panels.views} onChoose={place.setView} onEdit={(v) => setDialog({ kind: 'view', view: v })} />
        <ListPane list={list} place={place} users={directory.users} onCompose={() => setDialog({ kind: 'compose' })} onConfirm={(pending) => setDialog({ kind: 'confirm', pending })} />
        <section className="thread-pane" aria-label="Conversation">
          {openId ? (
            <Thread key={openId} id={openId} users={directory.users} me={user} onChanged={refresh} onGone={() => place.setOpenId(null)} onContact={setOpenContactId} />
          ) : (
            <p className="empty">Select a conversation.</p>
          )}
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
            onOpen={place.setOpenId}
            onChanged={() => void refresh()}
            onSearchContact={(contact) => place.setSearch({ ...NO_FILTERS, contactId: contact.id, contactName: contact.name })}
            users={directory.users}
          />
        )}
      </div>
      {dialog?.kind === 'help' && <Shortcuts onClose={closeDialog} />}
      {dialog?.kind === 'compose' && inboxId && (
        <ComposeDialog
          inboxId={inboxId}
          onClose={closeDialog}
          onSent={(id) => {
            closeDialog();
            place.setSearch(null);
            place.setView('sent');
            place.setOpenId(id);
            void refresh();
          }}
        />
      )}
      {dialog?.kind === 'confirm' && <ConfirmDialog pending={dialog.pending} onDone={closeDialog} />}
      {dialog?.kind === 'profile' && (
        <ProfileDialog
          user={user}
          onClose={closeDialog}
          onSaved={(saved) => {
            closeDialog();
            onProfileSaved(saved);
          }}
        />
      )}
      {dialog?.kind === 'view' && inboxId && (
        <CustomViewDialog
          inboxId={inboxId}
          users={directory.users}
          me={user}
          view={dialog.view?.custom ?? null}
          onClose={closeDialog}
          onSaved={(id) => {
            closeDialog();
            place.setView(id ?? 'open');
            void refresh();
          }}
        />
      )}
    </main>
  );
}

export type { ConversationDetail };
