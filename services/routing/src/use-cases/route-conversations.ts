// Automatic assignment. A conversation that needs an owner is offered to its inbox rule's
// candidates in round-robin order (under contact-owner routing, the contact's owner first and the
// others as a fallback), skipping away, deactivated and full agents; the conversation service makes the assignment conditionally (open, unassigned, under capacity) so nothing is
// assigned twice. Decisions for one inbox are serialised across replicas by an advisory lock, and
// each is recorded with the candidates and why they were skipped. When nobody can take it, the
// conversation waits; an agent who becomes available or frees capacity gets the oldest first.
import { channelType, conversationStatus, withTransaction, type ConversationClients, type Logger, type PoolClient } from '@inbox/lib';
import { Role, type RoutingFacts, type User } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import type { AvailabilityRecords, Status } from './ports';
import type { CandidateOutcome, DecisionRecord, RoutingStore, Rule, Waiting } from './ports';
import { capacityFor, rotation } from '../domain/rotation';
import { ownerFirst, type CandidateRole } from '../domain/contact-owner';

type Trigger = 'new' | 'released' | 'backlog';

export interface ConversationChange {
  conversationId: string;
  trigger: Trigger;
  /** Whose slot an assignment's change freed. */
  previousAssigneeId?: string;
}

/** What routing knows of a conversation, its status and channel by name. */
export type ConversationFacts = Omit<RoutingFacts, 'status' | 'statusName' | 'channel' | 'channelName'> & { status: string; channel: string };

export const factsByName = (facts: RoutingFacts | undefined): ConversationFacts | undefined =>
  facts && {
    ...facts,
    status: conversationStatus.nameOf(facts.status, facts.statusName) ?? '',
    channel: channelType.nameOf(facts.channel, facts.channelName) ?? '',
  };
/** Who routing acts as when it reads the directory. */
export const SERVICE_TENANT = (accountId: string) => ({ accountId, userId: 'svc_routing' });

/** An account's users, inboxes' members and teams' members, as routing reads them. */
export interface AccountDirectory {
  users: Map<string, User>;
  members: Map<string, string[]>;
  teams: Map<string, string[]>;
}

export interface DirectorySource {
  directory(accountId: string): Promise<AccountDirectory>;
}

/** What routing one inbox's share of conversations writes, once, when all are decided. */
interface ShareOutcome {
  decisions: DecisionRecord[];
  noLongerWaiting: string[];
}

interface Directory extends AccountDirectory {
  status: (userId: string) => Status;
}

export class RouteConversations {
  constructor(
    private readonly repository: RoutingStore,
    private readonly availability: AvailabilityRecords,
    private readonly conversation: ConversationClients,
    private readonly directorySource: DirectorySource,
    private readonly logger: Logger,
    /** Where rules are read: the repository, or a cache in front of it. */
    private readonly ruleSource: Pick<RoutingStore, 'rule' | 'rules' | 'hasRules'> = repository,
  ) {}

  async facts(accountId: string, conversationId: string): Promise<ConversationFacts | undefined> {
    return factsByName((await this.conversation.conversations.call.getRoutingFacts({ accountId, conversationIds: [conversationId] })).facts[0]);
  }

  /**
   * Reacts to changes of conversations of one account (one change each): their facts in one call,
   * then each as alone, routed if it needs an owner, or no longer waiting for one.
   */
  async onConversationsChanged(accountId: string, changes: ConversationChange[]): Promise<void> {
    if (changes.length === 0 || !(await this.ruleSource.hasRules(accountId))) return;
    const facts = await this.factsOf(accountId, changes.map((c) => c.conversationId));
    for (const change of changes) await this.apply(accountId, change, facts.get(change.conversationId));
  }

  private async factsOf(accountId: string, conversationIds: string[]): Promise<Map<string, ConversationFacts>> {
    const { facts } = await this.conversation.conversations.call.getRoutingFacts({ accountId, conversationIds });
    return new Map(facts.flatMap((f) => factsByName(f) ?? []).map((f) => [f.conversationId, f]));
  }

