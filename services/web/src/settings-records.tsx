// Admin settings for teams (name and members) and the contact properties agents fill in.
import { NativeSelect } from '@mantine/core';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, type ResponseFor, type User } from './api';
import { useAction } from './use-action';

type Team = ResponseFor<'GET', '/teams'>['items'][number];

function MemberPicker({ users, chosen, onChange, label }: { users: User[]; chosen: string[]; onChange: (ids: string[]) => void; label: string }) {
  return (
    <fieldset>
      <legend>{label}</legend>
      {users
        .filter((u) => !u.deactivated)
        .map((u) => (
          <label key={u.id}>
            <input type="checkbox" checked={chosen.includes(u.id)} onChange={(e) => onChange(e.target.checked ? [...chosen, u.id] : chosen.filter((id) => id !== u.id))} /> {u.name}
          </label>
        ))}
    </fieldset>
  );
}

export function Teams({ users }: { users: User[] }) {
  const [teams, setTeams] = useState<Team[]>([]);
  const [draft, setDraft] = useState<{ name: string; userIds: string[] }>({ name: '', userIds: [] });
  const [editing, setEditing] = useState<Team | null>(null);
  const { run, feedback } = useAction();
  const load = useCallback(async () => setTeams((await api('GET', '/teams')).items), []);
  useEffect(() => void load(), [load]);
  const nameOf = (id: string) => users.find((u) => u.id === id)?.name ?? id;

  async function create(event: FormEvent) {
    event.preventDefault();
    if (await run(() => api('POST', '/teams', draft), `Team “${draft.name}” created`)) {
      setDraft({ name: '', userIds: [] });
      await load();
    }
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    if (editing && (await run(() => api('PATCH', `/teams/${editing.id}`, { name: editing.name, userIds: editing.userIds }), `Team “${editing.name}” saved`))) {
      setEditing(null);
      await load();
    }
  }

  return (
    <>
      <h2>Teams</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Team</th>
            <th scope="col">Members</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {teams.map((t) => (
            <tr key={t.id}>
              <td>{t.name}</td>
              <td>{t.userIds.map(nameOf).join(', ') || '—'}</td>
              <td>
                <button className="link" onClick={() => setEditing({ ...t })}>
                  Edit {t.name}
                </button>{' '}
                <button className="link" onClick={() => void run(() => api('DELETE', `/teams/${t.id}`), `Team “${t.name}” deleted`).then(async (ok) => {
                    if (ok) await load();
                  })}>
                  Delete {t.name}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing ? (
        <form className="settings-form column" onSubmit={(e) => void save(e)} aria-label="Edit team">
          <label className="field">
            Team name
            <input value={editing.name} required maxLength={100} onChange={(e) => setEditing({ ...editing, name: e.target.value })} />
          </label>
          <MemberPicker users={users} chosen={editing.userIds} onChange={(userIds) => setEditing({ ...editing, userIds })} label="Members" />
          <div className="row">
            <button type="submit">Save team</button>
            <button type="button" onClick={() => setEditing(null)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <form className="settings-form column" onSubmit={(e) => void create(e)} aria-label="New team">
          <label className="field">
            New team name
            <input value={draft.name} required maxLength={100} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
          </label>
          <MemberPicker users={users} chosen={draft.userIds} onChange={(userIds) => setDraft({ ...draft, userIds })} label="Members" />
          <button type="submit">Create team</button>
        </form>
      )}
      {feedback}
    </>
  );
}

type Property = ResponseFor<'GET', '/contact-properties'>['items'][number];

export function ContactProperties() {
  const [properties, setProperties] = useState<Property[]>([]);
  const [draft, setDraft] = useState({ key: '', label: '', type: 'text' as Property['type'], options: '' });
  const { run, feedback } = useAction();
  const load = useCallback(async () => setProperties((await api('GET', '/contact-properties')).items), []);
  useEffect(() => void load(), [load]);

  async function save(event: FormEvent) {
    event.preventDefault();
    const options = draft.type === 'choice' ? draft.options.split(',').map((o) => o.trim()).filter(Boolean) : [];
    if (await run(() => api('PUT', `/contact-properties/${encodeURIComponent(draft.key.trim())}`, { label: draft.label, type: draft.type, options }), `Property “${draft.label || draft.key}” saved`)) {
      setDraft({ key: '', label: '', type: 'text', options: '' });
      await load();
    }
  }

  return (
    <>
      <h2>Contact properties</h2>
      <p className="muted">What agents record on a contact. Values are checked against the type.</p>
      <table>
        <thead>
          <tr>
            <th scope="col">Label</th>
            <th scope="col">Key</th>
            <th scope="col">Type</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {properties.map((p) => (
            <tr key={p.key}>
              <td>{p.label}</td>
              <td>
                <code>{p.key}</code>
              </td>
              <td>{p.type === 'choice' ? `choice: ${p.options.join(', ')}` : p.type}</td>
              <td>
                <button className="link" onClick={() => void run(() => api('DELETE', `/contact-properties/${p.key}`), `Property “${p.label}” deleted`).then(async (ok) => {
                    if (ok) await load();
                  })}>
                  Delete {p.label}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="settings-form" onSubmit={(e) => void save(e)} aria-label="New contact property">
        <label className="field">
          Key
          <input value={draft.key} required pattern="[a-z][a-z0-9_]{0,39}" title="lower-case letters, digits and underscores" onChange={(e) => setDraft({ ...draft, key: e.target.value })} />
        </label>
        <label className="field">
          Label
          <input value={draft.label} maxLength={100} onChange={(e) => setDraft({ ...draft, label: e.target.value })} />
        </label>
        <label className="field">
          Type
          <NativeSelect size="xs" value={draft.type} onChange={(e) => setDraft({ ...draft, type: e.target.value as Property['type'] })}>
            <option value="text">Text</option>
            <option value="number">Number</option>
            <option value="date">Date</option>
            <option value="choice">Choice</option>
          </NativeSelect>
        </label>
        {draft.type === 'choice' && (
          <label className="field">
            Options (comma separated)
            <input value={draft.options} required onChange={(e) => setDraft({ ...draft, options: e.target.value })} />
          </label>
        )}
        <button type="submit">Save property</button>
      </form>
      {feedback}
    </>
  );
}
