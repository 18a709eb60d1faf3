import { Avatar, Button, Notification } from '@mantine/core';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api, session, type Call, type ConversationDetail, type User } from './api';
import { Composer } from './composer';
import { useNewestLoad } from './latest';
import { realtime, useRealtime } from './realtime';
import { useShortcuts } from './shortcuts';
import { ThreadHeader } from './thread-header';

/** Attachments are served with the bearer token, so the download goes through fetch. */
async function download(event: React.MouseEvent, url: string, filename: string) {
  event.preventDefault();
  const response = await fetch(url, { headers: { authorization: `Bearer ${session.token ?? ''}` } });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await response.blob());
  link.download = filename;
  link.click();
  URL.revokeObjectURL(link.href);
}

interface Present {
  userId: string;
  name: string;
  activity: 'viewing' | 'typing';
}

/** Email HTML in a sandboxed frame: no scripts, no same-origin access, remote images only after a click. */
const EMAIL_BASE_STYLE = 'html,body{margin:0;padding:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;overflow-wrap:anywhere}img{max-width:100%;height:auto}';

function EmailHtml({ html, onResized }: { html: string; onResized?: () => void }) {
  const [images, setImages] = useState(false);
  const remote = html.includes('data-src=');
  const shown = images ? html.replace(/\sdata-src=/g, ' src=') : html;
  const doc = `<!doctype html><meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data: cid:${images ? ' https: http:' : ''}; style-src 'unsafe-inline'"><style>${EMAIL_BASE_STYLE}</style>${shown}`;
  const frame = useRef<HTMLIFrameElement | null>(null);
  // The email is as tall as its content: no box with a scroll bar of its own.
  const fit = () => {
    const body = frame.current?.contentDocument?.documentElement;
    if (frame.current && body) frame.current.style.height = `${Math.min(body.scrollHeight + 2, 20_000)}px`;
    onResized?.();
  };
  return (
    <>
      {remote && !images && (
        <button type="button" className="link" onClick={() => setImages(true)}>
          Show remote images
        </button>
      )}
      <iframe
        ref={frame}
        className="email-html"
        // Same origin only so its height can be read; with no allow-scripts and a script-free CSP nothing in it runs.
        sandbox="allow-same-origin"
        srcDoc={doc}
        title="Email content"
        onLoad={fit}
      />
    </>
  );
}

/** Mail whose SPF, DKIM or DMARC check failed outright; mail that simply carries no signature is not flagged. */
export function failedAuthentication(verdict: { spf?: string; dkim?: string; dmarc?: string }): boolean {
  return [verdict.spf, verdict.dkim, verdict.dmarc].some((result) => result === 'fail' || result === 'permerror');
}

export type TimelineEntry = { kind: 'message'; at: number; message: ConversationDetail['messages'][number] } | { kind: 'comment'; at: number; comment: ConversationDetail['comments'][number] };

/** Messages and comments in the order they happened (a message first when both share a moment). */
export function timeline(detail: Pick<ConversationDetail, 'messages' | 'comments'>): TimelineEntry[] {
  const entries: TimelineEntry[] = [
    ...detail.messages.map((message) => ({ kind: 'message' as const, at: Date.parse(message.createdAt), message })),
    ...detail.comments.map((comment) => ({ kind: 'comment' as const, at: Date.parse(comment.createdAt), comment })),
  ];
  return entries.sort((a, b) => a.at - b.at || (a.kind === b.kind ? 0 : a.kind === 'message' ? -1 : 1));
}

// Entries of one sender within this long of each other read as one run: one avatar, one name.
const RUN_GAP_MS = 10 * 60 * 1000;

/** Who wrote an entry: the customer's address, our side, or a comment's author. */
function senderOf(entry: TimelineEntry): string {
  if (entry.kind === 'comment') return `comment:${entry.comment.authorName}`;
  const m = entry.message;
  return `${m.direction}:${(m.from.address || m.from.name || '').toLowerCase()}`;
}

/** For each entry, whether it continues the run of the one before (same sender, close in time). */
export function continuesRun(entries: TimelineEntry[]): boolean[] {
  return entries.map((entry, i) => i > 0 && senderOf(entries[i - 1]) === senderOf(entry) && entry.at - entries[i - 1].at <= RUN_GAP_MS);
}

/** The name shown for a message's sender. */
function senderName(m: ConversationDetail['messages'][number]): string {
  return m.from.name || m.from.address || (m.direction === 'outbound' ? 'Us' : 'Visitor');
}

const clock = (seconds: number) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;

