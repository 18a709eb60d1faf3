// An inbox's routing rule and a user's working hours, as admins set them: saved with their audit
// entry in one transaction.
import { changedFields, withTransaction, type AuditTrail, type Pool, type WorkingHours } from '@inbox/lib';
import type { Rule, RoutingStore, WorkingHoursStore } from './ports';

interface Actor {
  accountId: string;
  userId: string;
}

export class RoutingSettings {
  constructor(
    private readonly pool: Pool,
    private readonly rules: Pick<RoutingStore, 'rule' | 'setRule'>,
    private readonly workingHours: WorkingHoursStore,
    private readonly audit: AuditTrail,
  ) {}

  async setRule(actor: Actor, rule: Rule): Promise<Rule> {
    const before = await this.rules.rule(actor.accountId, rule.inboxId);
    return withTransaction(this.pool, async (tx) => {
      const saved = await this.rules.setRule(actor.accountId, rule, tx);
      const changes = changedFields(before, saved, ['mode', 'userIds', 'teamIds', 'chatCapacity', 'emailCapacity']);
      if (Object.keys(changes).length > 0) {
        await this.audit.record(tx, { accountId: actor.accountId, actorUserId: actor.userId, action: 'routing.rule_changed', targetType: 'inbox', targetId: rule.inboxId, changes });
      }
      return saved;
    });
  }

  async setWorkingHours(actor: Actor, userId: string, hours: WorkingHours | null): Promise<WorkingHours | null> {
    const before = await this.workingHours.get(actor.accountId, userId);
    return withTransaction(this.pool, async (tx) => {
      const saved = await this.workingHours.set(actor.accountId, userId, hours, tx);
      const changes = changedFields({ workingHours: before }, { workingHours: saved }, ['workingHours']);
      if (Object.keys(changes).length > 0) {
        await this.audit.record(tx, {
          accountId: actor.accountId,
          actorUserId: actor.userId,
          action: saved ? 'routing.working_hours_set' : 'routing.working_hours_removed',
          targetType: 'user',
          targetId: userId,
          changes,
        });
      }
      return saved;
    });
  }
}
