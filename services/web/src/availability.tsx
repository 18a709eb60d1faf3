// The availability toggle: available agents get new conversations from routing, away agents none.
import { useEffect, useState } from 'react';
import { api, type User } from './api';
import { useRealtime } from './realtime';

type Status = 'available' | 'away';

export function AvailabilityToggle({ user }: { user: User }) {
  const [status, setStatus] = useState<Status | null>(null);

  useEffect(() => {
    api<{ status: Status }>('GET', '/me/availability')
      .then((r) => setStatus(r.status))
      .catch(() => setStatus(null));
  }, []);

  // Working hours (or an admin) may change it too.
  useRealtime((frame) => {
    if (frame.type === 'availability.changed' && frame.userId === user.id) setStatus(frame.availability as Status);
  });

  if (!status) return null;
  return (
    <select
      aria-label="Availability"
      className={`availability ${status}`}
      value={status}
      onChange={(e) => {
        const next = e.target.value as Status;
        void api<{ status: Status }>('PUT', '/me/availability', { status: next }).then((r) => setStatus(r.status));
      }}
    >
      <option value="available">Available</option>
      <option value="away">Away</option>
    </select>
  );
}
