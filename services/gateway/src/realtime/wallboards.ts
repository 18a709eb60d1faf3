// The supervisors' wallboard: the conversation service's figures per inbox and team, with each
// row's agents sorted into available, away and at capacity from routing's availability and
// capacities. Watching sockets get the whole board at once and again after every change to
// their account (conversation events, availability, the directory), at most once per refresh
// interval; the board is computed once per account, whoever watches it.
import { HttpError, errorMessage, type Logger, type ServiceClient, type ConversationClients } from '@inbox/lib';
import type { GetWallboardResponse, WallboardRow } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import { Availability, type ListAgentStatesResponse, type RoutingServiceService } from '@inbox/lib/gen/inbox/routing/v1/routing';
import type { AuthenticatedUser } from '../http/authenticate';

export interface AgentCounts {
  available: number;
  away: number;
  atCapacity: number;
}

export interface WallboardRowView {
  id: string;
  name: string;
  open: number;
  unassigned: number;
  oldestWaitingSince: string | null;
  breaching: number;
  firstResponsesToday: number;
  firstResponseMedianSecondsToday: number | null;
  agents: AgentCounts;
}

export interface WallboardView {
  asOf: string;
  timeZone: string;
  inboxes: WallboardRowView[];
  teams: WallboardRowView[];
}

type Capacity = { chatCapacity: number; emailCapacity: number };
type Load = { chatOpen: number; emailOpen: number };

/** Full when a kind with a limit (0: none) has reached it: routing gives them no more of that kind. */
export function atCapacity(load: Load | undefined, capacity: Capacity | undefined): boolean {
  if (!capacity) return false;
  const chatFull = capacity.chatCapacity > 0 && (load?.chatOpen ?? 0) >= capacity.chatCapacity;
  const emailFull = capacity.emailCapacity > 0 && (load?.emailOpen ?? 0) >= capacity.emailCapacity;
  return chatFull || emailFull;
}

/**
 * The board people see. An inbox's agents are its active members, full by that inbox's limits; a
 * team's are its active members, full when full in any inbox they work.
 */
export function composeWallboard(board: GetWallboardResponse, states: ListAgentStatesResponse): WallboardView {
  const availability = new Map(states.agents.map((a) => [a.userId, a.availability]));
  const capacities = new Map(states.capacities.map((c) => [c.inboxId, c]));
  const loads = new Map(board.loads.map((l) => [l.userId, l]));
  const fullSomewhere = new Set<string>();
  for (const inbox of board.inboxes) {
    for (const id of inbox.memberIds) if (atCapacity(loads.get(id), capacities.get(inbox.id))) fullSomewhere.add(id);
  }
  const count = (memberIds: string[], full: (userId: string) => boolean): AgentCounts => {
    const agents = { available: 0, away: 0, atCapacity: 0 };
    for (const id of memberIds) {
      const status = availability.get(id);
      if (status === undefined) continue; // deactivated or removed
      if (status !== Availability.AVAILABILITY_AVAILABLE) agents.away += 1;
      else if (full(id)) agents.atCapacity += 1;
      else agents.available += 1;
    }
    return agents;
  };
  const row = (r: WallboardRow, agents: AgentCounts): WallboardRowView => ({
    id: r.id,
    name: r.name,
    open: r.open,
    unassigned: r.unassigned,
    oldestWaitingSince: r.oldestWaitingSince?.toISOString() ?? null,
    breaching: r.breaching,
    firstResponsesToday: r.firstResponsesToday,
    firstResponseMedianSecondsToday: r.firstResponseMedianSecondsToday ?? null,
    agents,
  });
  return {
    asOf: (board.asOf ?? new Date()).toISOString(),
    timeZone: board.timeZone,
    inboxes: board.inboxes.map((r) => row(r, count(r.memberIds, (id) => atCapacity(loads.get(id), capacities.get(r.id))))),
    teams: board.teams.map((r) => row(r, count(r.memberIds, (id) => fullSomewhere.has(id)))),
  };
}

/** The board now; the conversation service refuses anyone but admins (before routing is asked). */
export async function fetchWallboard(
  reports: ConversationClients['reports'],
  routing: ServiceClient<typeof RoutingServiceService>,
  user: AuthenticatedUser,
): Promise<WallboardView> {
  const tenant = { accountId: user.accountId, userId: user.id };
  const board = await reports.call.getWallboard({ tenant });
  return composeWallboard(board, await routing.call.listAgentStates({ tenant }));
}

type Watcher = { user: AuthenticatedUser; send: (frame: Record<string, unknown>) => void };

export class Wallboards {
  private readonly watchers = new Map<string, Set<Watcher>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();

  constructor(
    private readonly reports: ConversationClients['reports'],
    private readonly routing: ServiceClient<typeof RoutingServiceService>,
    private readonly logger: Logger,
    private readonly refreshMs = 500,
  ) {}

  board(user: AuthenticatedUser): Promise<WallboardView> {
    return fetchWallboard(this.reports, this.routing, user);
  }

  /**
   * Sends the board now and after every change until the returned function is called. The
   * watcher is registered before the first board is read, so a change made meanwhile is sent
   * after it; boards carry asOf, and a client keeps the newest.
   */
  async watch(user: AuthenticatedUser, send: Watcher['send']): Promise<() => void> {
    const watcher: Watcher = { user, send };
    let set = this.watchers.get(user.accountId);
    if (!set) this.watchers.set(user.accountId, (set = new Set()));
    set.add(watcher);
    const unwatch = () => {
      set!.delete(watcher);
      if (set!.size === 0 && this.watchers.get(user.accountId) === set) this.watchers.delete(user.accountId);
    };
    try {
      send({ type: 'wallboard', board: await this.board(user) });
    } catch (error) {
      unwatch();
      throw error;
    }
    return unwatch;
  }

  /** Something in the account changed: its watchers get a fresh board within the refresh interval. */
  changed(accountId: string): void {
    if (!this.watchers.has(accountId) || this.timers.has(accountId)) return;
    if (this.running.has(accountId)) {
      this.again.add(accountId);
      return;
    }
    this.timers.set(
      accountId,
      setTimeout(() => {
        this.timers.delete(accountId);
        const run = this.refresh(accountId).finally(() => {
          this.running.delete(accountId);
          if (this.again.delete(accountId)) this.changed(accountId);
        });
        this.running.set(accountId, run);
      }, this.refreshMs),
    );
  }

  /** Computes the board as one watcher and sends it to all; a watcher no longer allowed to see it is told and dropped. */
  private async refresh(accountId: string): Promise<void> {
    for (;;) {
      const set = this.watchers.get(accountId);
      if (!set || set.size === 0) return;
      const [first] = set;
      try {
        const board = await this.board(first.user);
        for (const watcher of set) watcher.send({ type: 'wallboard', board });
        return;
      } catch (error) {
        if (!(error instanceof HttpError) || (error.status !== 403 && error.status !== 401)) {
          this.logger.warn({ error: errorMessage(error), accountId }, 'wallboard refresh failed');
          return;
        }
        first.send({ type: 'error', code: 'forbidden', message: 'the wallboard is for admins' });
        set.delete(first);
        if (set.size === 0) this.watchers.delete(accountId);
      }
    }
  }

  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.watchers.clear();
  }
}
