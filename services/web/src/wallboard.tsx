// The supervisors' wallboard, made for a screen on the wall: per inbox and team what is open and
// unassigned, the longest wait, what is breaching, today's first responses and who is there.
// The server sends the whole board over the WebSocket after every change (no polling); after a
// reconnect the page asks again and gets a board that is right. Waits grow by the second here.
import { useEffect, useState } from 'react';
import { type ResponseOf, type User } from './api';
import { realtime, useOnline, useRealtime } from './realtime';
import { formatDuration } from './durations';

type Board = ResponseOf<'/api/v1/wallboard', 'get'>;
type Row = Board['inboxes'][number];

function watch(): void {
  realtime.send({ type: 'wallboard.watch' });
}

function Rows({ title, rows, now }: { title: string; rows: Row[]; now: number }) {
  if (rows.length === 0) return null;
  return (
    <table className="wallboard-table" aria-label={title}>
      <thead>
        <tr>
          <th scope="col">{title}</th>
          <th scope="col">Open</th>
          <th scope="col">Unassigned</th>
          <th scope="col">Longest wait</th>
          <th scope="col">Breaching</th>
          <th scope="col">First response today</th>
          <th scope="col">Available</th>
          <th scope="col">Away</th>
          <th scope="col">At capacity</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const wait = r.oldestWaitingSince ? Math.max(0, Math.floor((now - Date.parse(r.oldestWaitingSince)) / 1000)) : null;
          return (
            <tr key={r.id} data-row={r.id}>
              <th scope="row">{r.name}</th>
              <td data-cell="open">{r.open}</td>
              <td data-cell="unassigned">{r.unassigned}</td>
              <td data-cell="wait">{wait === null ? '—' : formatDuration(wait)}</td>
              <td data-cell="breaching" className={r.breaching > 0 ? 'alert' : undefined}>
                {r.breaching}
              </td>
              <td data-cell="first-response">
                {formatDuration(r.firstResponseMedianSecondsToday)} <span className="muted">({r.firstResponsesToday})</span>
              </td>
              <td data-cell="available">{r.agents.available}</td>
              <td data-cell="away">{r.agents.away}</td>
              <td data-cell="at-capacity">{r.agents.atCapacity}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function WallboardPage({ me }: { me: User }) {
  const [board, setBoard] = useState<Board | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const online = useOnline();
  const admin = me.role === 'admin' || me.role === 'superadmin';

  useRealtime((frame) => {
    if (frame.type === 'hello') watch();
    // A board computed earlier can arrive after a newer one: the newest stays.
    else if (frame.type === 'wallboard') setBoard((shown) => (shown && Date.parse(shown.asOf) > Date.parse((frame.board as Board).asOf) ? shown : (frame.board as Board)));
    else if (frame.type === 'error' && frame.code === 'forbidden') setError(frame.message);
  });

  useEffect(() => {
    if (!admin) return;
    realtime.open();
    if (realtime.isLive) watch();
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => {
      clearInterval(tick);
      realtime.send({ type: 'wallboard.unwatch' });
    };
  }, [admin]);

  return (
    <main className="shell wallboard-page">
      <header className="topbar">
        <span className="brand">Wallboard</span>
        <span className="spacer" />
        <span className={online ? 'muted' : 'offline'} role="status">
          {online ? (board ? `Live · ${new Date(board.asOf).toLocaleTimeString()}` : 'Connecting…') : 'Offline: reconnecting'}
        </span>
        <a className="link" href="/reports">
          Reports
        </a>
        <a className="link" href="/">
          Back to the inbox
        </a>
      </header>
      <section className="wallboard" aria-label="Wallboard">
        {!admin && <p role="alert">The wallboard is for admins.</p>}
        {error && <p role="alert">{error}</p>}
        {board && (
          <>
            <Rows title="Inbox" rows={board.inboxes} now={now} />
            <Rows title="Team" rows={board.teams} now={now} />
          </>
        )}
      </section>
    </main>
  );
}
