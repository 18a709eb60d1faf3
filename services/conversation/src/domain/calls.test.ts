import { E164, clock, isEnded, isMissed, statusRank } from './calls';

describe('call rules', () => {
  it('orders a call’s statuses so it never moves back', () => {
    const order = ['queued', 'ringing', 'in-progress', 'completed'].map(statusRank);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(statusRank('ringing')).toBeGreaterThan(statusRank('initiated'));
    for (const ended of ['completed', 'busy', 'no-answer', 'failed', 'canceled']) {
      expect(isEnded(ended)).toBe(true);
      expect(statusRank(ended)).toBeGreaterThan(statusRank('in-progress'));
    }
    expect(isEnded('ringing')).toBe(false);
  });

  it('counts an inbound call that ended unanswered as missed, and nothing else', () => {
    expect(isMissed('inbound', 'no-answer')).toBe(true);
    expect(isMissed('inbound', 'busy')).toBe(true);
    expect(isMissed('inbound', 'completed')).toBe(false);
    expect(isMissed('inbound', 'ringing')).toBe(false);
    expect(isMissed('outbound', 'no-answer')).toBe(false);
  });

  it('writes durations as a clock and accepts only E.164 numbers', () => {
    expect(clock(0)).toBe('0:00');
    expect(clock(65)).toBe('1:05');
    expect(clock(3600)).toBe('60:00');
    expect(E164.test('+4712345678')).toBe(true);
    for (const bad of ['4712345678', '+0471234567', '+47 123 45 678', '+1234']) expect([bad, E164.test(bad)]).toEqual([bad, false]);
  });
});
