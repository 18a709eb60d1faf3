// Time counted in business hours: the open intervals of a week's periods in a time zone, as UTC
// instants. Wall times are converted with Intl, so a daylight-saving change moves the intervals
// with the local clock (an 08:00–16:00 day stays eight hours on either side of it).
import type { WorkingHours } from './working-hours';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** How far ahead intervals are looked for before giving up (hours with no periods never open). */
const HORIZON_DAYS = 800;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local calendar fields at an instant. */
function localFields(timeZone: string, at: number): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const parts = formatter(timeZone).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** The zone's offset from UTC at an instant, in ms (local minus UTC). */
function offsetAt(timeZone: string, at: number): number {
  const f = localFields(timeZone, at);
  return Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second) - Math.floor(at / 1000) * 1000;
}

/** The instant a local wall time (minutes after midnight of a local date) happens; a time skipped by a change lands just after it. */
function wallTimeToInstant(timeZone: string, year: number, month: number, day: number, minuteOfDay: number): number {
  const naive = Date.UTC(year, month - 1, day) + minuteOfDay * MINUTE;
  const first = naive - offsetAt(timeZone, naive);
  const second = naive - offsetAt(timeZone, first);
  return second;
}

const minutesOf = (time: string) => {
  const [h, m] = time.split(':').map(Number);
  return h * 60 + m;
};

/** The open intervals [start, end) in UTC ms, in order, from the local day before `from` onwards. */
function* openIntervals(hours: WorkingHours, from: number): Generator<[number, number]> {
  const start = localFields(hours.timeZone, from);
  for (let i = -1; i < HORIZON_DAYS; i += 1) {
    const date = new Date(Date.UTC(start.year, start.month - 1, start.day) + i * DAY);
    const [y, m, d, weekday] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCDay()];
    const periods = hours.periods
      .filter((p) => p.day === weekday)
      .map((p) => [minutesOf(p.start), minutesOf(p.end)] as const)
      .sort((a, b) => a[0] - b[0]);
    let open: [number, number] | null = null;
    for (const [s, e] of periods) {
      if (open && s <= open[1]) open[1] = Math.max(open[1], e);
      else {
        if (open) yield [wallTimeToInstant(hours.timeZone, y, m, d, open[0]), wallTimeToInstant(hours.timeZone, y, m, d, open[1])];
        open = [s, e];
      }
    }
    if (open) yield [wallTimeToInstant(hours.timeZone, y, m, d, open[0]), wallTimeToInstant(hours.timeZone, y, m, d, open[1])];
  }
}

/** The moment `ms` of business time after `from` (around the clock when hours is null); null when the hours never open. */
export function addBusinessTime(hours: WorkingHours | null, from: Date, ms: number): Date | null {
  if (!hours) return new Date(from.getTime() + ms);
  let left = Math.max(0, ms);
  for (const [a, b] of openIntervals(hours, from.getTime())) {
    if (b <= from.getTime()) continue;
    const begin = Math.max(a, from.getTime());
    if (left <= b - begin) return new Date(begin + left);
    left -= b - begin;
  }
  return null;
}

/** The business time between two moments, in ms (around the clock when hours is null). */
export function businessTimeBetween(hours: WorkingHours | null, from: Date, to: Date): number {
  if (to <= from) return 0;
  if (!hours) return to.getTime() - from.getTime();
  let total = 0;
  for (const [a, b] of openIntervals(hours, from.getTime())) {
    if (a >= to.getTime()) break;
    total += Math.max(0, Math.min(b, to.getTime()) - Math.max(a, from.getTime()));
  }
  return total;
}
