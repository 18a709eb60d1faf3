// The dialog that saves a custom view: a built-in view narrowed by channel, owner and
// needs-reply, kept private, shared with the inbox, or shared with a team.
import { NativeSelect } from '@mantine/core';
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, api, type BodyFor, type CustomView, type User } from './api';

const BASES: [string, string][] = [
  ['open', 'All open'],
  ['unassigned', 'Unassigned'],
  ['mine', 'Assigned to me'],
  ['closed', 'All closed'],
  ['bots', 'Bots'],
  ['sent', 'Sent'],
];
const CHANNELS = ['email', 'chat', 'messenger', 'form', 'phone'] as const;
type ViewBody = BodyFor<'POST', `/inboxes/${string}/views`>;
type Filters = NonNullable<ViewBody['filters']>;

export function CustomViewDialog({ inboxId, users, me, view, onSaved, onClose }: { inboxId: string; users: User[]; me: User; view: CustomView | null; onSaved: (id: string | null) => void; onClose: () => void }) {
  const [name, setName] = useState(view?.name ?? '');
  // '' private, 'inbox' everyone in the inbox, otherwise a team's id.
  const [sharing, setSharing] = useState(view?.shared ? 'inbox' : (view?.teamId ?? ''));
  const [teams, setTeams] = useState<{ id: string; name: string; userIds: string[] }[]>([]);
  useEffect(() => {
    void api('GET', '/teams').then((r) => setTeams(r.items), () => setTeams([]));
  }, []);
  const [baseView, setBaseView] = useState(((view?.filters.baseView ?? 'open') as Filters['baseView'])!);
  const [channel, setChannel] = useState<Filters['channel'] | ''>((view?.filters.channel ?? '') as Filters['channel'] | '');
  const [assignee, setAssignee] = useState(view?.filters.assignee ?? '');
  const [needsReply, setNeedsReply] = useState(view?.filters.needsReply ?? false);
  const [error, setError] = useState<string | null>(null);
  const canEdit = !view || view.ownerId === me.id || me.role !== 'agent';

  async function save(event: FormEvent) {
    event.preventDefault();
    const body = { name, shared: sharing === 'inbox', teamId: sharing && sharing !== 'inbox' ? sharing : null, filters: { baseView, needsReply, ...(channel ? { channel } : {}), ...(assignee ? { assignee } : {}) } };
    try {
      const saved = view ? await api('PUT', `/views/${view.id}`, body) : await api('POST', `/inboxes/${inboxId}/views`, body);
      onSaved(saved.id);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'failed');
    }
  }
  async function remove() {
    try {
      await api('DELETE', `/views/${view!.id}`);
      onSaved(null);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'failed');
    }
  }

  return (
    <div className="dialog-backdrop" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <form className="dialog settings-form column" role="dialog" aria-modal="true" aria-label={view ? 'Edit view' : 'New view'} onSubmit={save}>
        <h2>{view ? 'Edit view' : 'New view'}</h2>
        <label className="field">
          View name
          <input value={name} required maxLength={60} autoFocus onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field">
          Start from
          <NativeSelect size="xs" value={baseView} onChange={(e) => setBaseView(e.target.value as Filters['baseView'] & string)}>
            {BASES.map(([id, label]) => (
              <option key={id} value={id}>
                {label}
              </option>
            ))}
          </NativeSelect>
        </label>
        <label className="field">
          Channel
          <NativeSelect size="xs" value={channel} onChange={(e) => setChannel(e.target.value as Filters['channel'] | '')}>
            <option value="">Any channel</option>
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </NativeSelect>
        </label>
        <label className="field">
          Owner
          <NativeSelect size="xs" value={assignee} onChange={(e) => setAssignee(e.target.value)}>
            <option value="">Anyone</option>
            <option value="me">Me (whoever looks)</option>
            <option value="none">Nobody (unassigned)</option>
            {users
              .filter((u) => !u.deactivated)
              .map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
          </NativeSelect>
        </label>
        <label className="choice">
          <input type="checkbox" checked={needsReply} onChange={(e) => setNeedsReply(e.target.checked)} /> Only conversations waiting for our reply
        </label>
        <label>
          Who sees it
          <NativeSelect size="xs" value={sharing} onChange={(e) => setSharing(e.target.value)}>
            <option value="">Only me</option>
            <option value="inbox">Everyone in this inbox</option>
            {teams
              .filter((t) => me.role !== 'agent' || t.userIds.includes(me.id) || t.id === view?.teamId)
              .map((t) => (
                <option key={t.id} value={t.id}>
                  Team {t.name}
                </option>
              ))}
          </NativeSelect>
        </label>
        {error && <p role="alert">{error}</p>}
        <div className="row-fields">
          {canEdit && <button type="submit">Save view</button>}
          {view && canEdit && (
            <button type="button" className="danger" onClick={() => void remove()}>
              Delete view
            </button>
          )}
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}
