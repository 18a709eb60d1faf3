import { UserRefs, type UserRef } from './user-refs';

describe('UserRefs', () => {
  const make = () => {
    const names = new Map<string, UserRef>([['usr_1', { id: 'usr_1', name: 'Ada', deactivated: false }]]);
    const loads: string[] = [];
    let now = 0;
    let failing = false;
    const refs = new UserRefs(
      async (tenant, userId) => {
        loads.push(`${tenant.accountId}/${userId} as ${tenant.userId}`);
        if (failing) throw new Error('conversation service unavailable');
        return names.get(userId) ?? null;
      },
      1_000,
      100,
      () => now,
    );
    return { refs, names, loads, tick: (ms: number) => (now += ms), fail: (on: boolean) => (failing = on) };
  };

  it('asks once per user and account while kept, as whoever reads', async () => {
    const { refs, loads } = make();
    expect(await Promise.all([refs.get('acc_1', 'usr_1', 'usr_9'), refs.get('acc_1', 'usr_1', 'usr_8')])).toEqual([
      { id: 'usr_1', name: 'Ada', deactivated: false },
      { id: 'usr_1', name: 'Ada', deactivated: false },
    ]);
    await refs.get('acc_2', 'usr_1', 'usr_9');
    expect(loads).toEqual(['acc_1/usr_1 as usr_9', 'acc_2/usr_1 as usr_9']);
  });

  it('shows a change as soon as it is announced, and after the lifetime without one', async () => {
    const { refs, names, tick } = make();
    await refs.get('acc_1', 'usr_1', 'usr_9');
    names.set('usr_1', { id: 'usr_1', name: 'Ada Lovelace', deactivated: true });
    expect((await refs.get('acc_1', 'usr_1', 'usr_9'))?.name).toBe('Ada');
    refs.forget('acc_1', 'usr_1');
    expect(await refs.get('acc_1', 'usr_1', 'usr_9')).toEqual({ id: 'usr_1', name: 'Ada Lovelace', deactivated: true });
    names.set('usr_1', { id: 'usr_1', name: 'A. Lovelace', deactivated: true });
    tick(1_001);
    expect((await refs.get('acc_1', 'usr_1', 'usr_9'))?.name).toBe('A. Lovelace');
  });

  it('keeps no failed look-up, and answers null for a user the account does not have', async () => {
    const { refs, loads, fail } = make();
    fail(true);
    await expect(refs.get('acc_1', 'usr_1', 'usr_9')).rejects.toThrow('unavailable');
    fail(false);
    expect((await refs.get('acc_1', 'usr_1', 'usr_9'))?.name).toBe('Ada');
    expect(await refs.get('acc_1', 'usr_404', 'usr_9')).toBeNull();
    expect(loads).toHaveLength(3);
  });
});
