// What the use cases need of the outside world; the adapters implement these.
import type { Pool, PoolClient, WorkingHours } from '@inbox/lib';

type Db = Pool | PoolClient;

export type Status = 'available' | 'away';

export interface AvailabilityRecord {
  status: Status;
  changedAt: Date | null;
  changedBy: string;
}

/** Agents' availability and their open-conversation counts. */
export interface AvailabilityRecords {
  /** Sets the status; returns whether it changed. */
  set(accountId: string, userId: string, status: Status, changedBy: string): Promise<boolean>;
  get(accountId: string, userId: string): Promise<AvailabilityRecord>;
  /** Every user's status in the account (users without a record are available), from Redis. */
  statuses(accountId: string): Promise<(userId: string) => Status>;
}

export type Mode = 'none' | 'round_robin' | 'contact_owner';

export interface Rule {
  inboxId: string;
  mode: Mode;
  userIds: string[];
  teamIds: string[];
  chatCapacity: number;
  emailCapacity: number;
}

export interface CandidateOutcome {
  userId: string;
  outcome: 'chosen' | 'away' | 'deactivated' | 'over_capacity' | 'already_assigned' | 'not_tried' | 'not_inbox_member';
  /** Under contact-owner routing: whether they were asked as the owner or as a fallback. */
  role?: 'contact_owner' | 'fallback';
}

export interface DecisionRecord {
  accountId: string;
  conversationId: string;
  inboxId: string;
  trigger: 'new' | 'released' | 'backlog';
  rule: Rule;
  candidates: CandidateOutcome[];
  chosenUserId: string | null;
  outcome: 'assigned' | 'waiting' | 'already_assigned';
}

export interface Waiting {
  conversationId: string;
  inboxId: string;
  channel: string;
  createdAt: Date;
}

/** Rules, decisions and the waiting queue, in routing's own database. */
export interface RoutingStore {
  /** For a use case's own transaction around a decision. */
  readonly pool: Pool;
  rule(accountId: string, inboxId: string, db?: Db): Promise<Rule>;
  /** Accounts without any rule (most events' accounts, in a shared stream) need no routing work at all. */
  hasRules(accountId: string): Promise<boolean>;
  rules(accountId: string): Promise<Map<string, Rule>>;
  setRule(accountId: string, rule: Rule, db?: Pool | PoolClient): Promise<Rule>;
  /** Serialises routing decisions per inbox across replicas, for the rest of the transaction. */
  lockInbox(tx: PoolClient, accountId: string, inboxId: string): Promise<void>;
  lastAssigned(tx: Db, accountId: string, inboxId: string): Promise<string | null>;
  setLastAssigned(tx: PoolClient, accountId: string, inboxId: string, userId: string): Promise<void>;
  /** Returns true when the conversation was not waiting before. */
  addWaiting(tx: Db, accountId: string, waiting: Waiting): Promise<boolean>;
  /** Takes these conversations off the waiting list, those that are on it. */
  removeWaiting(db: Db, accountId: string, conversationIds: string[]): Promise<void>;
  oldestWaiting(accountId: string, limit: number): Promise<Waiting[]>;
  /** Records decisions in the order given (the latest last). */
  recordDecisions(db: Db, decisions: DecisionRecord[]): Promise<void>;
  /** Whether routing has ever given this conversation an owner (that one, when `userId` is given). */
  hasDecisionFor(db: Db, accountId: string, conversationId: string, userId?: string): Promise<boolean>;
  /** Those of these conversations that routing has ever given an owner. */
  decidedAmong(db: Db, accountId: string, conversationIds: string[]): Promise<Set<string>>;
}

/** Users' working hours. */
export interface WorkingHoursStore {
  get(accountId: string, userId: string): Promise<WorkingHours | null>;
  /** Validates and saves them; null removes them. */
  set(accountId: string, userId: string, hours: WorkingHours | null, db?: Pool | PoolClient): Promise<WorkingHours | null>;
  /**
   * Records for every user with working hours whether the rule puts them in their hours now, and
   * answers those whose answer changed (only crossings count). Rows another replica is recording
   * are skipped.
   */
  recordInHours(inHours: (hours: WorkingHours) => boolean): Promise<{ accountId: string; userId: string; inHours: boolean }[]>;
}
