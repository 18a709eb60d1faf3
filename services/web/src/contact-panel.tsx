// The right sidebar: who the customer is (contact, company, what we learned about them), their
// other conversations, and this conversation's tickets.
import { useEffect, useState } from 'react';
import { ApiError, api, type ConversationItem } from './api';

interface Contact {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  company: { id: string; name: string; domain: string } | null;
  properties: Record<string, string>;
  conversations: ConversationItem[];
}
interface Ticket {
  id: string;
  title: string;
  status: string;
}

export function ContactPanel({ conversationId, contactId, onOpen }: { conversationId: string; contactId: string | null; onOpen: (id: string) => void }) {
  const [contact, setContact] = useState<Contact | null>(null);
  const [tickets, setTickets] = useState<Ticket[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setContact(null);
    if (contactId) void api<Contact>('GET', `/contacts/${contactId}`).then(setContact, () => setContact(null));
    void api<{ items: Ticket[] }>('GET', `/conversations/${conversationId}/tickets`).then((r) => setTickets(r.items), () => setTickets([]));
  }, [conversationId, contactId]);

  async function createTicket() {
    setError(null);
    try {
      const ticket = await api<Ticket>('POST', `/conversations/${conversationId}/tickets`, { title: '' });
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
          <dl>
            {contact.email && (
              <>
                <dt>Email</dt>
                <dd>{contact.email}</dd>
              </>
            )}
            {contact.phone && (
              <>
                <dt>Phone</dt>
                <dd>{contact.phone}</dd>
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
        {error && <p role="alert">{error}</p>}
      </section>
    </aside>
  );
}
