// The supervisors' wallboard as this service knows it: per inbox and per team, what is open and
// unassigned (counted as the views count them), who has waited longest, what is past its
// service-level due time, and today's first responses; and every agent's open load. Availability
// and capacities live in routing; the gateway puts the two together.
import type { Actor } from '../../directory';
import { requireActor } from '../../directory';

export interface WallboardRow {
  id: string;
  name: string;
  open: number;
  unassigned: number;
  oldestWaitingSince: Date | null;
  breaching: number;
  firstResponsesToday: number;
  firstResponseMedianSecondsToday: number | null;
  memberIds: string[];
}

export interface Wallboard {
  inboxes: WallboardRow[];
  teams: WallboardRow[];
  loads: Array<{ userId: string; chatOpen: number; emailOpen: number }>;
  asOf: Date;
  timeZone: string;
}

export interface WallboardSource {
  board(accountId: string, now: Date): Promise<Wallboard>;
}

export class SupervisorWallboard {
  constructor(
    private readonly directory: Parameters<typeof requireActor>[0],
    private readonly source: WallboardSource,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async board(actor: Actor): Promise<Wallboard> {
    await requireActor(this.directory, actor, 'admin');
    return this.source.board(actor.accountId, this.now());
  }
}