/** A phone conversation's call: who, how it went, the voicemail and its transcript. */
function CallSummary({ call, users }: { call: Call; users: User[] }) {
  const answeredBy = call.answeredBy ? (users.find((u) => u.id === call.answeredBy)?.name ?? 'a colleague') : null;
  return (
    <section className="call" aria-label="Call">
      <strong>{call.direction === 'inbound' ? `Call from ${call.from}` : `Call to ${call.to}`}</strong> · {call.missed ? 'missed' : call.status}
      {call.durationSeconds > 0 && ` · ${clock(call.durationSeconds)}`}
      {answeredBy && ` · answered by ${answeredBy}`}
      {call.recordingUrl && (
        <>
          {' · '}
          <a href={call.recordingUrl} target="_blank" rel="noreferrer noopener">
            Recording
          </a>
        </>
      )}
      {call.transcript && <p className="transcript">{call.transcript}</p>}
    </section>
  );
}

export function Thread({
  id,
  users,
  me,
  onChanged,
  onGone,
  onContact,
}: {
  id: string;
  users: User[];
  me: User;
  onChanged: () => Promise<void>;
  onGone: () => void;
  onContact: (contactId: string | null) => void;
}) {
  const [detail, setDetail] = useState<ConversationDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  // What the last action did, shown as a toast; undo where the action has an inverse.
  const [notice, setNotice] = useState<{ text: string; undo?: () => Promise<unknown> } | null>(null);

  const [openTickets, setOpenTickets] = useState(0);
  // Deleted meanwhile (here or by a colleague): the thread closes instead of failing.
  const gone = useRef(onGone);
  gone.current = onGone;
  const beginLoad = useNewestLoad();
  const load = useCallback(async () => {
    const ticket = beginLoad();
    try {
      const [conversation, tickets] = await Promise.all([api('GET', `/conversations/${id}`), api('GET', `/conversations/${id}/tickets`)]);
      if (!ticket.apply()) return;
      setDetail(conversation);
      onContact(conversation.contact?.id ?? null);
      setOpenTickets(tickets.items.filter((t) => t.status === 'open').length);
    } catch (e) {
      if (ticket.superseded()) return;
      if (e instanceof ApiError && e.status === 404) return gone.current();
      setError(e instanceof ApiError ? e.message : 'this conversation could not be loaded');
    }
  }, [id, onContact, beginLoad]);

  const [present, setPresent] = useState<Present[]>([]);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), 30_000);
    return () => clearInterval(timer);
  }, [load]);

  // Tell the others we are here, and that we are typing while the draft changes.
  useEffect(() => {
    setPresent([]);
    realtime.send({ type: 'presence', conversationId: id, activity: 'viewing' });
    return () => realtime.send({ type: 'presence', conversationId: id, activity: 'left' });
  }, [id]);
  const typingTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  function typed() {
    if (!typingTimer.current) realtime.send({ type: 'presence', conversationId: id, activity: 'typing' });
    else clearTimeout(typingTimer.current);
    typingTimer.current = setTimeout(() => {
      typingTimer.current = null;
      realtime.send({ type: 'presence', conversationId: id, activity: 'viewing' });
    }, 3000);
  }

  useRealtime((frame) => {
    if (frame.type === 'hello') return void load();
    if (frame.conversationId !== id) return;
    if (frame.type === 'presence') setPresent((frame.users as Present[]).filter((u) => u.userId !== me.id));
    else if (frame.stream === 'conversation') void load();
  });

  useEffect(() => {
    const reveal = () => {
      const target = /^#(message|comment)-/.test(location.hash) ? document.getElementById(location.hash.slice(1)) : null;
      if (target) {
        target.scrollIntoView({ block: 'center' });
        target.classList.add('highlight');
      }
    };
    reveal();
    window.addEventListener('hashchange', reveal);
    return () => window.removeEventListener('hashchange', reveal);
  }, [detail?.id]);

  async function act(run: () => Promise<unknown>, done?: string, undo?: () => Promise<unknown>) {
    setError(null);
    setNotice(null);
    try {
      await run();
      if (done) setNotice({ text: done, undo });
      await load();
      await onChanged();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'failed');
    }
  }

  useShortcuts({
    a: () => void act(() => api('PATCH', `/conversations/${id}`, { assigneeId: me.id })),
    e: () => detail && void act(() => api('POST', `/conversations/${id}/${detail.status === 'open' ? 'close' : 'reopen'}`)),
  });

  // Opening a conversation shows its newest entry, unless a link points at one message or comment.
  const newest = useRef<HTMLLIElement | null>(null);
  const opened = useRef(false);
  // Emails above grow as their frames load; until the agent scrolls, the newest entry stays in view.
  const pinnedUntil = useRef(0);
  const keepNewestInView = () => {
    if (Date.now() < pinnedUntil.current) newest.current?.scrollIntoView({ block: 'end' });
  };
  useEffect(() => {
    if (!detail || opened.current) return;
    opened.current = true;
    if (/^#(message|comment)-/.test(location.hash)) return;
    pinnedUntil.current = Date.now() + 5000;
    keepNewestInView();
  }, [detail]);

  // A render function, not a component: an inner component would remount every email frame on each update.
  const renderMessage = (m: ConversationDetail['messages'][number], continued: boolean, itemRef?: React.Ref<HTMLLIElement>) => (
          <li key={m.id} className={`entry${continued ? ' continued' : ''}`} ref={itemRef}>
            <Avatar className="entry-avatar" name={senderName(m)} color={m.direction === 'outbound' ? 'indigo' : 'initials'} size={32} aria-hidden="true" />
            <div id={`message-${m.id}`} className={`message ${m.direction}`}>
            <div className="meta">
              <strong className="sender">{senderName(m)}</strong>
              <span className="direction muted">{m.direction === 'outbound' ? 'replied' : 'wrote'}</span> · {m.channel} ·{' '}
              <time dateTime={m.createdAt}>{new Date(m.createdAt).toLocaleString()}</time>
              {m.deliveryStatus && m.direction === 'outbound' && <span className="muted"> · {m.deliveryStatus}</span>}
              {m.deliveryError && <span className="delivery-error"> · {m.deliveryError}</span>}
              {m.authentication && failedAuthentication(m.authentication) && <span className="warning"> · sender failed verification</span>}
              <button className="link" onClick={() => void navigator.clipboard?.writeText(`${location.origin}/conversations/${id}#message-${m.id}`)}>
                Copy link
              </button>
              {!m.hidden ? (
                <button className="link" onClick={() => void act(() => api('POST', `/messages/${m.id}/hide`))}>
                  Hide
                </button>
              ) : (
                (me.role === 'superadmin' || m.hiddenBy === me.id) && (
                  <button className="link" onClick={() => void act(() => api('POST', `/messages/${m.id}/unhide`))}>
                    Unhide
                  </button>
                )
              )}
            </div>
            {m.hidden ? <p className="hidden-message">Message is hidden</p> : m.html ? <EmailHtml html={m.html} onResized={keepNewestInView} /> : <p className="text">{m.text}</p>}
            {m.attachments.length > 0 && (
              <ul className="attachments">
                {m.attachments.map((a) => (
                  <li key={a.id}>
                    <a href={a.url} onClick={(e) => void download(e, a.url, a.filename)}>
                      {a.filename}
                    </a>
                  </li>
                ))}
              </ul>
            )}
            </div>
          </li>
  );

  if (!detail) return <p className="empty">Loading…</p>;

  const entries = timeline(detail);
  const runs = continuesRun(entries);
  return (
    <article className="thread">
      <ThreadHeader detail={detail} me={me} users={users} openTickets={openTickets} act={act} onDeleted={() => void onChanged().then(onGone)} onError={setError} />
      {notice && (
        <Notification className="toast" role="status" withBorder onClose={() => setNotice(null)} closeButtonProps={{ 'aria-label': 'Dismiss' }}>
          {notice.text}
          {notice.undo && (
            <Button variant="subtle" size="compact-xs" ml="sm" onClick={() => void act(notice.undo!, 'Undone')}>
              Undo
            </Button>
          )}
        </Notification>
      )}
      {detail.filteredReason === 'spoofed_sender' && (
        <p role="alert" className="warning">
          This email claims to come from one of your team, but its sender could not be verified.
        </p>
      )}
      {detail.call && <CallSummary call={detail.call} users={users} />}
      {present.length > 0 && (
        <p className="presence" role="status">
          {present.map((p) => `${p.name} is ${p.activity}`).join(' · ')}
        </p>
      )}
      <ol className="messages" onWheel={() => (pinnedUntil.current = 0)} onTouchMove={() => (pinnedUntil.current = 0)}>
        {entries.map((entry, index, all) =>
          entry.kind === 'comment' ? (
            <li key={entry.comment.id} className={`entry${runs[index] ? ' continued' : ''}`} ref={index === all.length - 1 ? newest : undefined}>
              <Avatar className="entry-avatar" name={entry.comment.authorName} color="yellow" size={32} aria-hidden="true" />
              <div id={`comment-${entry.comment.id}`} className="comment">
                <div className="meta">
                  <strong className="sender">{entry.comment.authorName}</strong> commented · <time dateTime={entry.comment.createdAt}>{new Date(entry.comment.createdAt).toLocaleString()}</time>
                </div>
                <p className="text">{entry.comment.text}</p>
              </div>
            </li>
          ) : (
            renderMessage(entry.message, runs[index], index === all.length - 1 ? newest : undefined)
          ),
        )}
      </ol>
      {detail.trashedAt && <p className="notice">This conversation is in Trash. Restore it to reply or comment.</p>}
      <Composer key={id} detail={detail} users={users} me={me} error={error} act={act} onTyped={typed} />
    </article>
  );
}
