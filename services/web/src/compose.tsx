// A new outbound email from the inbox: it starts a conversation that waits in Sent until the
// contact replies. Nothing is sent until Send; errors keep what was typed.
import { useEffect, useRef, useState } from 'react';
import { ApiError, api } from './api';
import { addressList } from './editor';

export function ComposeDialog({ inboxId, onClose, onSent }: { inboxId: string; onClose: () => void; onSent: (conversationId: string) => void }) {
  const [to, setTo] = useState('');
  const [cc, setCc] = useState('');
  const [bcc, setBcc] = useState('');
  const [subject, setSubject] = useState('');
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const first = useRef<HTMLInputElement | null>(null);
  useEffect(() => first.current?.focus(), []);

  async function send(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    setSending(true);
    try {
      const copies = { ...(cc.trim() ? { cc: addressList(cc) } : {}), ...(bcc.trim() ? { bcc: addressList(bcc) } : {}) };
      const created = await api('POST', '/conversations', { inboxId, to: to.trim(), ...copies, subject, text });
      onSent(created.id);
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : 'could not send');
    } finally {
      setSending(false);
    }
  }

  return (
    <div className="dialog-backdrop" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <form className="dialog settings-form column compose" role="dialog" aria-modal="true" aria-label="New email" onSubmit={(e) => void send(e)}>
        <h2>New email</h2>
        <label>
          To <input ref={first} type="email" required value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        <label>
          Cc <input value={cc} placeholder="addresses" onChange={(e) => setCc(e.target.value)} />
        </label>
        <label>
          Bcc <input value={bcc} placeholder="addresses" onChange={(e) => setBcc(e.target.value)} />
        </label>
        <label>
          Subject <input value={subject} maxLength={998} onChange={(e) => setSubject(e.target.value)} />
        </label>
        <label>
          Message <textarea required rows={8} value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        {error && <p role="alert">{error}</p>}
        <div className="row">
          <button type="submit" disabled={sending}>
            {sending ? 'Sending…' : 'Send'}
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}
