// Service-level targets of a conversation, computed from its message timeline alone (so any
// replay or recomputation gives the same answer): the first response after the customer's
// first message, each next response after the customer writes again, and resolution by close.
// Time counts in the policy's business hours (or around the clock); with pausing on, the
// resolution clock stops while the conversation waits on the customer (our message was last).
import { addBusinessTime, businessTimeBetween, type WorkingHours } from '@inbox/lib';

export interface SlaPolicy {
  firstResponseMinutes: number | null;
  nextResponseMinutes: number | null;
  resolutionMinutes: number | null;
  /** null: around the clock. */
  businessHours: WorkingHours | null;
  pauseWhileWaitingOnCustomer: boolean;
}

export type SlaTarget = 'first_response' | 'next_response' | 'resolution';

export interface Timeline {
  createdAt: Date;
  status: 'open' | 'closed';
  /** In time order; internal notes are not messages. */
  messages: { direction: 'inbound' | 'outbound'; at: Date }[];
}

export interface SlaState {
  /** The target due first, or null when no clock runs. */
  target: SlaTarget | null;
  dueAt: Date | null;
  /** When 75% of the target's time is used: the "at risk" moment. */
  warnAt: Date | null;
  /** Resolution waits on the customer (its clock stands still). */
  paused: boolean;
}

export const AT_RISK_SHARE = 0.75;
const MINUTE = 60_000;
const NONE: SlaState = { target: null, dueAt: null, warnAt: null, paused: false };

interface Clock {
  target: SlaTarget;
  dueAt: Date | null;
  warnAt: Date | null;
}

/** The response the customer is waiting for now: from their first message after our last one. */
function responseClock(policy: SlaPolicy, timeline: Timeline): Clock | null {
  const { messages } = timeline;
  if (messages.length === 0 || messages[messages.length - 1].direction !== 'inbound') return null;
  let waitingFrom = messages.length - 1;
  while (waitingFrom > 0 && messages[waitingFrom - 1].direction === 'inbound') waitingFrom -= 1;
  const answeredBefore = messages.slice(0, waitingFrom).some((m) => m.direction === 'outbound');
  const target: SlaTarget = answeredBefore ? 'next_response' : 'first_response';
  const minutes = answeredBefore ? policy.nextResponseMinutes : policy.firstResponseMinutes;
  if (!minutes) return null;
  const start = messages[waitingFrom].at;
  return {
    target,
    dueAt: addBusinessTime(policy.businessHours, start, minutes * MINUTE),
    warnAt: addBusinessTime(policy.businessHours, start, minutes * MINUTE * AT_RISK_SHARE),
  };
}

/** The stretches the resolution clock runs: all of it, or (pausing) everything but waiting on the customer. */
function runningStretches(policy: SlaPolicy, timeline: Timeline): { from: Date; to: Date | null }[] {
  if (!policy.pauseWhileWaitingOnCustomer) return [{ from: timeline.createdAt, to: null }];
  const stretches: { from: Date; to: Date | null }[] = [];
  let runningSince: Date | null = timeline.createdAt;
  for (const message of timeline.messages) {
    if (message.direction === 'outbound' && runningSince) {
      stretches.push({ from: runningSince, to: message.at });
      runningSince = null;
    } else if (message.direction === 'inbound' && !runningSince) {
      runningSince = message.at;
    }
  }
  if (runningSince) stretches.push({ from: runningSince, to: null });
  return stretches;
}

/** The moment the running stretches have used `budget` of business time, or null if they have not (yet). */
function momentUsed(hours: WorkingHours | null, stretches: { from: Date; to: Date | null }[], budget: number): Date | null {
  let used = 0;
  for (const { from, to } of stretches) {
    const length = to ? businessTimeBetween(hours, from, to) : Infinity;
    if (used + length >= budget) return addBusinessTime(hours, from, budget - used);
    used += length;
  }
  return null;
}

function resolutionClock(policy: SlaPolicy, timeline: Timeline): (Clock & { paused: boolean }) | null {
  if (!policy.resolutionMinutes) return null;
  const stretches = runningStretches(policy, timeline);
  const paused = stretches.length === 0 || stretches[stretches.length - 1].to !== null;
  const budget = policy.resolutionMinutes * MINUTE;
  return {
    target: 'resolution',
    dueAt: momentUsed(policy.businessHours, stretches, budget),
    warnAt: momentUsed(policy.businessHours, stretches, budget * AT_RISK_SHARE),
    paused,
  };
}

export function serviceLevel(policy: SlaPolicy | null, timeline: Timeline): SlaState {
  if (!policy || timeline.status !== 'open') return NONE;
  const response = responseClock(policy, timeline);
  const resolution = resolutionClock(policy, timeline);
  const clocks = [response, resolution].filter((c): c is Clock => c !== null && c.dueAt !== null);
  clocks.sort((a, b) => a.dueAt!.getTime() - b.dueAt!.getTime());
  const first = clocks[0];
  if (first) return { target: first.target, dueAt: first.dueAt, warnAt: first.warnAt, paused: false };
  return resolution?.paused ? { ...NONE, target: 'resolution', paused: true } : NONE;
}
