// Admin settings: inboxes (renamed, deleted), members, teams, channels (with how to connect
// each), routing rules and capacity, working hours, snippets and contact properties. Each section
// talks to the public API only.
import { NativeSelect } from '@mantine/core';
import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { api, type BodyFor, type Channel, type ResponseFor, type User } from './api';
import { forgetReplyLibrary, type Snippet } from './assist';
import { useNewestLoad } from './latest';
import { ContactProperties, Teams } from './settings-records';
import { useAction } from './use-action';
import { HoursEditor, localTimeZone, type Hours } from './hours-editor';
import { ServiceLevels } from './settings-sla';
import { AccountSettings, SurveySettings } from './settings-account';
import { Webhooks } from './settings-webhooks';
import { AuditLog } from './settings-audit';
import { DataRetention } from './settings-retention';
import { SingleSignOn } from './settings-sso';

type Section = 'account' | 'inboxes' | 'members' | 'teams' | 'channels' | 'routing' | 'sla' | 'surveys' | 'hours' | 'snippets' | 'properties' | 'webhooks' | 'sso' | 'retention' | 'audit';
const SECTIONS: [Section, string][] = [
  ['account', 'Account'],
  ['inboxes', 'Inboxes'],
  ['members', 'Members'],
  ['teams', 'Teams'],
  ['channels', 'Channels'],
  ['routing', 'Routing'],
  ['sla', 'Service levels'],
  ['surveys', 'Surveys'],
  ['hours', 'Working hours'],
  ['snippets', 'Snippets and templates'],
  ['properties', 'Contact properties'],
  ['webhooks', 'Webhooks'],
  ['sso', 'Single sign-on'],
  ['retention', 'Data retention'],
  ['audit', 'Audit log'],
];

type InboxWithMembers = ResponseFor<'GET', '/inboxes'>['items'][number];


export function Settings({ me, inboxId, onClose, onInboxesChanged }: { me: User; inboxId: string | null; onClose: () => void; onInboxesChanged: () => void }) {
  const [section, setSection] = useState<Section>('inboxes');
  const [inboxes, setInboxes] = useState<InboxWithMembers[]>([]);
  const [users, setUsers] = useState<User[]>([]);
  const [current, setCurrent] = useState<string | null>(inboxId);

  const reload = useCallback(async () => {
    const [i, u] = await Promise.all([api('GET', '/inboxes'), api('GET', '/users')]);
    setInboxes(i.items);
    setUsers(u.items);
    setCurrent((c) => c ?? i.items[0]?.id ?? null);
  }, []);
  useEffect(() => void reload(), [reload]);

  const inbox = inboxes.find((i) => i.id === current) ?? null;
  const inboxPicker = (
    <label className="field">
      Inbox
      <NativeSelect size="xs" value={current ?? ''} onChange={(e) => setCurrent(e.target.value)}>
        {inboxes.map((i) => (
          <option key={i.id} value={i.id}>
            {i.name}
          </option>
        ))}
      </NativeSelect>
    </label>
  );

  return (
    <section className="settings" aria-label="Settings">
      <header className="settings-head">
        <h1>Settings</h1>
        <button onClick={onClose}>Back to inbox</button>
      </header>
      <div className="settings-body">
        <nav aria-label="Settings sections" className="settings-nav">
          {SECTIONS.filter(([id]) => id !== 'audit' || me.role === 'superadmin').map(([id, name]) => (
            <button key={id} aria-current={section === id ? 'page' : undefined} className={section === id ? 'view active' : 'view'} onClick={() => setSection(id)}>
              {name}
            </button>
          ))}
        </nav>
        <div className="settings-content">
          {section === 'inboxes' && <Inboxes inboxes={inboxes} users={users} onChanged={async () => (await reload(), onInboxesChanged())} />}
          {section === 'members' && <Members me={me} users={users} inbox={inbox} picker={inboxPicker} onChanged={reload} />}
          {section === 'channels' && inbox && <Channels inbox={inbox} picker={inboxPicker} />}
          {section === 'routing' && inbox && <Routing inbox={inbox} users={users} picker={inboxPicker} />}
          {section === 'sla' && inbox && <ServiceLevels inbox={inbox} picker={inboxPicker} />}
          {section === 'surveys' && inbox && <SurveySettings inbox={inbox} picker={inboxPicker} onSaved={() => void reload()} />}
          {section === 'account' && <AccountSettings />}
          {section === 'hours' && <WorkingHours me={me} users={users} />}
          {section === 'snippets' && <ReplyLibrary />}
          {section === 'teams' && <Teams users={users} />}
          {section === 'properties' && <ContactProperties />}
          {section === 'webhooks' && <Webhooks />}
          {section === 'sso' && <SingleSignOn me={me} />}
          {section === 'retention' && <DataRetention me={me} inboxes={inboxes} />}
          {section === 'audit' && <AuditLog users={users} />}
        </div>
      </div>
    </section>
  );
}

