// The right sidebar: who the customer is (contact, company, what we learned about them), their
// other conversations, this conversation's tickets, and deals with them; the full record opens in
// a dialog, and the conversation can be detached from the contact.
import { NativeSelect } from '@mantine/core';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { ApiError, api, type ResponseFor, type User } from './api';
import { ContactEditor } from './contact-editor';
import { useNewestLoad } from './latest';

type Contact = ResponseFor<'GET', `/contacts/${string}`>;
type Deal = Contact['deals'][number];
type Ticket = ResponseFor<'GET', `/conversations/${string}/tickets`>['items'][number];

const stars = (score: number) => `${'★'.repeat(score)}${'☆'.repeat(5 - score)}`;
const STAGES: Deal['stage'][] = ['open', 'qualified', 'proposal', 'won', 'lost'];

function DealList({ deals, onStage }: { deals: Deal[]; onStage?: (deal: Deal, stage: Deal['stage']) => void }) {
  return (
    <ul>
      {deals.map((d) => (
        <li key={d.id}>
          {d.name} <span className="muted">{money(d)}</span>{' '}
          {onStage ? (
            <NativeSelect size="xs" aria-label={`Stage of ${d.name}`} value={d.stage} onChange={(e) => onStage(d, e.target.value as Deal['stage'])}>
              {STAGES.map((stage) => (
                <option key={stage}>{stage}</option>
              ))}
            </NativeSelect>
          ) : (
            <span className="muted">· {d.stage}</span>
          )}
        </li>
      ))}
    </ul>
  );
}

