import { countAvailable } from './presence';

describe('who could answer a chat now', () => {
  const users: Record<string, { deactivated: boolean; removed: boolean }> = {
    here: { deactivated: false, removed: false },
    away: { deactivated: false, removed: false },
    gone: { deactivated: true, removed: false },
    removed: { deactivated: false, removed: true },
  };
  const status = (id: string) => (id === 'away' ? 'away' : 'available');

  it('counts active members who are not away', () => {
    expect(countAvailable(['here', 'away', 'gone', 'removed', 'unknown'], (id) => users[id], status)).toEqual({ available: 1, members: 2 });
  });

  it('finds nobody in an inbox without members or with everyone away', () => {
    expect(countAvailable([], (id) => users[id], status)).toEqual({ available: 0, members: 0 });
    expect(countAvailable(['away'], (id) => users[id], status)).toEqual({ available: 0, members: 1 });
  });
});
