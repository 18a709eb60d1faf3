import { addBusinessTime, businessTimeBetween } from './business-time';

const weekdays = (start: string, end: string) => [1, 2, 3, 4, 5].map((day) => ({ day, start, end }));
const oslo = { timeZone: 'Europe/Oslo', periods: weekdays('08:00', '16:00') };
const hour = 3_600_000;

describe('business time', () => {
  it('counts around the clock without hours', () => {
    expect(addBusinessTime(null, new Date('2026-03-28T23:30:00Z'), 2 * hour)!.toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('starts at the next opening outside the hours, and carries over nights and weekends', () => {
    // Friday 15:00 Oslo (14:00Z in winter) + 2 h: one hour on Friday, one on Monday from 08:00.
    expect(addBusinessTime(oslo, new Date('2026-01-16T14:00:00Z'), 2 * hour)!.toISOString()).toBe('2026-01-19T08:00:00.000Z');
    // Saturday noon + 30 min: Monday 08:30 Oslo.
    expect(addBusinessTime(oslo, new Date('2026-01-17T11:00:00Z'), hour / 2)!.toISOString()).toBe('2026-01-19T07:30:00.000Z');
  });

  it('follows the wall clock across a daylight-saving change', () => {
    // Oslo moves to summer time on Sunday 29 March 2026. Friday 27th 15:00 local (14:00Z) + 2 h
    // ends Monday 30th 09:00 local, which is 07:00Z now that the offset is +2.
    expect(addBusinessTime(oslo, new Date('2026-03-27T14:00:00Z'), 2 * hour)!.toISOString()).toBe('2026-03-30T07:00:00.000Z');
    // And back in October: Friday 23rd 15:00 (13:00Z) + 2 h → Monday 26th 09:00 local = 08:00Z.
    expect(addBusinessTime(oslo, new Date('2026-10-23T13:00:00Z'), 2 * hour)!.toISOString()).toBe('2026-10-26T08:00:00.000Z');
    // Around the clock in New York over its spring change: 24 h of real time, not 23 local hours.
    const ny = { timeZone: 'America/New_York', periods: [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, start: '00:00', end: '24:00' })) };
    expect(addBusinessTime(ny, new Date('2026-03-07T17:00:00Z'), 24 * hour)!.toISOString()).toBe('2026-03-08T17:00:00.000Z');
  });

  it('measures business time between two moments', () => {
    expect(businessTimeBetween(oslo, new Date('2026-01-16T14:00:00Z'), new Date('2026-01-19T08:00:00Z'))).toBe(2 * hour);
    expect(businessTimeBetween(oslo, new Date('2026-01-17T00:00:00Z'), new Date('2026-01-18T23:00:00Z'))).toBe(0);
    expect(businessTimeBetween(null, new Date('2026-01-17T00:00:00Z'), new Date('2026-01-17T01:00:00Z'))).toBe(hour);
  });

  it('never opens for hours without periods', () => {
    expect(addBusinessTime({ timeZone: 'UTC', periods: [] }, new Date('2026-01-01T00:00:00Z'), hour)).toBeNull();
  });
});
