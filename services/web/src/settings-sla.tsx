// Settings › Service levels: an inbox's targets in minutes (empty: none), counted in business
// hours or around the clock, and whether resolution pauses while waiting on the customer.
import { NativeSelect } from '@mantine/core';
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { api, type ResponseFor } from './api';
import { HoursEditor, localTimeZone, type Hours } from './hours-editor';
import { useAction } from './use-action';

type Policy = NonNullable<ResponseFor<'GET', `/inboxes/${string}/sla`>>;

const TARGETS: [keyof Pick<Policy, 'firstResponseMinutes' | 'nextResponseMinutes' | 'resolutionMinutes'>, string][] = [
  ['firstResponseMinutes', 'First response (minutes)'],
  ['nextResponseMinutes', 'Next response (minutes)'],
  ['resolutionMinutes', 'Resolution (minutes)'],
];
const WEEKDAYS_9_TO_5: Hours['periods'] = [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' }));

export function ServiceLevels({ inbox, picker }: { inbox: { id: string; name: string }; picker: ReactNode }) {
  // The inbox's policy, or a team's (its conversations follow the team's instead).
  const [teams, setTeams] = useState<{ id: string; name: string }[]>([]);
  const [teamId, setTeamId] = useState('');
  useEffect(() => {
    void api('GET', '/teams').then((r) => setTeams(r.items), () => setTeams([]));
  }, []);
  const team = teams.find((t) => t.id === teamId);
  const path = team ? (`/teams/${team.id}/sla` as const) : (`/inboxes/${inbox.id}/sla` as const);
  const whose = team ? `team “${team.name}”` : `“${inbox.name}”`;
  const [loaded, setLoaded] = useState<{ path: string; exists: boolean; minutes: Record<string, string>; hours: Hours | null; pause: boolean } | null>(null);
  const { run, feedback } = useAction();
  useEffect(() => {
    void api('GET', path).then(
      (p) =>
        setLoaded({
          path,
          exists: p !== null,
          minutes: Object.fromEntries(TARGETS.map(([key]) => [key, p?.[key] ? String(p[key]) : ''])),
          hours: p?.businessHours ?? null,
          pause: p?.pauseWhileWaitingOnCustomer ?? false,
        }),
      () => setLoaded(null),
    );
  }, [path]);
  const form = loaded?.path === path ? loaded : null;

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!form) return;
    const body = {
      ...Object.fromEntries(TARGETS.map(([key]) => [key, form.minutes[key] ? Number(form.minutes[key]) : null])),
      businessHours: form.hours,
      pauseWhileWaitingOnCustomer: form.pause,
    };
    if (await run(() => api('PUT', path, body), `Service levels of ${whose} saved`)) setLoaded({ ...form, exists: true });
  }

  async function remove() {
    if (form && (await run(() => api('DELETE', path), `${whose} has no service levels now`))) {
      setLoaded({ ...form, exists: false, minutes: { firstResponseMinutes: '', nextResponseMinutes: '', resolutionMinutes: '' } });
    }
  }

  return (
    <>
      <h2>Service levels</h2>
      {picker}
      <label className="field">
        Applies to
        <NativeSelect size="xs" value={teamId} onChange={(e) => setTeamId(e.target.value)}>
          <option value="">The inbox “{inbox.name}”</option>
          {teams.map((t) => (
            <option key={t.id} value={t.id}>
              Team “{t.name}” (in every inbox)
            </option>
          ))}
        </NativeSelect>
      </label>
      {!form ? (
        <p className="empty">Loading…</p>
      ) : (
        <form className="settings-form column" aria-label="Service levels" onSubmit={(e) => void save(e)}>
          <p className="muted">Conversations show when their target is due: amber once three quarters of the time is used, red when it has passed. The owner, or the admins while nobody owns it, is told of a breach.</p>
          {TARGETS.map(([key, label]) => (
            <label className="field" key={key}>
              {label}
              <input type="number" min={1} max={525600} value={form.minutes[key]} onChange={(e) => setLoaded({ ...form, minutes: { ...form.minutes, [key]: e.target.value } })} />
            </label>
          ))}
          <label>
            <input type="checkbox" checked={form.hours !== null} onChange={(e) => setLoaded({ ...form, hours: e.target.checked ? { timeZone: localTimeZone(), periods: WEEKDAYS_9_TO_5 } : null })} /> Count only business
            hours
          </label>
          {form.hours && <HoursEditor hours={form.hours} onChange={(hours) => setLoaded({ ...form, hours })} />}
          <label>
            <input type="checkbox" checked={form.pause} onChange={(e) => setLoaded({ ...form, pause: e.target.checked })} /> Pause resolution while waiting on the customer
          </label>
          <div className="row-fields">
            <button type="submit">Save service levels</button>
            {form.exists && (
              <button type="button" onClick={() => void remove()}>
                Remove service levels
              </button>
            )}
          </div>
          {feedback}
        </form>
      )}
    </>
  );
}
