import { isWithinWorkingHours, localTime, validateWorkingHours } from './working-hours';

const oslo = { timeZone: 'Europe/Oslo', periods: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })) };

describe('working hours', () => {
  it('flips at the boundaries in the user’s time zone', () => {
    // Winter: Oslo is UTC+1. Monday 2026-01-05.
    expect(isWithinWorkingHours(oslo, new Date('2026-01-05T07:59:00Z'))).toBe(false);
    expect(isWithinWorkingHours(oslo, new Date('2026-01-05T08:00:00Z'))).toBe(true);
    expect(isWithinWorkingHours(oslo, new Date('2026-01-05T15:59:00Z'))).toBe(true);
    expect(isWithinWorkingHours(oslo, new Date('2026-01-05T16:00:00Z'))).toBe(false);
    // Saturday is not a working day.
    expect(isWithinWorkingHours(oslo, new Date('2026-01-10T10:00:00Z'))).toBe(false);
  });

  it('follows a daylight-saving change: the same wall-clock hours, a different UTC instant', () => {
    // Summer time starts Sunday 2026-03-29 in Europe; Monday 2026-03-30 Oslo is UTC+2.
    expect(isWithinWorkingHours(oslo, new Date('2026-03-30T06:59:00Z'))).toBe(false);
    expect(isWithinWorkingHours(oslo, new Date('2026-03-30T07:00:00Z'))).toBe(true);
    expect(isWithinWorkingHours(oslo, new Date('2026-03-30T14:59:00Z'))).toBe(true);
    expect(isWithinWorkingHours(oslo, new Date('2026-03-30T15:00:00Z'))).toBe(false);
    // The Friday before, still UTC+1.
    expect(isWithinWorkingHours(oslo, new Date('2026-03-27T07:30:00Z'))).toBe(false);
    expect(isWithinWorkingHours(oslo, new Date('2026-03-27T08:00:00Z'))).toBe(true);
    // In New York the change came three weeks earlier (2026-03-08).
    const ny = { timeZone: 'America/New_York', periods: [{ day: 1, start: '09:00', end: '17:00' }] };
    expect(isWithinWorkingHours(ny, new Date('2026-03-02T14:00:00Z'))).toBe(true); // 09:00 EST
    expect(isWithinWorkingHours(ny, new Date('2026-03-09T13:00:00Z'))).toBe(true); // 09:00 EDT
    expect(isWithinWorkingHours(ny, new Date('2026-03-09T12:59:00Z'))).toBe(false);
  });

  it('reads the local weekday across midnight', () => {
    expect(localTime('Pacific/Auckland', new Date('2026-01-04T12:00:00Z'))).toEqual({ day: 1, minute: 60 }); // Monday 01:00 NZDT
  });

  it('refuses unknown zones and malformed periods', () => {
    expect(() => validateWorkingHours({ timeZone: 'Mars/Olympus', periods: [] })).toThrow(expect.objectContaining({ code: 'invalid_time_zone' }));
    expect(() => validateWorkingHours({ timeZone: 'UTC', periods: [{ day: 7, start: '09:00', end: '10:00' }] })).toThrow(expect.objectContaining({ code: 'invalid_period' }));
    expect(() => validateWorkingHours({ timeZone: 'UTC', periods: [{ day: 1, start: '9am', end: '10:00' }] })).toThrow(expect.objectContaining({ code: 'invalid_period' }));
    expect(() => validateWorkingHours({ timeZone: 'UTC', periods: [{ day: 1, start: '10:00', end: '09:00' }] })).toThrow(expect.objectContaining({ code: 'invalid_period' }));
  });
});
