// Settings › Audit log (super admins): who did what, when and from where, newest first, with the
// before and after of each change; filtered by person, action and dates; exported as JSON lines.
import { NativeSelect } from '@mantine/core';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api, downloadFile, type AuditEntry, type User } from './api';
import { useAction } from './use-action';
import { DateField } from './date-field';

const ACTION_GROUPS = ['auth.', 'user.', 'account.', 'inbox.', 'team.', 'channel.', 'routing.', 'sla.', 'contact_property.', 'message.', 'conversation.', 'webhook.', 'report.', 'audit.'];

const show = (value: unknown) => (value === null || value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value));

function filterQuery(filter: { actor: string; action: string; from: string; to: string }): URLSearchParams {
  const query = new URLSearchParams();
  if (filter.actor) query.set('actor', filter.actor);
  if (filter.action) query.set('action', filter.action);
  // Dates are whole local days: from the start of the first to the end of the last.
  if (filter.from) query.set('from', new Date(`${filter.from}T00:00:00`).toISOString());
  if (filter.to) query.set('to', new Date(new Date(`${filter.to}T00:00:00`).getTime() + 86_400_000).toISOString());
  return query;
}

export function AuditLog({ users }: { users: User[] }) {
  const [filter, setFilter] = useState({ actor: '', action: '', from: '', to: '' });
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { run, feedback } = useAction();
  // A slow answer for an earlier filter must not replace the current one's.
  const latest = useRef(0);
  const nameOf = (id: string | null, label: string) => (id ? (users.find((u) => u.id === id)?.name ?? id) : label || 'system');

  const load = useCallback(
    async (cursor: string | null) => {
      const query = filterQuery(filter);
      query.set('limit', '50');
      if (cursor) query.set('cursor', cursor);
      const request = ++latest.current;
      try {
        const page = await api('GET', `/audit?${query}`);
        if (request !== latest.current) return;
        setEntries((shown) => (cursor ? [...shown, ...page.entries] : page.entries));
        setNext(page.nextCursor);
        setError(null);
      } catch (e) {
        setError(e instanceof ApiError && e.status === 403 ? 'Only super admins can read the audit log.' : String((e as Error).message));
      }
    },
    [filter],
  );
  useEffect(() => void load(null), [load]);

  async function exportLog() {
    await run(() => downloadFile(`/audit/export?${filterQuery(filter)}`, `audit-${new Date().toISOString().slice(0, 10)}.jsonl`), 'Audit log exported');
  }

  return (
    <>
      <h2>Audit log</h2>
      <p className="muted">Every administrative and sensitive act, as it happened. Entries can never be changed or deleted.</p>
      <div className="filters" role="group" aria-label="Audit filters">
        <label className="field">
          Person
          <NativeSelect size="xs" value={filter.actor} onChange={(e) => setFilter({ ...filter, actor: e.target.value })}>
            <option value="">Anyone</option>
            {users.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </NativeSelect>
        </label>
        <label className="field">
          Action
          <NativeSelect size="xs" value={filter.action} onChange={(e) => setFilter({ ...filter, action: e.target.value })}>
            <option value="">All</option>
            {ACTION_GROUPS.map((a) => (
              <option key={a} value={a}>
                {a.slice(0, -1).replace('_', ' ')}
              </option>
            ))}
          </NativeSelect>
        </label>
        <DateField className="field" label="From" value={filter.from} max={filter.to} clearable onChange={(from) => setFilter({ ...filter, from })} />
        <DateField className="field" label="To" value={filter.to} min={filter.from} clearable onChange={(to) => setFilter({ ...filter, to })} />
        <button onClick={() => void exportLog()}>Export</button>
      </div>
      {feedback}
      {error && <p role="alert">{error}</p>}
      <table aria-label="Audit log">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            <th scope="col">What</th>
            <th scope="col">Changes</th>
            <th scope="col">From</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id}>
              <td>{new Date(e.at).toLocaleString()}</td>
              <td>{nameOf(e.actorUserId, e.actorLabel)}</td>
              <td>
                <code>{e.action}</code>
              </td>
              <td>
                {e.targetType} {e.targetId}
              </td>
              <td>
                {Object.entries(e.changes).map(([field, change]) => (
                  <div key={field}>
                    {field}: {show(change.before)} → {show(change.after)}
                  </div>
                ))}
              </td>
              <td title={e.userAgent}>{e.ip}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {entries.length === 0 && !error && <p className="muted">Nothing matches.</p>}
      {next && <button onClick={() => void load(next)}>Show older</button>}
    </>
  );
}
