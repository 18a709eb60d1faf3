import { serviceLevel, type SlaPolicy, type Timeline } from './service-levels';

const weekdays = [1, 2, 3, 4, 5].map((day) => ({ day, start: '08:00', end: '16:00' }));
const policy = (overrides: Partial<SlaPolicy> = {}): SlaPolicy => ({
  firstResponseMinutes: 60,
  nextResponseMinutes: 30,
  resolutionMinutes: 480,
  businessHours: null,
  pauseWhileWaitingOnCustomer: false,
  ...overrides,
});
const at = (iso: string) => new Date(iso);
const timeline = (messages: [('inbound' | 'outbound'), string][], status: 'open' | 'closed' = 'open'): Timeline => ({
  createdAt: at(messages[0][1]),
  status,
  messages: messages.map(([direction, iso]) => ({ direction, at: at(iso) })),
});

describe('service levels', () => {
  it('runs the first response from the first message, at risk at 75%', () => {
    expect(serviceLevel(policy(), timeline([['inbound', '2026-01-14T10:00:00Z']]))).toEqual({
      target: 'first_response',
      dueAt: at('2026-01-14T11:00:00Z'),
      warnAt: at('2026-01-14T10:45:00Z'),
      paused: false,
    });
  });

  it('runs the next response from the first unanswered message after our reply, and nothing while the customer has the turn', () => {
    const answered = timeline([
      ['inbound', '2026-01-14T10:00:00Z'],
      ['outbound', '2026-01-14T10:20:00Z'],
    ]);
    expect(serviceLevel(policy({ resolutionMinutes: null }), answered).target).toBeNull();
    const again = timeline([
      ['inbound', '2026-01-14T10:00:00Z'],
      ['outbound', '2026-01-14T10:20:00Z'],
      ['inbound', '2026-01-14T12:00:00Z'],
      ['inbound', '2026-01-14T12:05:00Z'],
    ]);
    expect(serviceLevel(policy({ resolutionMinutes: null }), again)).toMatchObject({ target: 'next_response', dueAt: at('2026-01-14T12:30:00Z') });
  });

  it('counts in business hours across a daylight-saving change', () => {
    // Friday 27 March 2026 15:30 Oslo (14:30Z, UTC+1); Oslo moves to UTC+2 on Sunday. One hour of
    // business time: 30 min on Friday, 30 on Monday from 08:00 local = 06:00Z.
    const oslo = policy({ businessHours: { timeZone: 'Europe/Oslo', periods: weekdays }, resolutionMinutes: null });
    expect(serviceLevel(oslo, timeline([['inbound', '2026-03-27T14:30:00Z']]))).toMatchObject({ dueAt: at('2026-03-30T06:30:00Z'), warnAt: at('2026-03-30T06:15:00Z') });
    // Written on Saturday: the clock starts Monday 08:00 local.
    expect(serviceLevel(oslo, timeline([['inbound', '2026-03-28T12:00:00Z']])).dueAt).toEqual(at('2026-03-30T07:00:00Z'));
  });

  it('pauses resolution while the conversation waits on the customer, and resumes where it stopped', () => {
    const pausing = policy({ firstResponseMinutes: null, nextResponseMinutes: null, resolutionMinutes: 120, pauseWhileWaitingOnCustomer: true });
    const waiting = timeline([
      ['inbound', '2026-01-14T10:00:00Z'],
      ['outbound', '2026-01-14T10:30:00Z'],
    ]);
    expect(serviceLevel(pausing, waiting)).toEqual({ target: 'resolution', dueAt: null, warnAt: null, paused: true });
    // The customer answers three hours later: 90 of the 120 minutes are left from then.
    const resumed = timeline([
      ['inbound', '2026-01-14T10:00:00Z'],
      ['outbound', '2026-01-14T10:30:00Z'],
      ['inbound', '2026-01-14T13:30:00Z'],
    ]);
    expect(serviceLevel(pausing, resumed)).toEqual({ target: 'resolution', dueAt: at('2026-01-14T15:00:00Z'), warnAt: at('2026-01-14T14:30:00Z'), paused: false });
    // Without pausing the clock never stopped.
    expect(serviceLevel({ ...pausing, pauseWhileWaitingOnCustomer: false }, resumed).dueAt).toEqual(at('2026-01-14T12:00:00Z'));
  });

  it('keeps a breach that happened before a pause', () => {
    const pausing = policy({ firstResponseMinutes: null, nextResponseMinutes: null, resolutionMinutes: 60, pauseWhileWaitingOnCustomer: true });
    const late = timeline([
      ['inbound', '2026-01-14T10:00:00Z'],
      ['outbound', '2026-01-14T12:00:00Z'],
    ]);
    expect(serviceLevel(pausing, late)).toMatchObject({ target: 'resolution', dueAt: at('2026-01-14T11:00:00Z'), paused: false });
  });

  it('names the target due first, and none once closed or without a policy', () => {
    const tight = policy({ firstResponseMinutes: 600, resolutionMinutes: 30 });
    expect(serviceLevel(tight, timeline([['inbound', '2026-01-14T10:00:00Z']])).target).toBe('resolution');
    expect(serviceLevel(policy(), timeline([['inbound', '2026-01-14T10:00:00Z']], 'closed')).target).toBeNull();
    expect(serviceLevel(null, timeline([['inbound', '2026-01-14T10:00:00Z']])).target).toBeNull();
  });
});