  private async apply(accountId: string, { conversationId, trigger, previousAssigneeId = '' }: ConversationChange, facts: ConversationFacts | undefined): Promise<void> {
    if (!facts) {
      await this.repository.removeWaiting(this.repository.pool, accountId, [conversationId]);
      return;
    }
    const needsOwner = facts.status === 'open' && !facts.assigneeId && !facts.trashed && !facts.filtered && !facts.inBot;
    if (needsOwner) await this.route(accountId, facts, trigger);
    else await this.repository.removeWaiting(this.repository.pool, accountId, [conversationId]);
    // A closed or reassigned conversation frees a slot of its (previous) owner.
    const freed = previousAssigneeId || (facts.status === 'closed' || facts.trashed ? facts.assigneeId : '');
    if (freed) await this.pullBacklog(accountId, freed);
  }

  /**
   * Records an `already_assigned` decision for an automatic assignment that has none (its router
   * died before recording it). The inbox lock waits out a router still recording its decision.
   */
  async explainAutomaticAssignment(accountId: string, inboxId: string, conversationId: string, assigneeId: string): Promise<void> {
    // Decisions are never taken back, so one found without the lock is final. Nearly every
    // automatic assignment has its decision by the time its event arrives; only the rest wait
    // for the inbox's lock, behind the routing of that inbox's new conversations.
    if (await this.repository.hasDecisionFor(this.repository.pool, accountId, conversationId, assigneeId)) return;
    const rule = await this.ruleSource.rule(accountId, inboxId);
    await withTransaction(this.repository.pool, async (tx) => {
      await this.repository.lockInbox(tx, accountId, inboxId);
      if (await this.repository.hasDecisionFor(tx, accountId, conversationId, assigneeId)) return;
      await this.repository.recordDecisions(tx, [
        {
          accountId,
          conversationId,
          inboxId,
          trigger: 'new',
          rule,
          candidates: [{ userId: assigneeId, outcome: 'already_assigned' }],
          chosenUserId: assigneeId,
          outcome: 'already_assigned',
        },
      ]);
    });
  }

  private async directory(accountId: string): Promise<Directory> {
    const [directory, status] = await Promise.all([this.directorySource.directory(accountId), this.availability.statuses(accountId)]);
    return { ...directory, status };
  }

  /**
   * The rule's own people: its users and its teams' members who can open the inbox (a team member
   * outside it could not see the conversation), or the inbox's members when it names nobody.
   */
  private poolOf(rule: Rule, inboxId: string, directory: Directory): string[] {
    if (rule.userIds.length === 0 && rule.teamIds.length === 0) return directory.members.get(inboxId) ?? [];
    const fromTeams = rule.teamIds.flatMap((teamId) => directory.teams.get(teamId) ?? []).filter((userId) => {
      const user = directory.users.get(userId);
      return user !== undefined && this.canSeeInbox(user, inboxId, directory);
    });
    return [...new Set([...rule.userIds, ...fromTeams])];
  }

  private candidatesOf(rule: Rule, facts: { inboxId: string; contactOwnerId: string }, directory: Directory): string[] {
    if (rule.mode === 'contact_owner') {
      const owner = directory.users.get(facts.contactOwnerId);
      const ownerId = owner && this.canSeeInbox(owner, facts.inboxId, directory) ? owner.id : '';
      return ownerFirst(ownerId, this.poolOf(rule, facts.inboxId, directory), null).map((c) => c.userId);
    }
    if (rule.mode === 'round_robin') return this.poolOf(rule, facts.inboxId, directory);
    return [];
  }

  /** Who is asked, in order: round robin after the last one assigned, or the contact's owner first. */
  private orderOf(rule: Rule, facts: ConversationFacts, directory: Directory, lastAssigned: string | null): { userId: string; role?: CandidateRole }[] {
    if (rule.mode === 'contact_owner') return ownerFirst(facts.contactOwnerId, this.poolOf(rule, facts.inboxId, directory), lastAssigned);
    return rotation(this.candidatesOf(rule, facts, directory), lastAssigned).map((userId) => ({ userId }));
  }

