// Weekly hours in a time zone, edited as a list of periods: people's working hours and an inbox's
// business hours for its service levels.
import { NativeSelect } from '@mantine/core';
export interface Hours {
  timeZone: string;
  periods: { day: number; start: string; end: string }[];
}

export const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
export const localTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

export function HoursEditor({ hours, onChange }: { hours: Hours; onChange: (hours: Hours) => void }) {
  const setPeriod = (index: number, change: Partial<Hours['periods'][number]>) => onChange({ ...hours, periods: hours.periods.map((p, i) => (i === index ? { ...p, ...change } : p)) });
  return (
    <>
      <label className="field">
        Time zone
        <input value={hours.timeZone} required onChange={(e) => onChange({ ...hours, timeZone: e.target.value })} />
      </label>
      {hours.periods.map((p, i) => (
        <div className="row-fields" key={i} role="group" aria-label={`Period ${i + 1}`}>
          <NativeSelect size="xs" aria-label="Day" value={p.day} onChange={(e) => setPeriod(i, { day: Number(e.target.value) })}>
            {DAYS.map((d, n) => (
              <option key={d} value={n}>
                {d}
              </option>
            ))}
          </NativeSelect>
          <input aria-label="From" type="time" value={p.start} required onChange={(e) => setPeriod(i, { start: e.target.value })} />
          <input aria-label="To" type="time" value={p.end} required onChange={(e) => setPeriod(i, { end: e.target.value })} />
          <button type="button" className="link" onClick={() => onChange({ ...hours, periods: hours.periods.filter((_, n) => n !== i) })}>
            Remove period {i + 1}
          </button>
        </div>
      ))}
      <div className="row-fields">
        <button type="button" onClick={() => onChange({ ...hours, periods: [...hours.periods, { day: 1, start: '09:00', end: '17:00' }] })}>
          Add period
        </button>
      </div>
    </>
  );
}