const money = (deal: Deal) => new Intl.NumberFormat(undefined, { style: 'currency', currency: deal.currency }).format(deal.amount / 100);
export function ContactPanel({
  conversationId,
  contactId,
  onOpen,
  onChanged,
  onSearchContact,
  users,
}: {
  conversationId: string;
  contactId: string | null;
  onOpen: (id: string) => void;
  onChanged: () => void;
  onSearchContact: (contact: { id: string; name: string }) => void;
  users: User[];
}) {
  const [editing, setEditing] = useState(false);
  const [contact, setContact] = useState<Contact | null>(null);
  const [tickets, setTickets] = useState<Ticket[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [recordOpen, setRecordOpen] = useState(false);
  const [deal, setDeal] = useState<{ name: string; amount: string; currency: string } | null>(null);

  // Moving to another conversation starts new loads: a late answer about the previous one is dropped.
  const beginContact = useNewestLoad();
  const beginTickets = useNewestLoad();
  const loadContact = useCallback(() => {
    const ticket = beginContact();
    if (!contactId) return;
    void api('GET', `/contacts/${contactId}`).then(
      (loaded) => ticket.apply() && setContact(loaded),
      () => ticket.apply() && setContact(null),
    );
  }, [contactId, beginContact]);
  useEffect(() => {
    setContact(null);
    loadContact();
    const ticket = beginTickets();
    void api('GET', `/conversations/${conversationId}/tickets`).then(
      (r) => ticket.apply() && setTickets(r.items),
      () => !ticket.superseded() && setTickets([]),
    );
  }, [conversationId, loadContact, beginTickets]);

  async function run(action: () => Promise<unknown>) {
    setError(null);
    try {
      await action();
      return true;
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'failed');
      return false;
    }
  }

  async function createDeal(event: FormEvent) {
    event.preventDefault();
    const amount = Math.round(Number(deal!.amount.replace(',', '.') || '0') * 100);
    const created = await run(() => api('POST', `/contacts/${contactId}/deals`, { name: deal!.name, amount, currency: deal!.currency, conversationId }));
    if (created) {
      setDeal(null);
      loadContact();
    }
  }

  async function detach() {
    if (await run(() => api('POST', `/conversations/${conversationId}/detach-contact`))) {
      setContact(null);
      onChanged();
    }
  }

  async function createTicket() {
    setError(null);
    try {
      const ticket = await api('POST', `/conversations/${conversationId}/tickets`, { title: '' });
      setTickets((current) => [...current, ticket]);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'could not create the ticket');
    }
  }

  const others = contact?.conversations.filter((c) => c.id !== conversationId) ?? [];
  return (
    <aside className="contact-panel" id="contact-panel" aria-label="Contact">
      {contact ? (
        <section>
          <h3>{contact.name || contact.email || contact.phone || 'Unknown contact'}</h3>
          <div className="contact-actions">
            <button className="link" onClick={() => setRecordOpen(true)}>
              Open contact record
            </button>
            <button className="link" onClick={() => setEditing(true)}>
              Edit contact
            </button>
            <button className="link" onClick={() => onSearchContact({ id: contact.id, name: contact.name || contact.email || contact.phone || 'contact' })}>
              Search their conversations
            </button>
            <button className="link" onClick={() => void detach()}>
              Detach from conversation
            </button>
          </div>
          <dl>
            {contact.emails.length > 0 && (
              <>
                <dt>Email</dt>
                {contact.emails.map((e) => (
                  <dd key={e}>{e}</dd>
                ))}
              </>
            )}
            {contact.phones.length > 0 && (
              <>
                <dt>Phone</dt>
                {contact.phones.map((p) => (
                  <dd key={p}>{p}</dd>
                ))}
              </>
            )}
            {contact.ownerId && (
              <>
                <dt>Owner</dt>
                <dd>{users.find((u) => u.id === contact.ownerId)?.name ?? 'Someone'}</dd>
              </>
            )}
            {contact.company && (
              <>
                <dt>Company</dt>
                <dd>{contact.company.name}</dd>
              </>
            )}
            {Object.entries(contact.properties).map(([key, value]) => (
              <div key={key} className="property">
                <dt>{key}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
        </section>
      ) : (
        <p className="muted">No contact</p>
      )}
      <section aria-label="Other conversations">
        <h4>Other conversations</h4>
        {others.length === 0 ? (
          <p className="muted">None</p>
        ) : (
          <ul>
            {others.slice(0, 10).map((c) => (
              <li key={c.id}>
                <button className="link" onClick={() => onOpen(c.id)}>
                  {c.subject || c.preview || c.channel}
                </button>{' '}
                <span className="muted">{c.status}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-label="Tickets">
        <h4>Tickets</h4>
        <ul>
          {tickets.map((t) => (
            <li key={t.id}>
              {t.title || 'Ticket'} <span className="muted">{t.status}</span>
            </li>
          ))}
        </ul>
        <button onClick={() => void createTicket()}>Create ticket</button>
      </section>
      {contact && (
        <section aria-label="Deals">
          <h4>Deals</h4>
          <DealList
            deals={contact.deals}
            onStage={(d, stage) =>
              void run(() => api('PATCH', `/deals/${d.id}`, { stage })).then((ok) => {
                if (ok) loadContact();
              })
            }
          />
          {deal ? (
            <form className="deal-form" onSubmit={(e) => void createDeal(e)} aria-label="New deal">
              <label className="field">
                Deal name
                <input value={deal.name} required maxLength={200} autoFocus onChange={(e) => setDeal({ ...deal, name: e.target.value })} />
              </label>
              <div className="row-fields">
                <label className="field">
                  Amount
                  <input inputMode="decimal" pattern="[0-9]+([.,][0-9]{1,2})?" value={deal.amount} onChange={(e) => setDeal({ ...deal, amount: e.target.value })} />
                </label>
                <label className="field">
                  Currency
                  <input value={deal.currency} required pattern="[A-Za-z]{3}" maxLength={3} size={4} onChange={(e) => setDeal({ ...deal, currency: e.target.value.toUpperCase() })} />
                </label>
              </div>
              <div className="row-fields">
                <button type="submit">Save deal</button>
                <button type="button" onClick={() => setDeal(null)}>
                  Cancel
                </button>
              </div>
            </form>
          ) : (
            <button onClick={() => setDeal({ name: '', amount: '', currency: 'EUR' })}>Create deal</button>
          )}
        </section>
      )}
      {contact && (
        <section aria-label="Past feedback">
          <h4>Past feedback</h4>
          {contact.feedback.length === 0 ? (
            <p className="muted">No survey answers yet</p>
          ) : (
            <ul>
              {contact.feedback.map((f) => (
                <li key={`${f.conversationId}-${f.answeredAt}`}>
                  {f.question === 'nps' ? (
                    <span className="nps-score">NPS {f.score} of 10</span>
                  ) : (
                    <span role="img" aria-label={`${f.score} of 5`}>
                      {stars(f.score)}
                    </span>
                  )}{' '}
                  <span className="muted">{f.subject}</span>
                  {f.comment && <q className="feedback-comment">{f.comment}</q>}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      {error && <p role="alert">{error}</p>}
      {editing && contact && (
        <ContactEditor
          contact={contact}
          users={users}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            loadContact();
            onChanged();
          }}
        />
      )}
      {recordOpen && contact && <ContactRecord contact={contact} onOpen={(id) => (setRecordOpen(false), onOpen(id))} onClose={() => setRecordOpen(false)} />}
    </aside>
  );
}

/** The whole contact record: details, everything we learned, every conversation, ticket and deal. */
function ContactRecord({ contact, onOpen, onClose }: { contact: Contact; onOpen: (id: string) => void; onClose: () => void }) {
  return (
    <div className="dialog-backdrop" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <section className="dialog contact-record" role="dialog" aria-modal="true" aria-label="Contact record">
        <header className="record-head">
          <h2>{contact.name || contact.email || contact.phone || 'Unknown contact'}</h2>
          <button autoFocus onClick={onClose}>
            Close record
          </button>
        </header>
        <dl>
          {(
            [
              ['Email', contact.email],
              ['Phone', contact.phone],
              ['Company', contact.company ? `${contact.company.name} (${contact.company.domain})` : null],
              ['Known since', new Date(contact.createdAt).toLocaleDateString()],
              ...Object.entries(contact.properties),
            ] as [string, string | null][]
          )
            .filter(([, value]) => value)
            .map(([key, value]) => (
              <div key={key} className="property">
                <dt>{key}</dt>
                <dd>{value}</dd>
              </div>
            ))}
        </dl>
        <h3>Conversations ({contact.conversations.length})</h3>
        <ul>
          {contact.conversations.map((c) => (
            <li key={c.id}>
              <button className="link" onClick={() => onOpen(c.id)}>
                {c.subject || c.preview || c.channel}
              </button>{' '}
              <span className="muted">
                {c.channel} · {c.status} · {new Date(c.lastMessageAt).toLocaleDateString()}
              </span>
            </li>
          ))}
        </ul>
        <h3>Tickets ({contact.tickets.length})</h3>
        <ul>
          {contact.tickets.map((t) => (
            <li key={t.id}>
              {t.title} <span className="muted">{t.status}</span>
            </li>
          ))}
        </ul>
        <h3>Deals ({contact.deals.length})</h3>
        <DealList deals={contact.deals} />
      </section>
    </div>
  );
}
