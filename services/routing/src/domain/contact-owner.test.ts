import { fallbackReason, ownerFirst } from './contact-owner';

describe('contact-owner routing order', () => {
  it('asks the owner first, then the others in rotation after the last one assigned', () => {
    expect(ownerFirst('usr_b', ['usr_a', 'usr_b', 'usr_c', 'usr_d'], 'usr_c')).toEqual([
      { userId: 'usr_b', role: 'contact_owner' },
      { userId: 'usr_d', role: 'fallback' },
      { userId: 'usr_a', role: 'fallback' },
      { userId: 'usr_c', role: 'fallback' },
    ]);
  });

  it('asks only the pool when the contact has no owner, and the owner even when outside the pool', () => {
    expect(ownerFirst('', ['usr_b', 'usr_a'], null).map((c) => c.userId)).toEqual(['usr_a', 'usr_b']);
    expect(ownerFirst('usr_z', ['usr_a'], null)).toEqual([
      { userId: 'usr_z', role: 'contact_owner' },
      { userId: 'usr_a', role: 'fallback' },
    ]);
  });
});

describe('fallback reason', () => {
  it('names why the owner was passed over, and nothing when they were chosen', () => {
    expect(fallbackReason('contact_owner', [{ outcome: 'chosen', role: 'contact_owner' }])).toBe('');
    expect(fallbackReason('contact_owner', [{ outcome: 'already_assigned', role: 'contact_owner' }])).toBe('');
    expect(fallbackReason('contact_owner', [{ outcome: 'away', role: 'contact_owner' }, { outcome: 'chosen', role: 'fallback' }])).toBe('owner_away');
    expect(fallbackReason('contact_owner', [{ outcome: 'over_capacity', role: 'contact_owner' }])).toBe('owner_over_capacity');
    expect(fallbackReason('contact_owner', [{ outcome: 'deactivated', role: 'contact_owner' }])).toBe('owner_deactivated');
    expect(fallbackReason('contact_owner', [{ outcome: 'not_inbox_member', role: 'contact_owner' }])).toBe('owner_not_inbox_member');
    expect(fallbackReason('contact_owner', [{ outcome: 'chosen', role: 'fallback' }])).toBe('no_owner');
    expect(fallbackReason('round_robin', [{ outcome: 'chosen' }])).toBe('');
  });
});
