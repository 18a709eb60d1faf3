// Settings › Webhooks (admins): subscribe a URL to events, see the secret once, pause and resume,
// rotate the secret, delete; and each webhook's recent deliveries, with "Send again".
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, type Webhook, type WebhookDelivery as Delivery, type WebhookWithSecret } from './api';
import { ConfirmDialog, type PendingConfirmation } from './confirm';
import { useAction } from './use-action';

const EVENTS: Webhook['events'] = ['conversation.created', 'conversation.updated', 'conversation.closed', 'conversation.assigned', 'conversation.deleted', 'message.created', 'comment.created', 'sla.breached'];


export function Webhooks() {
  const [hooks, setHooks] = useState<Webhook[]>([]);
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<Webhook['events']>(['conversation.created', 'message.created']);
  const [secret, setSecret] = useState<{ url: string; value: string } | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<PendingConfirmation | null>(null);
  const { run, feedback } = useAction();
  const reload = useCallback(async () => setHooks((await api('GET', '/webhooks')).items), []);
  useEffect(() => void reload().catch(() => setHooks([])), [reload]);

  async function create(event: FormEvent) {
    event.preventDefault();
    let created: WebhookWithSecret | undefined;
    if (await run(async () => (created = await api('POST', '/webhooks', { url, events })), `Webhook to ${url} added`)) {
      setSecret({ url: created!.url, value: created!.secret });
      setUrl('');
      await reload();
    }
  }
  async function change(hook: Webhook, action: 'pause' | 'resume' | 'rotate' | 'delete') {
    let rotated: { secret: string } | undefined;
    const done = await run(async () => {
      if (action === 'delete') await api('DELETE', `/webhooks/${hook.id}`);
      else if (action === 'rotate') rotated = await api('POST', `/webhooks/${hook.id}/rotate-secret`);
      else await api('PATCH', `/webhooks/${hook.id}`, { paused: action === 'pause' });
    }, { pause: 'Webhook paused', resume: 'Webhook resumed', rotate: 'New secret made; the old one signs beside it for 24 hours', delete: 'Webhook deleted' }[action]);
    if (done && rotated) setSecret({ url: hook.url, value: rotated.secret });
    if (done) await reload();
  }

  return (
    <>
      <h2>Webhooks</h2>
      <p className="muted">Each event is POSTed as JSON, signed in X-Inbox-Signature (t=&lt;unix&gt;,v1=HMAC-SHA256 of “t.body”), in order per conversation, retried for 26 hours.</p>
      {secret && (
        <p role="status" className="secret">
          Signing secret for {secret.url} (shown once): <code>{secret.value}</code>{' '}
          <button onClick={() => setSecret(null)}>Done</button>
        </p>
      )}
      <table aria-label="Webhooks">
        <thead>
          <tr>
            <th scope="col">URL</th>
            <th scope="col">Events</th>
            <th scope="col">State</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {hooks.map((h) => (
            <tr key={h.id}>
              <td>{h.url}</td>
              <td>{h.events.join(', ')}</td>
              <td>{h.paused ? (h.pausedReason === 'failing' ? 'Paused: kept failing' : 'Paused') : h.consecutiveFailures > 0 ? `Failing (${h.consecutiveFailures})` : 'Active'}</td>
              <td>
                <button onClick={() => setOpen(open === h.id ? null : h.id)}>{open === h.id ? 'Hide deliveries' : 'Deliveries'}</button>{' '}
                <button onClick={() => void change(h, h.paused ? 'resume' : 'pause')}>{h.paused ? 'Resume' : 'Pause'}</button>{' '}
                <button onClick={() => void change(h, 'rotate')}>New secret</button>{' '}
                <button
                  onClick={() =>
                    setConfirming({ title: 'Delete this webhook?', body: `Nothing more is sent to ${h.url}, and its delivery log is gone.`, confirmLabel: 'Delete webhook', run: () => change(h, 'delete') })
                  }
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {open && <Deliveries webhookId={open} />}
      <form aria-label="New webhook" onSubmit={(e) => void create(e)}>
        <label className="field">
          URL (https)
          <input type="url" value={url} required maxLength={2000} onChange={(e) => setUrl(e.target.value)} />
        </label>
        <fieldset>
          <legend>Events</legend>
          {EVENTS.map((name) => (
            <label key={name} className="check">
              <input type="checkbox" checked={events.includes(name)} onChange={(e) => setEvents(e.target.checked ? [...events, name] : events.filter((x) => x !== name))} /> {name}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={events.length === 0}>
          Add webhook
        </button>
      </form>
      {feedback}
      {confirming && <ConfirmDialog pending={confirming} onDone={() => setConfirming(null)} />}
    </>
  );
}

function Deliveries({ webhookId }: { webhookId: string }) {
  const [items, setItems] = useState<Delivery[] | null>(null);
  const { run, feedback } = useAction();
  const reload = useCallback(async () => setItems((await api('GET', `/webhooks/${webhookId}/deliveries?limit=50`)).items), [webhookId]);
  useEffect(() => void reload().catch(() => setItems([])), [reload]);
  if (!items) return <p className="muted">Loading deliveries…</p>;
  return (
    <>
      <table aria-label="Deliveries">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Event</th>
            <th scope="col">Status</th>
            <th scope="col">Attempts</th>
            <th scope="col">Response</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((d) => (
            <tr key={d.id}>
              <td>{new Date(d.createdAt).toLocaleString()}</td>
              <td>{d.event}</td>
              <td>{d.status}</td>
              <td>{d.attempts}</td>
              <td>{d.lastStatusCode ? `${d.lastStatusCode} in ${d.lastLatencyMs} ms` : (d.lastError ?? '—')}</td>
              <td>
                <button onClick={() => void run(() => api('POST', `/webhooks/${webhookId}/deliveries/${d.id}/redeliver`).then(reload), 'Queued to send again')}>Send again</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {items.length === 0 && <p className="muted">No deliveries yet.</p>}
      {feedback}
    </>
  );
}