  private canSeeInbox(user: User, inboxId: string, directory: Directory): boolean {
    return user.role === Role.ROLE_ADMIN || user.role === Role.ROLE_SUPERADMIN || (directory.members.get(inboxId) ?? []).includes(user.id);
  }

  /**
   * Routes new conversations of one account together: their facts in one call, and each inbox's
   * share under one hold of its lock, in the order they were created. A burst of new mail to one
   * inbox otherwise took the lock, and committed, once per conversation.
   */
  async onConversationsCreated(accountId: string, conversationIds: string[]): Promise<void> {
    if (!(await this.ruleSource.hasRules(accountId))) return;
    const facts = await this.factsOf(accountId, conversationIds);
    const byInbox = new Map<string, ConversationFacts[]>();
    const others = new Set(conversationIds);
    for (const f of facts.values()) {
      if (f.status !== 'open' || f.assigneeId || f.trashed || f.filtered || f.inBot) continue;
      others.delete(f.conversationId);
      const inInbox = byInbox.get(f.inboxId);
      if (inInbox) inInbox.push(f);
      else byInbox.set(f.inboxId, [f]);
    }
    for (const [inboxId, waiting] of byInbox) {
      waiting.sort((a, b) => (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0) || a.conversationId.localeCompare(b.conversationId));
      await this.routeAll(accountId, inboxId, waiting, 'new');
    }
    // Gone, owned already or not routable: what one change of one conversation does.
    for (const conversationId of others) await this.apply(accountId, { conversationId, trigger: 'new' }, facts.get(conversationId));
  }

  async route(accountId: string, facts: ConversationFacts, trigger: Trigger): Promise<void> {
    await this.routeAll(accountId, facts.inboxId, [facts], trigger);
  }

  private async routeAll(accountId: string, inboxId: string, conversations: ConversationFacts[], trigger: Trigger): Promise<void> {
    const rule = await this.ruleSource.rule(accountId, inboxId);
    if (rule.mode === 'none') return;
    const directory = await this.directory(accountId);
    await withTransaction(this.repository.pool, async (tx) => {
      await this.repository.lockInbox(tx, accountId, inboxId);
      const lastBefore = rule.mode === 'round_robin' || rule.mode === 'contact_owner' ? await this.repository.lastAssigned(tx, accountId, inboxId) : null;
      let lastAssigned = lastBefore;
      // A late event of an earlier assignment can be the one that finds the conversation released.
      const released = trigger === 'new' ? await this.repository.decidedAmong(tx, accountId, conversations.map((c) => c.conversationId)) : new Set<string>();
      // What the decisions write is written once for the whole share, in the same transaction.
      const outcome: ShareOutcome = { decisions: [], noLongerWaiting: [] };
      for (const facts of conversations) {
        lastAssigned = await this.decide(tx, accountId, rule, directory, facts, released.has(facts.conversationId) ? 'released' : trigger, lastAssigned, outcome);
      }
      if (lastAssigned && lastAssigned !== lastBefore) await this.repository.setLastAssigned(tx, accountId, inboxId, lastAssigned);
      await this.repository.removeWaiting(tx, accountId, outcome.noLongerWaiting);
      await this.repository.recordDecisions(tx, outcome.decisions);
    });
  }

