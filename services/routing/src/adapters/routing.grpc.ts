// The RoutingService gRPC API. The gateway checks who may call what (own availability, admins
// for others and for rules); this service checks the values.
import { InvalidArgumentError, type UnaryHandlers } from '@inbox/lib';
import type { Tenant } from '@inbox/lib/gen/inbox/common/v1/common';
import { Availability, type RoutingRule, type RoutingServiceService } from '@inbox/lib/gen/inbox/routing/v1/routing';
import type { ChangeAvailability } from '../use-cases/availability';
import type { RoutingSettings } from '../use-cases/routing-settings';
import type { WorkingHoursStore } from '../use-cases/ports';
import type { AvailabilityStore } from './availability.store';
import type { RoutingRepository } from './routing.repository';
import type { Rule } from '../use-cases/ports';
import { fallbackReason } from '../domain/contact-owner';
import type { DirectorySource } from '../use-cases/route-conversations';

function accountOf(tenant: Tenant | undefined): string {
  if (!tenant?.accountId || !tenant.userId) throw new InvalidArgumentError('tenant_required', 'tenant account and user are required');
  return tenant.accountId;
}

const toProto = (rule: Rule): RoutingRule => rule;

export function routingGrpcHandlers(deps: {
  store: AvailabilityStore;
  changeAvailability: ChangeAvailability;
  workingHours: WorkingHoursStore;
  repository: RoutingRepository;
  directory: DirectorySource;
  settings: RoutingSettings;
  /** After a rule is saved: caches of it (on every replica) are dropped. */
  onRulesChanged?: (accountId: string) => void;
}): UnaryHandlers<typeof RoutingServiceService> {
  return {
    async getAvailability(request) {
      const record = await deps.store.get(accountOf(request.tenant), request.userId);
      return {
        availability: record.status === 'available' ? Availability.AVAILABILITY_AVAILABLE : Availability.AVAILABILITY_AWAY,
        changedAt: record.changedAt ?? undefined,
        changedBy: record.changedBy,
      };
    },
    async setAvailability(request) {
      const accountId = accountOf(request.tenant);
      if (!request.userId) throw new InvalidArgumentError('user_required', 'user_id is required');
      if (request.availability === Availability.AVAILABILITY_UNSPECIFIED) throw new InvalidArgumentError('invalid_availability', 'available or away');
      const status = request.availability === Availability.AVAILABILITY_AVAILABLE ? 'available' : 'away';
      await deps.changeAvailability.execute(accountId, request.userId, status, request.tenant!.userId);
      return { availability: request.availability };
    },
    async getWorkingHours(request) {
      return { hours: (await deps.workingHours.get(accountOf(request.tenant), request.userId)) ?? undefined };
    },
    async setWorkingHours(request) {
      const accountId = accountOf(request.tenant);
      if (!request.userId) throw new InvalidArgumentError('user_required', 'user_id is required');
      return { hours: (await deps.settings.setWorkingHours({ accountId, userId: request.tenant!.userId }, request.userId, request.hours ?? null)) ?? undefined };
    },
    async getRoutingRule(request) {
      return { rule: toProto(await deps.repository.rule(accountOf(request.tenant), request.inboxId)) };
    },
    async setRoutingRule(request) {
      const accountId = accountOf(request.tenant);
      const rule = request.rule;
      if (!rule?.inboxId) throw new InvalidArgumentError('inbox_required', 'rule.inbox_id is required');
      if (!['none', 'round_robin', 'contact_owner'].includes(rule.mode)) throw new InvalidArgumentError('invalid_mode', 'mode is none, round_robin or contact_owner');
      if (rule.chatCapacity < 0 || rule.emailCapacity < 0) throw new InvalidArgumentError('invalid_capacity', 'capacity is 0 (no limit) or more');
      if (rule.userIds.length > 500) throw new InvalidArgumentError('too_many_users', 'at most 500 users per rule');
      const saved = await deps.settings.setRule({ accountId, userId: request.tenant!.userId }, { ...rule, mode: rule.mode as Rule['mode'], userIds: [...new Set(rule.userIds)] });
      deps.onRulesChanged?.(accountId);
      return { rule: toProto(saved) };
    },
    async listAgentStates(request) {
      const accountId = accountOf(request.tenant);
      const [{ users }, statusOf, rules] = await Promise.all([deps.directory.directory(accountId), deps.store.statuses(accountId), deps.repository.rules(accountId)]);
      return {
        agents: [...users.values()]
          .filter((u) => !u.deactivated && !u.removed)
          .map((u) => ({ userId: u.id, availability: statusOf(u.id) === 'available' ? Availability.AVAILABILITY_AVAILABLE : Availability.AVAILABILITY_AWAY })),
        capacities: [...rules.values()].map((r) => ({ inboxId: r.inboxId, chatCapacity: r.chatCapacity, emailCapacity: r.emailCapacity })),
      };
    },
    async listDecisions(request) {
      const decisions = await deps.repository.decisions(accountOf(request.tenant), request.conversationId);
      return {
        decisions: decisions.map((d) => ({
          ...d,
          rule: toProto(d.rule),
          candidates: d.candidates.map((c) => ({ userId: c.userId, outcome: c.outcome, role: c.role ?? '' })),
          fallbackReason: fallbackReason(d.rule.mode, d.candidates),
        })),
      };
    },
  };
}
