import { canSeeInbox, seesEveryInbox } from './inbox-access';

describe('inbox access', () => {
  const members = new Set(['inb_a']);
  it('lets an agent see only the inboxes they are a member of', () => {
    expect(canSeeInbox({ role: 'agent', memberInboxIds: members }, 'inb_a')).toBe(true);
    expect(canSeeInbox({ role: 'agent', memberInboxIds: members }, 'inb_b')).toBe(false);
    expect(seesEveryInbox({ role: 'agent', memberInboxIds: members })).toBe(false);
  });

  it('lets admins and super admins see every inbox', () => {
    for (const role of ['admin', 'superadmin'] as const) {
      expect(canSeeInbox({ role, memberInboxIds: new Set() }, 'inb_b')).toBe(true);
      expect(seesEveryInbox({ role, memberInboxIds: new Set() })).toBe(true);
    }
  });
});
