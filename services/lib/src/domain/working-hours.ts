// Working hours in the user's own time zone. Local weekday and time come from Intl, so
// daylight-saving changes move the boundaries with the wall clock, as people expect.
import { InvalidArgumentError } from './errors';

export interface WorkingPeriod {
  day: number;
  start: string;
  end: string;
}

export interface WorkingHours {
  timeZone: string;
  periods: WorkingPeriod[];
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

function minutes(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return h * 60 + m;
}

export function validateWorkingHours(hours: WorkingHours): WorkingHours {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: hours.timeZone });
  } catch {
    throw new InvalidArgumentError('invalid_time_zone', `unknown time zone ${hours.timeZone}`);
  }
  if (hours.periods.length > 50) throw new InvalidArgumentError('too_many_periods', 'at most 50 periods');
  for (const p of hours.periods) {
    if (!Number.isInteger(p.day) || p.day < 0 || p.day > 6) throw new InvalidArgumentError('invalid_period', 'day must be 0 (Sunday) to 6 (Saturday)');
    if (!TIME.test(p.start) || (!TIME.test(p.end) && p.end !== '24:00')) throw new InvalidArgumentError('invalid_period', 'times are HH:MM');
    if (minutes(p.end) <= minutes(p.start)) throw new InvalidArgumentError('invalid_period', 'a period ends after it starts');
  }
  return hours;
}

/** The weekday (0 = Sunday) and minute of the day at `at` in the time zone. */
export function localTime(timeZone: string, at: Date): { day: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return { day: WEEKDAYS[get('weekday')], minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

export function isWithinWorkingHours(hours: WorkingHours, at: Date): boolean {
  const { day, minute } = localTime(hours.timeZone, at);
  return hours.periods.some((p) => p.day === day && minute >= minutes(p.start) && minute < minutes(p.end));
}
