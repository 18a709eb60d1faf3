// The availability toggle: available agents get new conversations from routing, away agents none.
import { NativeSelect } from '@mantine/core';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type User } from './api';
import { useRealtime } from './realtime';

type Status = 'available' | 'away';

export function AvailabilityToggle({ user }: { user: User }) {
  const [status, setStatus] = useState<Status | null>(null);
  // Every change bumps this; an answer that arrives after a newer change is stale and ignored.
  const latest = useRef(0);

  const load = useCallback(() => {
    const mine = ++latest.current;
    api('GET', '/me/availability')
      .then((r) => mine === latest.current && setStatus(r.status))
      .catch(() => undefined);
  }, []);

  useEffect(load, [load]);

  // Working hours (or an admin) may change it too; on (re)connecting, whatever changed meanwhile is fetched.
  useRealtime((frame) => {
    if (frame.type === 'hello') load();
    if (frame.type === 'availability.changed' && frame.userId === user.id) {
      latest.current += 1;
      setStatus(frame.availability as Status);
    }
  });

  if (!status) return null;
  return (
    <NativeSelect size="xs"
      aria-label="Availability"
      className={`availability ${status}`}
      value={status}
      onChange={(e) => {
        const next = e.target.value as Status;
        const mine = ++latest.current;
        setStatus(next);
        void api('PUT', '/me/availability', { status: next }).then((r) => mine === latest.current && setStatus(r.status));
      }}
    >
      <option value="available">Available</option>
      <option value="away">Away</option>
    </NativeSelect>
  );
}
