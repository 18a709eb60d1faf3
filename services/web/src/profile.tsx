// The signed-in person's own profile: their name as colleagues see it and the phone number inbound
// calls ring them on (PATCH /me). Working hours and notification preferences have their own
// places; role and status are for admins.
import { useState, type FormEvent } from 'react';
import { ApiError, api, type User } from './api';

export function ProfileDialog({ user, onSaved, onClose }: { user: User; onSaved: (user: User) => void; onClose: () => void }) {
  const [name, setName] = useState(user.name);
  const [phoneNumber, setPhoneNumber] = useState(user.phoneNumber ?? '');
  const [error, setError] = useState<string | null>(null);

  async function save(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      onSaved(await api('PATCH', '/me', { name, phoneNumber: phoneNumber.trim() || null }));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'could not save');
    }
  }

  return (
    <div className="dialog-backdrop" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <form className="dialog settings-form column" role="dialog" aria-modal="true" aria-label="Your profile" onSubmit={(e) => void save(e)}>
        <h2>Your profile</h2>
        <label>
          Your name <input autoFocus required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Phone number for calls{' '}
          <input
            type="tel"
            placeholder="+4712345678"
            pattern="\+[1-9][0-9]{6,14}"
            title="In international form, e.g. +4712345678"
            value={phoneNumber}
            onChange={(e) => setPhoneNumber(e.target.value)}
          />
        </label>
        <p className="muted">Inbound calls to your inboxes ring this number while you are available. Leave it empty not to be rung.</p>
        <p className="muted">
          {user.email} · {user.role}
        </p>
        {error && <p role="alert">{error}</p>}
        <div className="row">
          <button type="submit">Save profile</button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}
