// Service levels: an inbox's policy, each open conversation's current target kept in step with
// its timeline (recomputed after every change, and for all of an inbox's open conversations when
// its policy changes), and breaches announced once per due time to whoever must act.
import { InvalidArgumentError, NotFoundError, changedFields, validateWorkingHours, type AuditTrail, type PoolClient, type WorkingHours } from '@inbox/lib';
import type { Actor } from '../../directory';
import { requireActor } from '../../directory';
import { serviceLevel, type SlaPolicy, type SlaState, type Timeline } from '../domain/service-levels';

/** Whose policy: an inbox's, or a team's (which its conversations follow instead of their inbox's). */
export type PolicyScope = { inboxId: string; teamId?: undefined } | { teamId: string; inboxId?: undefined };

export interface ServiceLevelStore {
  policy(accountId: string, scope: PolicyScope): Promise<SlaPolicy | null>;
  /** The team's policy when the conversation is in a team that has one, else its inbox's. */
  effectivePolicy(accountId: string, inboxId: string, teamId: string | null): Promise<SlaPolicy | null>;
  /** alsoInTransaction runs in the save's own transaction. */
  savePolicy(accountId: string, scope: PolicyScope, policy: SlaPolicy | null, alsoInTransaction?: (tx: PoolClient) => Promise<void>): Promise<void>;
  scopeExists(accountId: string, scope: PolicyScope): Promise<boolean>;
  /** The conversation's inbox, team, version, stored state and whether any policy governs it; null when it is gone. */
  head(accountId: string, conversationId: string): Promise<{ inboxId: string; teamId: string | null; version: number; stored: SlaState; governed: boolean } | null>;
  /** What its clocks run on: its messages in time order, its status. */
  timeline(accountId: string, conversationId: string): Promise<Timeline | null>;
  /** Stores the state if the conversation is still at that version (and announces it); false when it moved on. */
  saveState(accountId: string, conversationId: string, version: number, state: SlaState): Promise<boolean>;
  /** Conversations of the scope that are open or still carry a target, by id after `after`. */
  openConversations(accountId: string, scope: PolicyScope, after: string, limit: number): Promise<string[]>;
  /** Marks up to `limit` conversations whose due time passed as breached (once per due time) and announces each; returns how many. */
  announceBreaches(now: Date, limit: number): Promise<number>;
}

/** Whether an account has any policy at all, cheaply (most have none), and word that it changed. */
export interface PolicyPresence {
  anyPolicy(accountId: string): Promise<boolean>;
  changed(accountId: string): void;
}

const MAX_MINUTES = 60 * 24 * 365;
const NO_TARGET: SlaState = { target: null, dueAt: null, warnAt: null, paused: false };
const sameMoment = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);
const sameState = (a: SlaState, b: SlaState) => a.target === b.target && a.paused === b.paused && sameMoment(a.dueAt, b.dueAt) && sameMoment(a.warnAt, b.warnAt);

export function validatePolicy(input: SlaPolicy): SlaPolicy {
  for (const [field, value] of Object.entries({ firstResponseMinutes: input.firstResponseMinutes, nextResponseMinutes: input.nextResponseMinutes, resolutionMinutes: input.resolutionMinutes })) {
    if (value !== null && (!Number.isInteger(value) || value < 1 || value > MAX_MINUTES)) {
      throw new InvalidArgumentError('invalid_sla_target', `${field} must be a whole number of minutes from 1 to ${MAX_MINUTES}, or null`, { field });
    }
  }
  if (input.firstResponseMinutes === null && input.nextResponseMinutes === null && input.resolutionMinutes === null) {
    throw new InvalidArgumentError('invalid_sla_target', 'a policy needs at least one target; delete it to have none');
  }
  const businessHours: WorkingHours | null = input.businessHours ? validateWorkingHours(input.businessHours) : null;
  if (businessHours && businessHours.periods.length === 0) throw new InvalidArgumentError('invalid_period', 'business hours need at least one period; send null for around the clock');
  return { ...input, businessHours };
}

export class ServiceLevels {
  constructor(
    private readonly directory: Parameters<typeof requireActor>[0],
    private readonly store: ServiceLevelStore,
    private readonly presence: PolicyPresence,
    private readonly audit: AuditTrail,
  ) {}

  async policy(actor: Actor, scope: PolicyScope): Promise<SlaPolicy | null> {
    await requireActor(this.directory, actor, 'agent');
    await this.requireScope(actor.accountId, scope);
    return this.store.policy(actor.accountId, scope);
  }

  /** Sets (or with null removes) an inbox's or a team's policy and recomputes the conversations it governs. */
  async setPolicy(actor: Actor, scope: PolicyScope, input: SlaPolicy | null): Promise<SlaPolicy | null> {
    await requireActor(this.directory, actor, 'admin');
    const policy = input ? validatePolicy(input) : null;
    await this.requireScope(actor.accountId, scope);
    const before = await this.store.policy(actor.accountId, scope);
    await this.store.savePolicy(actor.accountId, scope, policy, async (tx) => {
      const fields: (keyof SlaPolicy)[] = ['firstResponseMinutes', 'nextResponseMinutes', 'resolutionMinutes', 'businessHours', 'pauseWhileWaitingOnCustomer'];
      const changes = changedFields<Partial<SlaPolicy>>(before ?? {}, policy ?? {}, fields);
      if (Object.keys(changes).length === 0) return;
      await this.audit.record(tx, {
        accountId: actor.accountId,
        actorUserId: actor.userId,
        action: policy ? 'sla.policy_set' : 'sla.policy_removed',
        targetType: scope.teamId !== undefined ? 'team' : 'inbox',
        targetId: scope.teamId ?? scope.inboxId,
        changes,
      });
    });
    this.presence.changed(actor.accountId);
    await this.recomputeScope(actor.accountId, scope);
    return policy;
  }

  private async requireScope(accountId: string, scope: PolicyScope): Promise<void> {
    if (await this.store.scopeExists(accountId, scope)) return;
    throw scope.teamId !== undefined ? new NotFoundError('team_not_found', 'no such team') : new NotFoundError('inbox_not_found', 'no such inbox');
  }

  async recomputeScope(accountId: string, scope: PolicyScope): Promise<void> {
    let after = '';
    for (;;) {
      const ids = await this.store.openConversations(accountId, scope, after, 200);
      for (const id of ids) await this.recompute(accountId, id);
      if (ids.length < 200) return;
      after = ids[ids.length - 1];
    }
  }

  /** After a change of the conversation: an account without policies has no targets to keep (removing its last policy cleared them). */
  async onConversationChanged(accountId: string, conversationId: string): Promise<void> {
    if (await this.presence.anyPolicy(accountId)) await this.recompute(accountId, conversationId);
  }

  /** Brings one conversation's target up to date with its timeline; a newer change re-runs it. */
  async recompute(accountId: string, conversationId: string): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const head = await this.store.head(accountId, conversationId);
      if (!head) return;
      // Most inboxes have no policy: one read, and nothing more when nothing is stored either.
      if (!head.governed && sameState(head.stored, NO_TARGET)) return;
      const policy = head.governed ? await this.store.effectivePolicy(accountId, head.inboxId, head.teamId) : null;
      const timeline = await this.store.timeline(accountId, conversationId);
      if (!timeline) return;
      const state = serviceLevel(policy, timeline);
      if (sameState(state, head.stored)) return;
      if (await this.store.saveState(accountId, conversationId, head.version, state)) return;
    }
  }

  announceBreaches(now: Date, limit = 200): Promise<number> {
    return this.store.announceBreaches(now, limit);
  }
}
