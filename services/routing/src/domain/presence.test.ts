import { countAvailable, type MemberFacts } from './presence';

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