function Inboxes({ inboxes, users, onChanged }: { inboxes: InboxWithMembers[]; users: User[]; onChanged: () => Promise<void> }) {
  const [name, setName] = useState('');
  // One inbox at a time is renamed, or deleted (its conversations moved to another first).
  const [changing, setChanging] = useState<{ kind: 'rename' | 'delete'; inbox: InboxWithMembers; value: string } | null>(null);
  const { run, feedback } = useAction();
  async function change(event: FormEvent) {
    event.preventDefault();
    if (!changing) return;
    const { kind, inbox, value } = changing;
    const done =
      kind === 'rename'
        ? await run(() => api('PATCH', `/inboxes/${inbox.id}`, { name: value }), `Inbox renamed to “${value}”`)
        : await run(() => api('DELETE', `/inboxes/${inbox.id}${value ? `?moveConversationsTo=${value}` : ''}`), `Inbox “${inbox.name}” deleted`);
    if (done) {
      setChanging(null);
      await onChanged();
    }
  }
  const nameOf = (id: string) => users.find((u) => u.id === id)?.name ?? id;
  async function create(event: FormEvent) {
    event.preventDefault();
    if (await run(() => api('POST', '/inboxes', { name }), `Inbox “${name}” created`)) {
      setName('');
      await onChanged();
    }
  }
  return (
    <>
      <h2>Inboxes</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Members</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {inboxes.map((i) => (
            <tr key={i.id}>
              <td>{i.name}</td>
              <td>{i.memberIds.map(nameOf).join(', ') || '—'}</td>
              <td>
                <button className="link" onClick={() => setChanging({ kind: 'rename', inbox: i, value: i.name })}>
                  Rename {i.name}
                </button>{' '}
                <button className="link" onClick={() => setChanging({ kind: 'delete', inbox: i, value: '' })}>
                  Delete {i.name}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {changing && (
        <form className="settings-form" onSubmit={(e) => void change(e)} aria-label={changing.kind === 'rename' ? 'Rename inbox' : 'Delete inbox'}>
          {changing.kind === 'rename' ? (
            <label className="field">
              New name for {changing.inbox.name}
              <input value={changing.value} required maxLength={200} autoFocus onChange={(e) => setChanging({ ...changing, value: e.target.value })} />
            </label>
          ) : (
            <label className="field">
              Move its conversations to
              <NativeSelect size="xs" value={changing.value} onChange={(e) => setChanging({ ...changing, value: e.target.value })}>
                <option value="">(it has none)</option>
                {inboxes
                  .filter((other) => other.id !== changing.inbox.id)
                  .map((other) => (
                    <option key={other.id} value={other.id}>
                      {other.name}
                    </option>
                  ))}
              </NativeSelect>
            </label>
          )}
          <button type="submit">{changing.kind === 'rename' ? 'Save name' : `Delete ${changing.inbox.name}`}</button>
          <button type="button" onClick={() => setChanging(null)}>
            Cancel
          </button>
        </form>
      )}
      <form className="settings-form" onSubmit={create} aria-label="New inbox">
        <label className="field">
          New inbox name
          <input value={name} required maxLength={200} onChange={(e) => setName(e.target.value)} />
        </label>
        <button type="submit">Create inbox</button>
      </form>
      {feedback}
    </>
  );
}

function Members({ me, users, inbox, picker, onChanged }: { me: User; users: User[]; inbox: InboxWithMembers | null; picker: ReactNode; onChanged: () => Promise<void> }) {
  const [draft, setDraft] = useState<{ name: string; email: string; password: string; role: User['role'] }>({ name: '', email: '', password: '', role: 'agent' });
  const { run, feedback } = useAction();
  async function add(event: FormEvent) {
    event.preventDefault();
    if (await run(() => api('POST', '/users', draft), `${draft.name} added`)) {
      setDraft({ name: '', email: '', password: '', role: 'agent' });
      await onChanged();
    }
  }
  const change = async (action: () => Promise<unknown>, done: string) => {
    if (await run(action, done)) await onChanged();
  };
  const [editing, setEditing] = useState<User | null>(null);
  return (
    <>
      <h2>Members</h2>
      {picker}
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Phone</th>
            <th scope="col">Status</th>
            <th scope="col">In this inbox</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id}>
              <td>{u.name}</td>
              <td>{u.email}</td>
              <td>{u.role}</td>
              <td>{u.phoneNumber ?? '—'}</td>
              <td>{u.deactivated ? 'deactivated' : 'active'}</td>
              <td>
                {inbox?.memberIds.includes(u.id) ? (
                  <>
                    member{' '}
                    <button className="link" onClick={() => void change(() => api('DELETE', `/inboxes/${inbox.id}/members/${u.id}`), `${u.name} removed from ${inbox.name}`)}>
                      Remove {u.name} from inbox
                    </button>
                  </>
                ) : (
                  <button className="link" disabled={!inbox || u.deactivated} onClick={() => void change(() => api('POST', `/inboxes/${inbox!.id}/members`, { userId: u.id }), `${u.name} added to ${inbox!.name}`)}>
                    Add {u.name} to inbox
                  </button>
                )}
              </td>
              <td>
                <button className="link" onClick={() => setEditing(u)}>
                  Edit {u.name}
                </button>{' '}
                {u.id !== me.id && (
                  <button className="link" onClick={() => void change(() => api('PATCH', `/users/${u.id}`, { deactivated: !u.deactivated }), `${u.name} ${u.deactivated ? 'reactivated' : 'deactivated'}`)}>
                    {u.deactivated ? `Reactivate ${u.name}` : `Deactivate ${u.name}`}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing && (
        <MemberEditor
          key={editing.id}
          user={editing}
          onSave={async (save, done) => {
            if (await run(save, done)) {
              setEditing(null);
              await onChanged();
            }
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      <form className="settings-form" onSubmit={add} aria-label="New member">
        <label className="field">
          Name
          <input value={draft.name} required onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
        </label>
        <label className="field">
          Email
          <input type="email" value={draft.email} required onChange={(e) => setDraft({ ...draft, email: e.target.value })} />
        </label>
        <label className="field">
          Initial password
          <input type="password" value={draft.password} required minLength={8} autoComplete="new-password" onChange={(e) => setDraft({ ...draft, password: e.target.value })} />
        </label>
        <label className="field">
          Role
          <NativeSelect size="xs" value={draft.role} onChange={(e) => setDraft({ ...draft, role: e.target.value as User['role'] })}>
            <option value="agent">Agent</option>
            <option value="admin">Admin</option>
            <option value="superadmin">Super admin</option>
          </NativeSelect>
        </label>
        <button type="submit">Add member</button>
      </form>
      {feedback}
    </>
  );
}

const CHANNEL_FIELDS: Record<Channel['type'], [string, string, string?][]> = {
  email: [['address', 'Address (optional; one is generated)', 'email']],
  chat: [],
  form: [['fields', 'Fields (comma separated; * marks required)']],
  messenger: [
    ['pageId', 'Facebook page id'],
    ['appSecret', 'App secret', 'password'],
    ['pageAccessToken', 'Page access token', 'password'],
  ],
  phone: [
    ['phoneNumber', 'Phone number (E.164)'],
    ['authToken', 'Provider auth token', 'password'],
  ],
};

/** An admin changes a member's name, role, phone number and email digests. */
function MemberEditor({ user, onSave, onCancel }: { user: User; onSave: (save: () => Promise<unknown>, done: string) => Promise<void>; onCancel: () => void }) {
  const [name, setName] = useState(user.name);
  const [role, setRole] = useState(user.role);
  const [phoneNumber, setPhoneNumber] = useState(user.phoneNumber ?? '');
  const [digests, setDigests] = useState<boolean | null>(null);
  useEffect(() => {
    void api('GET', `/users/${user.id}/notification-preferences`).then((p) => setDigests(p.email), () => setDigests(null));
  }, [user.id]);

  function save(event: FormEvent) {
    event.preventDefault();
    const changes: Record<string, unknown> = { name, phoneNumber: phoneNumber.trim() || null };
    if (role !== user.role) changes.role = role;
    void onSave(async () => {
      await api('PATCH', `/users/${user.id}`, changes);
      if (digests !== null) await api('PUT', `/users/${user.id}/notification-preferences`, { email: digests });
    }, `${name} saved`);
  }

  return (
    <form className="settings-form" onSubmit={save} aria-label={`Edit ${user.name}`}>
      <label className="field">
        Name
        <input value={name} required maxLength={200} onChange={(e) => setName(e.target.value)} />
      </label>
      <label className="field">
        Role
        <NativeSelect size="xs" value={role} onChange={(e) => setRole(e.target.value as User['role'])}>
          <option value="agent">Agent</option>
          <option value="admin">Admin</option>
          <option value="superadmin">Super admin</option>
        </NativeSelect>
      </label>
      <label className="field">
        Phone for calls
        <input type="tel" placeholder="+4712345678" pattern="\+[1-9][0-9]{6,14}" value={phoneNumber} onChange={(e) => setPhoneNumber(e.target.value)} />
      </label>
      <label>
        <input type="checkbox" disabled={digests === null} checked={digests ?? false} onChange={(e) => setDigests(e.target.checked)} /> Email digests of unread notifications
      </label>
      <button type="submit">Save {user.name}</button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}

/** The settings a channel's type has, changed in place (PATCH /channels/:id); its address or id stays. */
function ChannelSettings({ channel, onSave, onCancel }: { channel: Channel; onSave: (changes: Record<string, unknown>) => Promise<void>; onCancel: () => void }) {
  const [signature, setSignature] = useState(channel.signature ?? '');
  const [preChatEmail, setPreChatEmail] = useState(channel.preChatEmail ?? 'optional');
  const [fields, setFields] = useState((channel.fields ?? []).map((f) => f.name + (f.required ? '*' : '')).join(', '));
  const [createTicket, setCreateTicket] = useState(channel.createTicket ?? false);
  const [ringStrategy, setRingStrategy] = useState(channel.ringStrategy ?? 'sequential');
  const [ringSeconds, setRingSeconds] = useState(String(channel.ringSeconds ?? 20));

  function changes(): Record<string, unknown> {
    switch (channel.type) {
      case 'email':
        return { signature };
      case 'chat':
        return { preChatEmail };
      case 'form':
        return {
          createTicket,
          fields: fields
            .split(',')
            .map((f) => f.trim())
            .filter(Boolean)
            .map((f) => ({ name: f.replace(/\*$/, ''), required: f.endsWith('*') })),
        };
      case 'phone':
        return { ringStrategy, ringSeconds: Number(ringSeconds) };
      default:
        return {};
    }
  }

  function save(event: FormEvent) {
    event.preventDefault();
    void onSave(changes());
  }

  if (channel.type === 'messenger') return <p className="muted">A Messenger channel's secrets are replaced through the API (PATCH /channels/{channel.id}).</p>;
  return (
    <form className="settings-form column" onSubmit={save} aria-label={`Settings of ${channel.name}`}>
      {channel.type === 'email' && (
        <label className="field">
          Signature under replies ({'{agent}'} is the sender's name)
          <textarea rows={4} maxLength={2000} value={signature} onChange={(e) => setSignature(e.target.value)} />
        </label>
      )}
      {channel.type === 'chat' && (
        <label className="field">
          Ask for an email before the chat
          <NativeSelect size="xs" value={preChatEmail} onChange={(e) => setPreChatEmail(e.target.value as typeof preChatEmail)}>
            <option value="off">No</option>
            <option value="optional">Optional</option>
            <option value="required">Required</option>
          </NativeSelect>
        </label>
      )}
      {channel.type === 'form' && (
        <>
          <label className="field">
            Fields (comma-separated, * for required)
            <input value={fields} onChange={(e) => setFields(e.target.value)} />
          </label>
          <label>
            <input type="checkbox" checked={createTicket} onChange={(e) => setCreateTicket(e.target.checked)} /> Open a ticket for each submission
          </label>
        </>
      )}
      {channel.type === 'phone' && (
        <>
          <label className="field">
            Ring the available agents
            <NativeSelect size="xs" value={ringStrategy} onChange={(e) => setRingStrategy(e.target.value as typeof ringStrategy)}>
              <option value="sequential">One after another</option>
              <option value="simultaneous">All at once</option>
            </NativeSelect>
          </label>
          <label className="field">
            Seconds each ring lasts
            <input type="number" min={5} max={120} required value={ringSeconds} onChange={(e) => setRingSeconds(e.target.value)} />
          </label>
        </>
      )}
      <div className="row">
        <button type="submit">Save settings</button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** What to do with a new channel, in words an admin can follow. */
function HowToConnect({ channel }: { channel: Channel }) {
  switch (channel.type) {
    case 'email':
      return (
        <p>
          Forward mail to <code>{channel.address}</code>, or point your provider's inbound webhook at the raw-email endpoint.
        </p>
      );
    case 'chat':
      return (
        <p>
          Paste on your website: <code>{`<script src="${channel.connectUrl}" data-widget-id="${channel.widgetId}" async></script>`}</code>
        </p>
      );
    case 'form':
      return (
        <p>
          Post your form to <code>{channel.connectUrl}</code> (fields: {channel.fields?.map((f) => f.name + (f.required ? '*' : '')).join(', ') || 'any'}).
        </p>
      );
    case 'messenger':
      return (
        <p>
          In your Meta app, set the webhook URL to <code>{channel.connectUrl}</code> with verify token <code>{channel.verifyToken}</code>.
        </p>
      );
    default:
      return (
        <p>
          Set the voice status callback of {channel.phoneNumber} to <code>{channel.connectUrl}</code>.
        </p>
      );
  }
}

function Channels({ inbox, picker }: { inbox: InboxWithMembers; picker: ReactNode }) {
  const [channels, setChannels] = useState<Channel[]>([]);
  const [type, setType] = useState<Channel['type']>('email');
  const [values, setValues] = useState<Record<string, string>>({ name: '' });
  const { run, feedback } = useAction();
  const load = useCallback(async () => setChannels((await api('GET', `/inboxes/${inbox.id}/channels`)).items), [inbox.id]);
  useEffect(() => void load(), [load]);

  async function create(event: FormEvent) {
    event.preventDefault();
    const body: Record<string, unknown> = { type, name: values.name };
    for (const [key] of CHANNEL_FIELDS[type]) {
      const value = values[key]?.trim();
      if (!value) continue;
      body[key] =
        key === 'fields'
          ? value
              .split(',')
              .map((f) => f.trim())
              .filter(Boolean)
              .map((f) => ({ name: f.replace(/\*$/, ''), required: f.endsWith('*') }))
          : value;
    }
    if (await run(() => api('POST', `/inboxes/${inbox.id}/channels`, body as BodyFor<'POST', `/inboxes/${string}/channels`>), `${type} channel “${values.name}” connected`)) {
      setValues({ name: '' });
      await load();
    }
  }

  // A deleted channel's conversations stay.
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  async function rename(event: FormEvent) {
    event.preventDefault();
    if (renaming && (await run(() => api('PATCH', `/channels/${renaming.id}`, { name: renaming.name }), `Channel renamed to “${renaming.name}”`))) {
      setRenaming(null);
      await load();
    }
  }
  async function remove(channel: Channel) {
    setDeleting(null);
    if (await run(() => api('DELETE', `/channels/${channel.id}`), `Channel “${channel.name}” deleted; its conversations stay in the inbox`)) await load();
  }

  return (
    <>
      <h2>Channels</h2>
      {picker}
      <ul className="channel-list">
        {channels.map((c) => (
          <li key={c.id}>
            {renaming?.id === c.id ? (
              <form className="settings-form" onSubmit={(e) => void rename(e)} aria-label={`Rename ${c.name}`}>
                <label className="field">
                  New name
                  <input value={renaming.name} required maxLength={200} autoFocus onChange={(e) => setRenaming({ ...renaming, name: e.target.value })} />
                </label>
                <button type="submit">Save name</button>
                <button type="button" onClick={() => setRenaming(null)}>
                  Cancel
                </button>
              </form>
            ) : (
              <>
                <strong>{c.name}</strong> <span className={`pill ${c.type}`}>{c.type}</span>{' '}
                <button className="link" onClick={() => setRenaming({ id: c.id, name: c.name })}>
                  Rename {c.name}
                </button>{' '}
                <button className="link" onClick={() => setEditing(editing === c.id ? null : c.id)} aria-expanded={editing === c.id}>
                  Settings of {c.name}
                </button>{' '}
                <button className="link" onClick={() => setDeleting(c.id)}>
                  Delete {c.name}
                </button>
              </>
            )}
            {editing === c.id && (
              <ChannelSettings
                channel={c}
                onSave={async (changes) => {
                  if (await run(() => api('PATCH', `/channels/${c.id}`, changes), `Settings of “${c.name}” saved`)) {
                    setEditing(null);
                    await load();
                  }
                }}
                onCancel={() => setEditing(null)}
              />
            )}
            {deleting === c.id && (
              <div role="alertdialog" aria-label={`Delete ${c.name}?`} className="notice">
                Delete {c.name}? Its conversations stay in the inbox, but nothing more arrives through it.{' '}
                <button onClick={() => void remove(c)}>Delete channel</button>{' '}
                <button onClick={() => setDeleting(null)}>Keep it</button>
              </div>
            )}
            <HowToConnect channel={c} />
          </li>
        ))}
        {channels.length === 0 && <li className="muted">No channels yet.</li>}
      </ul>
      <form className="settings-form" onSubmit={create} aria-label="New channel">
        <label className="field">
          Kind
          <NativeSelect size="xs" value={type} onChange={(e) => setType(e.target.value as Channel['type'])}>
            <option value="email">Email</option>
            <option value="chat">Live chat</option>
            <option value="form">Support form</option>
            <option value="messenger">Facebook Messenger</option>
            <option value="phone">Phone</option>
          </NativeSelect>
        </label>
        <label className="field">
          Channel name
          <input value={values.name} required onChange={(e) => setValues({ ...values, name: e.target.value })} />
        </label>
        {CHANNEL_FIELDS[type].map(([key, label, inputType]) => (
          <label key={key} className="field">
            {label}
            <input type={inputType ?? 'text'} value={values[key] ?? ''} onChange={(e) => setValues({ ...values, [key]: e.target.value })} />
          </label>
        ))}
        <button type="submit">Connect channel</button>
      </form>
      {feedback}
    </>
  );
}

type Rule = ResponseFor<'GET', `/inboxes/${string}/routing`>;

function Routing({ inbox, users, picker }: { inbox: InboxWithMembers; users: User[]; picker: ReactNode }) {
  const [rule, setRule] = useState<Rule | null>(null);
  const { run, feedback } = useAction();
  // A rule shown under another inbox's name would be saved onto that inbox: late answers are dropped.
  const beginLoad = useNewestLoad();
  useEffect(() => {
    setRule(null);
    const ticket = beginLoad();
    void api('GET', `/inboxes/${inbox.id}/routing`).then((loaded) => ticket.apply() && setRule(loaded));
  }, [inbox.id, beginLoad]);
  if (!rule) return <p className="empty">Loading…</p>;
  const members = users.filter((u) => inbox.memberIds.includes(u.id));
  const capacity = (kind: 'chat' | 'email') => (
    <label className="field">
      Capacity per agent, {kind}
      <input
        type="number"
        min={1}
        max={10000}
        placeholder="no limit"
        value={rule.capacity[kind] ?? ''}
        onChange={(e) => setRule({ ...rule, capacity: { ...rule.capacity, [kind]: e.target.value ? Number(e.target.value) : null } })}
      />
    </label>
  );
  async function save(event: FormEvent) {
    event.preventDefault();
    const cap = Object.fromEntries(Object.entries(rule!.capacity).filter(([, v]) => v !== null));
    await run(() => api('PUT', `/inboxes/${inbox.id}/routing`, { mode: rule!.mode, userIds: rule!.userIds, ...(Object.keys(cap).length ? { capacity: cap } : {}) }), 'Routing saved');
  }
  return (
    <form className="settings-form column" onSubmit={save} aria-label="Routing rule">
      <h2>Routing</h2>
      {picker}
      <fieldset>
        <legend>New conversations go to</legend>
        {(
          [
            ['none', 'Nobody: they wait in Unassigned'],
            ['round_robin', 'Available agents in turn (round robin)'],
            ['contact_owner', "The contact's owner"],
          ] as const
        ).map(([mode, label]) => (
          <label key={mode} className="choice">
            <input type="radio" name="mode" checked={rule.mode === mode} onChange={() => setRule({ ...rule, mode })} /> {label}
          </label>
        ))}
      </fieldset>
      {rule.mode === 'round_robin' && (
        <fieldset>
          <legend>Agents in the rotation (none ticked: every inbox member)</legend>
          {members.map((u) => (
            <label key={u.id} className="choice">
              <input
                type="checkbox"
                checked={rule.userIds.includes(u.id)}
                onChange={(e) => setRule({ ...rule, userIds: e.target.checked ? [...rule.userIds, u.id] : rule.userIds.filter((id) => id !== u.id) })}
              />{' '}
              {u.name}
            </label>
          ))}
          {members.length === 0 && <p className="muted">This inbox has no members yet (Members).</p>}
        </fieldset>
      )}
      {rule.mode !== 'none' && (
        <div className="row-fields">
          {capacity('chat')}
          {capacity('email')}
        </div>
      )}
      <button type="submit">Save routing</button>
      {feedback}
    </form>
  );
}

function WorkingHours({ me, users }: { me: User; users: User[] }) {
  const admin = me.role === 'admin' || me.role === 'superadmin';
  const [userId, setUserId] = useState(me.id);
  // Whose hours are loaded: another person's stay hidden until theirs arrive.
  const [loaded, setLoaded] = useState<{ path: string; hours: Hours } | null>(null);
  const { run, feedback } = useAction();
  const path = userId === me.id ? ('/me/working-hours' as const) : (`/users/${userId}/working-hours` as const);
  useEffect(() => {
    void api('GET', path).then((h) => setLoaded({ path, hours: h ?? { timeZone: localTimeZone(), periods: [] } }));
  }, [path]);
  const hours = loaded?.path === path ? loaded.hours : null;
  const setHours = (next: Hours) => setLoaded({ path, hours: next });
  const personPicker = admin && (
    <label className="field">
      Person
      <NativeSelect size="xs" value={userId} onChange={(e) => setUserId(e.target.value)}>
        {users.map((u) => (
          <option key={u.id} value={u.id}>
            {u.name}
          </option>
        ))}
      </NativeSelect>
    </label>
  );
  if (!hours)
    return (
      <>
        <h2>Working hours</h2>
        {personPicker}
        <p className="empty">Loading…</p>
      </>
    );
  return (
    <form
      className="settings-form column"
      aria-label="Working hours"
      onSubmit={(e) => {
        e.preventDefault();
        void run(() => api('PUT', path, hours), 'Working hours saved');
      }}
    >
      <h2>Working hours</h2>
      <p className="muted">Availability switches to available at the start of each period and to away at its end.</p>
      {personPicker}
      <HoursEditor hours={hours} onChange={setHours} />
      <div className="row-fields">
        <button type="submit">Save working hours</button>
      </div>
      {feedback}
    </form>
  );
}

const KIND_NAMES: Record<Snippet['kind'], string> = { snippet: 'Snippet', template: 'Template', article: 'Knowledge-base link' };
const EMPTY_SNIPPET = { id: '', kind: 'snippet' as Snippet['kind'], name: '', body: '' };

function ReplyLibrary() {
  const [snippets, setSnippets] = useState<Snippet[]>([]);
  const [draft, setDraft] = useState(EMPTY_SNIPPET);
  const { run, feedback } = useAction();
  const load = useCallback(async () => setSnippets((await api('GET', '/snippets')).items), []);
  useEffect(() => void load(), [load]);

  async function save(event: FormEvent) {
    event.preventDefault();
    const body = { kind: draft.kind, name: draft.name, body: draft.body };
    const saved = await run(() => (draft.id ? api('PUT', `/snippets/${draft.id}`, body) : api('POST', '/snippets', body)), `${KIND_NAMES[draft.kind]} “${draft.name}” saved`);
    if (saved) {
      setDraft(EMPTY_SNIPPET);
      forgetReplyLibrary();
      await load();
    }
  }
  async function remove(snippet: Snippet) {
    if (await run(() => api('DELETE', `/snippets/${snippet.id}`), `“${snippet.name}” removed`)) {
      forgetReplyLibrary();
      await load();
    }
  }

  return (
    <>
      <h2>Snippets and templates</h2>
      <p className="muted">
        Snippets are inserted where the cursor is; a template replaces the whole draft; knowledge-base links insert a link to the article. Use {'{{contact.name}}'}, {'{{contact.email}}'} and {'{{agent.name}}'} to fill
        in names.
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">Kind</th>
            <th scope="col">Name</th>
            <th scope="col">Text or link</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {snippets.map((s) => (
            <tr key={s.id}>
              <td>{KIND_NAMES[s.kind]}</td>
              <td>{s.name}</td>
              <td className="clip">{s.body}</td>
              <td className="actions">
                <button className="link" onClick={() => setDraft({ id: s.id, kind: s.kind, name: s.name, body: s.body })}>
                  Edit {s.name}
                </button>
                <button className="link" onClick={() => void remove(s)}>
                  Remove {s.name}
                </button>
              </td>
            </tr>
          ))}
          {snippets.length === 0 && (
            <tr>
              <td colSpan={4} className="muted">
                Nothing yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <form className="settings-form column" onSubmit={save} aria-label={draft.id ? 'Edit snippet' : 'New snippet'}>
        <div className="row-fields">
          <label className="field">
            Kind
            <NativeSelect size="xs" value={draft.kind} onChange={(e) => setDraft({ ...draft, kind: e.target.value as Snippet['kind'] })}>
              {Object.entries(KIND_NAMES).map(([kind, name]) => (
                <option key={kind} value={kind}>
                  {name}
                </option>
              ))}
            </NativeSelect>
          </label>
          <label className="field grow">
            Name
            <input value={draft.name} required maxLength={100} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
          </label>
        </div>
        <label className="field">
          {draft.kind === 'article' ? 'Article URL' : 'Text'}
          {draft.kind === 'article' ? (
            <input type="url" value={draft.body} required onChange={(e) => setDraft({ ...draft, body: e.target.value })} />
          ) : (
            <textarea value={draft.body} required rows={5} maxLength={20000} onChange={(e) => setDraft({ ...draft, body: e.target.value })} />
          )}
        </label>
        <div className="row-fields">
          <button type="submit">{draft.id ? 'Save changes' : 'Add to library'}</button>
          {draft.id && (
            <button type="button" onClick={() => setDraft(EMPTY_SNIPPET)}>
              Cancel
            </button>
          )}
        </div>
      </form>
      {feedback}
    </>
  );
}
