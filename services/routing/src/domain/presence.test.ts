import { countAvailable, ringTargets, type MemberFacts } from './presence';
import { rotation } from './rotation';

describe('who could answer a chat now', () => {
  const agent = (overrides: Partial<MemberFacts> = {}): MemberFacts => ({ deactivated: false, removed: false, seesEveryInbox: false, ...overrides });
  const users = new Map<string, MemberFacts>([
    ['here', agent()],
    ['away', agent()],
    ['gone', agent({ deactivated: true })],
    ['removed', agent({ removed: true })],
    ['elsewhere', agent()],
    ['admin', agent({ seesEveryInbox: true })],
  ]);
  const status = (id: string) => (id === 'away' ? 'away' : 'available');

  it('counts active members who are not away, and admins, who see every inbox', () => {
    expect(countAvailable(['here', 'away', 'gone', 'removed', 'unknown'], users, status)).toEqual({ available: 2, members: 3 });
  });

  it('leaves out agents of other inboxes and everyone away or inactive', () => {
    const onlyAgents = new Map([...users].filter(([id]) => id !== 'admin'));
    expect(countAvailable([], onlyAgents, status)).toEqual({ available: 0, members: 0 });
    expect(countAvailable(['away', 'gone'], onlyAgents, status)).toEqual({ available: 0, members: 1 });
  });
});

describe('whom an inbound call rings', () => {
  const person = (phoneNumber: string, overrides: Partial<MemberFacts> = {}): MemberFacts => ({ deactivated: false, removed: false, seesEveryInbox: false, phoneNumber, ...overrides });
  const users = new Map<string, MemberFacts>([
    ['usr_b', person('+4790000002')],
    ['usr_a', person('+4790000001')],
    ['usr_c', person('+4790000003')],
    ['usr_away', person('+4790000004')],
    ['usr_nophone', person('')],
    ['usr_gone', person('+4790000005', { deactivated: true })],
    ['usr_other_inbox', person('+4790000006')],
    ['usr_admin', person('+4790000007', { seesEveryInbox: true })],
  ]);
  const status = (id: string) => (id === 'usr_away' ? 'away' : 'available');
  const members = ['usr_a', 'usr_b', 'usr_c', 'usr_away', 'usr_nophone', 'usr_gone'];

  it('rings the available people who see the inbox and have a number, in round-robin order after the last assigned', () => {
    expect(ringTargets(members, users, status, (ids) => rotation(ids, 'usr_a')).map((t) => t.userId)).toEqual(['usr_admin', 'usr_b', 'usr_c', 'usr_a']);
    expect(ringTargets(members, users, status, (ids) => rotation(ids, null))[0]).toEqual({ userId: 'usr_a', phoneNumber: '+4790000001' });
  });

  it('rings nobody when nobody can answer', () => {
    const away = () => 'away' as const;
    expect(ringTargets(members, users, away, (ids) => ids)).toEqual([]);
  });
});