  /** Offers one conversation to its candidates in order and notes the decision in `outcome`; returns who is now last assigned. */
  private async decide(tx: PoolClient, accountId: string, rule: Rule, directory: Directory, facts: ConversationFacts, trigger: Trigger, lastAssigned: string | null, outcome: ShareOutcome): Promise<string | null> {
    const order = this.orderOf(rule, facts, directory, lastAssigned);
    const candidates: CandidateOutcome[] = [];
    let chosen: string | null = null;
    let alreadyAssignedTo = '';
    for (const { userId, role } of order) {
      const tried = (outcome: CandidateOutcome['outcome']) => candidates.push(role ? { userId, outcome, role } : { userId, outcome });
      if (chosen || alreadyAssignedTo) {
        tried('not_tried');
        continue;
      }
      const user = directory.users.get(userId);
      if (!user || user.deactivated || user.removed) {
        tried('deactivated');
        continue;
      }
      // An owner outside the inbox could not even see the conversation.
      if (role === 'contact_owner' && !this.canSeeInbox(user, facts.inboxId, directory)) {
        tried('not_inbox_member');
        continue;
      }
      if (directory.status(userId) !== 'available') {
        tried('away');
        continue;
      }
      const result = await this.conversation.conversations.call.autoAssign({ accountId, conversationId: facts.conversationId, userId, capacity: capacityFor(rule, facts.channel) });
      if (result.outcome === 'assigned') {
        chosen = userId;
        tried('chosen');
      } else if (result.outcome === 'over_capacity') {
        tried('over_capacity');
      } else if (result.outcome === 'user_inactive') {
        tried('deactivated');
      } else if (result.outcome === 'already_assigned') {
        // Assigned meanwhile (by a person, or by an earlier attempt of ours that crashed before recording it).
        alreadyAssignedTo = result.assigneeId;
        tried('already_assigned');
      } else {
        outcome.noLongerWaiting.push(facts.conversationId);
        return lastAssigned;
      }
    }
    const base = { accountId, conversationId: facts.conversationId, inboxId: facts.inboxId, trigger, rule, candidates };
    if (chosen || alreadyAssignedTo) {
      const owner = chosen ?? alreadyAssignedTo;
      const fellBack = candidates.find((c) => c.userId === owner)?.role === 'fallback';
      const rotates = rule.mode === 'round_robin' || fellBack;
      outcome.noLongerWaiting.push(facts.conversationId);
      outcome.decisions.push({ ...base, chosenUserId: owner, outcome: chosen ? 'assigned' : 'already_assigned' });
      return rotates ? owner : lastAssigned;
    }
    const waiting: Waiting = { conversationId: facts.conversationId, inboxId: facts.inboxId, channel: facts.channel, createdAt: facts.createdAt ?? new Date() };
    if (await this.repository.addWaiting(tx, accountId, waiting)) outcome.decisions.push({ ...base, chosenUserId: null, outcome: 'waiting' });
    return lastAssigned;
  }

  /** Gives an agent who can take more the oldest waiting conversations their rules allow. */
  async pullBacklog(accountId: string, userId: string): Promise<number> {
    const [directory, rules, waiting] = await Promise.all([this.directory(accountId), this.ruleSource.rules(accountId), this.repository.oldestWaiting(accountId, 500)]);
    const user = directory.users.get(userId);
    if (!user || user.deactivated || user.removed || directory.status(userId) !== 'available') return 0;
    const full = new Set<string>();
    let assigned = 0;
    for (const w of waiting) {
      const rule = rules.get(w.inboxId);
      const bucket = w.channel === 'chat' || w.channel === 'messenger' ? 'chat' : 'email';
      if (!rule || rule.mode === 'none' || full.has(bucket)) continue;
      const facts = rule.mode === 'contact_owner' ? await this.facts(accountId, w.conversationId) : undefined;
      if (!this.candidatesOf(rule, { inboxId: w.inboxId, contactOwnerId: facts?.contactOwnerId ?? '' }, directory).includes(userId)) continue;
      const outcome = await withTransaction(this.repository.pool, async (tx) => {
        await this.repository.lockInbox(tx, accountId, w.inboxId);
        const result = await this.conversation.conversations.call.autoAssign({ accountId, conversationId: w.conversationId, userId, capacity: capacityFor(rule, w.channel) });
        if (result.outcome === 'over_capacity') return result.outcome;
        await this.repository.removeWaiting(tx, accountId, [w.conversationId]);
        if (result.outcome === 'assigned') {
          await this.repository.recordDecisions(tx, [
            {
              accountId,
              conversationId: w.conversationId,
              inboxId: w.inboxId,
              trigger: 'backlog',
              rule,
              candidates: [{ userId, outcome: 'chosen' }],
              chosenUserId: userId,
              outcome: 'assigned',
            },
          ]);
        }
        return result.outcome;
      });
      if (outcome === 'over_capacity') full.add(bucket);
      if (outcome === 'assigned') assigned += 1;
    }
    return assigned;
  }
}
