// Editing a contact: name, emails and phone numbers (the first of each is the primary one), the
// owner contact-owner routing assigns, and the properties admins defined; and merging another
// contact into this one. Nothing changes until Save or Merge; errors keep what was typed.
import { NativeSelect } from '@mantine/core';
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, api, type ResponseFor, type User } from './api';

export interface EditableContact {
  id: string;
  name: string;
  emails: string[];
  phones: string[];
  ownerId: string | null;
  properties: Record<string, string>;
}

type PropertyDefinition = ResponseFor<'GET', '/contact-properties'>['items'][number];

type Found = ResponseFor<'GET', '/contacts'>['items'][number];

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

function PropertyInput({ definition, value, onChange }: { definition: PropertyDefinition; value: string; onChange: (value: string) => void }) {
  if (definition.type === 'choice') {
    return (
      <NativeSelect size="xs" aria-label={definition.label} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">—</option>
        {definition.options.map((o) => (
          <option key={o}>{o}</option>
        ))}
      </NativeSelect>
    );
  }
  const type = definition.type === 'number' ? 'number' : definition.type === 'date' ? 'date' : 'text';
  return <input aria-label={definition.label} type={type} step={definition.type === 'number' ? 'any' : undefined} value={value} onChange={(e) => onChange(e.target.value)} />;
}

export function ContactEditor({ contact, users, onSaved, onClose }: { contact: EditableContact; users: User[]; onSaved: () => void; onClose: () => void }) {
  const [name, setName] = useState(contact.name);
  const [emails, setEmails] = useState(contact.emails.join('\n'));
  const [phones, setPhones] = useState(contact.phones.join('\n'));
  const [ownerId, setOwnerId] = useState(contact.ownerId ?? '');
  const [values, setValues] = useState<Record<string, string>>(contact.properties);
  const [definitions, setDefinitions] = useState<PropertyDefinition[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<Found[]>([]);
  const [merging, setMerging] = useState<Found | null>(null);

  useEffect(() => {
    void api('GET', '/contact-properties').then((r) => setDefinitions(r.items), () => setDefinitions([]));
  }, []);

  async function run(action: () => Promise<unknown>) {
    setError(null);
    try {
      await action();
      onSaved();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'could not save');
    }
  }

  function save(event: FormEvent) {
    event.preventDefault();
    const properties: Record<string, string | null> = {};
    for (const d of definitions) {
      const value = (values[d.key] ?? '').trim();
      if (value) properties[d.key] = value;
      else if (contact.properties[d.key] !== undefined) properties[d.key] = null;
    }
    void run(() => api('PATCH', `/contacts/${contact.id}`, { name, emails: lines(emails), phones: lines(phones), ownerId: ownerId || null, properties }));
  }

  async function find(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      const result = await api('GET', `/contacts?q=${encodeURIComponent(query.trim())}`);
      setFound(result.items.filter((c) => c.id !== contact.id));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'could not search');
    }
  }

  const label = (c: Found) => c.name || c.email || c.phone || c.id;
  const others = Object.entries(contact.properties).filter(([key]) => !definitions.some((d) => d.key === key));
  return (
    <div className="dialog-backdrop" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <section className="dialog settings-form column contact-editor" role="dialog" aria-modal="true" aria-label="Edit contact">
        <form className="column" onSubmit={save} aria-label="Contact details">
          <h2>Edit contact</h2>
          <label>
            Name <input autoFocus value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
          </label>
          <label>
            Emails <span className="muted">(one per line; replies go to the first)</span>
            <textarea rows={3} value={emails} onChange={(e) => setEmails(e.target.value)} />
          </label>
          <label>
            Phone numbers <span className="muted">(one per line)</span>
            <textarea rows={2} value={phones} onChange={(e) => setPhones(e.target.value)} />
          </label>
          <label>
            Owner
            <NativeSelect size="xs" value={ownerId} onChange={(e) => setOwnerId(e.target.value)}>
              <option value="">Nobody</option>
              {users
                .filter((u) => !u.deactivated || u.id === contact.ownerId)
                .map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name}
                  </option>
                ))}
            </NativeSelect>
          </label>
          {definitions.map((d) => (
            <label key={d.key}>
              {d.label} <PropertyInput definition={d} value={values[d.key] ?? ''} onChange={(value) => setValues({ ...values, [d.key]: value })} />
            </label>
          ))}
          {others.length > 0 && (
            <dl aria-label="Learned properties">
              {others.map(([key, value]) => (
                <div key={key} className="property">
                  <dt>{key}</dt>
                  <dd>{value}</dd>
                </div>
              ))}
            </dl>
          )}
          <div className="row">
            <button type="submit">Save contact</button>
            <button type="button" onClick={onClose}>
              Cancel
            </button>
          </div>
        </form>
        <form className="column" onSubmit={(e) => void find(e)} aria-label="Merge a contact">
          <h3>Merge another contact into this one</h3>
          <label>
            Find contact <input value={query} minLength={2} onChange={(e) => setQuery(e.target.value)} />
          </label>
          <button type="submit">Find</button>
          <ul>
            {found.map((c) => (
              <li key={c.id}>
                {label(c)} {c.email && <span className="muted">{c.email}</span>}{' '}
                <button type="button" onClick={() => setMerging(c)}>
                  Merge {label(c)}
                </button>
              </li>
            ))}
          </ul>
          {merging && (
            <div role="alertdialog" aria-label="Confirm merge" className="notice">
              <p>
                Merge {label(merging)} into {contact.name || contact.emails[0] || 'this contact'}? Their conversations, deals and addresses move here, and {label(merging)} is deleted.
              </p>
              <button type="button" onClick={() => void run(() => api('POST', `/contacts/${contact.id}/merge`, { otherContactId: merging.id }))}>
                Merge
              </button>
              <button type="button" onClick={() => setMerging(null)}>
                Keep both
              </button>
            </div>
          )}
        </form>
        {error && <p role="alert">{error}</p>}
      </section>
    </div>
  );
}
