import { CachedDirectory } from './cached-directory';

describe("routing's copy of the directory", () => {
  function source() {
    const calls = { users: 0 };
    const conversation = {
      call: {
        listUsers: async () => {
          calls.users += 1;
          return { users: [{ id: `usr_${calls.users}` }] };
        },
        listInboxes: async () => ({ inboxes: [{ id: 'inb_1', memberIds: ['usr_1'] }] }),
        listTeams: async () => ({ teams: [{ id: 'tea_1', userIds: ['usr_1'] }] }),
      },
    };
    return { calls, conversation: conversation as unknown as ConstructorParameters<typeof CachedDirectory>[0] };
  }

  it('reads the directory once per account until a change is announced', async () => {
    const { calls, conversation } = source();
    let now = 0;
    const cache = new CachedDirectory(conversation, 30_000, () => now);
    const first = await cache.directory('acc_1');
    expect([...first.users.keys()]).toEqual(['usr_1']);
    expect(first.members.get('inb_1')).toEqual(['usr_1']);
    expect(first.teams.get('tea_1')).toEqual(['usr_1']);
    await cache.directory('acc_1');
    now = 29_000;
    await cache.directory('acc_1');
    expect(calls.users).toBe(1);
    await cache.directory('acc_2');
    expect(calls.users).toBe(2);
    cache.invalidate('acc_1');
    expect([...(await cache.directory('acc_1')).users.keys()]).toEqual(['usr_3']);
  });

  it('reads again when its copy is too old, in case an announcement was missed', async () => {
    const { calls, conversation } = source();
    let now = 0;
    const cache = new CachedDirectory(conversation, 30_000, () => now);
    await cache.directory('acc_1');
    now = 30_001;
    await cache.directory('acc_1');
    expect(calls.users).toBe(2);
  });
});
