import { Availability } from '@inbox/lib/gen/inbox/routing/v1/routing';
import { atCapacity, composeWallboard } from './wallboards';

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
