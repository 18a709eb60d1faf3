import { Availability } from '@inbox/lib/gen/inbox/routing/v1/routing';
import { HttpError } from '@inbox/lib';
import { Wallboards, atCapacity, composeWallboard } from './wallboards';

const row = (id: string, memberIds: string[]) => ({
  id,
  name: id,
  open: 1,
  unassigned: 0,
  oldestWaitingSince: new Date('2026-12-01T10:00:00Z'),
  breaching: 0,
  firstResponsesToday: 0,
  firstResponseMedianSecondsToday: undefined,
  memberIds,
});

describe('the wallboard', () => {
  it('counts an agent full when a limited kind is full', () => {
    expect(atCapacity({ chatOpen: 5, emailOpen: 0 }, { chatCapacity: 0, emailCapacity: 0 })).toBe(false);
    expect(atCapacity({ chatOpen: 2, emailOpen: 9 }, { chatCapacity: 2, emailCapacity: 0 })).toBe(true);
    expect(atCapacity({ chatOpen: 1, emailOpen: 9 }, { chatCapacity: 2, emailCapacity: 10 })).toBe(false);
    expect(atCapacity(undefined, { chatCapacity: 1, emailCapacity: 1 })).toBe(false);
    expect(atCapacity({ chatOpen: 3, emailOpen: 3 }, undefined)).toBe(false);
  });

  it("sorts each row's agents: away, full by that inbox's limits (a team's: by any inbox's), else available; gone users not at all", () => {
    const view = composeWallboard(
      {
        inboxes: [row('inb_chat', ['a', 'b', 'c', 'gone']), row('inb_mail', ['a', 'b'])],
        teams: [row('team_1', ['a', 'b', 'c'])],
        loads: [{ userId: 'b', chatOpen: 3, emailOpen: 0 }],
        asOf: new Date('2026-12-01T12:00:00Z'),
        timeZone: 'Europe/Oslo',
      },
      {
        agents: [
          { userId: 'a', availability: Availability.AVAILABILITY_AVAILABLE },
          { userId: 'b', availability: Availability.AVAILABILITY_AVAILABLE },
          { userId: 'c', availability: Availability.AVAILABILITY_AWAY },
        ],
        capacities: [{ inboxId: 'inb_chat', chatCapacity: 3, emailCapacity: 0 }],
      },
    );
    expect(view.inboxes.map((r) => r.agents)).toEqual([
      { available: 1, away: 1, atCapacity: 1 },
      { available: 2, away: 0, atCapacity: 0 },
    ]);
    expect(view.teams[0].agents).toEqual({ available: 1, away: 1, atCapacity: 1 });
    expect(view.inboxes[0]).toMatchObject({ oldestWaitingSince: '2026-12-01T10:00:00.000Z', firstResponseMedianSecondsToday: null });
    expect(view).toMatchObject({ asOf: '2026-12-01T12:00:00.000Z', timeZone: 'Europe/Oslo' });
  });
});

describe('watching the wallboard', () => {
  const board = { inboxes: [], teams: [], loads: [], asOf: new Date('2026-12-01T12:00:00Z'), timeZone: 'UTC' };
  const user = (id: string) => ({ id, accountId: 'acc_1', role: 'admin', name: id, sessionId: `ses_${id}` }) as never;
  const silent = { warn: () => undefined } as never;

  it('sends every watcher the board after a change, and drops a watcher who may no longer see it', async () => {
    const forbidden = new Set<string>();
    const conversation = {
      call: {
        getWallboard: async ({ tenant }: { tenant: { userId: string } }) => {
          if (forbidden.has(tenant.userId)) throw new HttpError(403, 'forbidden', 'this needs the admin role');
          return board;
        },
      },
    } as never;
    const routing = { call: { listAgentStates: async () => ({ agents: [], capacities: [] }) } } as never;
    const wallboards = new Wallboards(conversation, routing, silent, 10);
    const frames: Record<string, Record<string, unknown>[]> = { a: [], b: [] };
    await wallboards.watch(user('a'), (f) => frames.a.push(f));
    await wallboards.watch(user('b'), (f) => frames.b.push(f));
    expect([frames.a.length, frames.b.length]).toEqual([1, 1]);

    forbidden.add('a');
    wallboards.changed('acc_1');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(frames.a.map((f) => f.type)).toEqual(['wallboard', 'error']);
    expect(frames.b.map((f) => f.type)).toEqual(['wallboard', 'wallboard']);

    wallboards.changed('acc_1');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect([frames.a.length, frames.b.length]).toEqual([2, 3]);
    wallboards.close();
  });
});
