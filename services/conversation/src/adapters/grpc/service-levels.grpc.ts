// The ServiceLevelService of the conversation service's sla module: validated requests in, use cases, proto responses out.
import { InvalidArgumentError, type UnaryHandlers } from '@inbox/lib';
import type { ServiceLevelServiceService } from '@inbox/lib/gen/inbox/conversation/v1/service_levels';
import type { ConversationUseCases } from './use-cases';
import type { PolicyScope, SlaPolicy } from '../../modules/sla';
import { actorFrom } from '../proto-mapping';

function policyScope(request: { inboxId: string; teamId: string }): PolicyScope {
  if (!request.inboxId === !request.teamId) throw new InvalidArgumentError('scope_required', 'name an inbox or a team');
  return request.teamId ? { teamId: request.teamId } : { inboxId: request.inboxId };
}

function slaPolicyToProto(policy: SlaPolicy | null) {
  if (!policy) return undefined;
  return {
    firstResponseMinutes: policy.firstResponseMinutes ?? undefined,
    nextResponseMinutes: policy.nextResponseMinutes ?? undefined,
    resolutionMinutes: policy.resolutionMinutes ?? undefined,
    businessHours: policy.businessHours ?? undefined,
    pauseWhileWaitingOnCustomer: policy.pauseWhileWaitingOnCustomer,
  };
}

export function serviceLevelsGrpcHandlers(u: ConversationUseCases): UnaryHandlers<typeof ServiceLevelServiceService> {
  return {
    async getSlaPolicy(request) {
      return { policy: slaPolicyToProto(await u.serviceLevels.policy(actorFrom(request.tenant), policyScope(request))) };
    },

    async setSlaPolicy(request) {
      const input = request.policy
        ? {
            firstResponseMinutes: request.policy.firstResponseMinutes ?? null,
            nextResponseMinutes: request.policy.nextResponseMinutes ?? null,
            resolutionMinutes: request.policy.resolutionMinutes ?? null,
            businessHours: request.policy.businessHours ?? null,
            pauseWhileWaitingOnCustomer: request.policy.pauseWhileWaitingOnCustomer,
          }
        : null;
      return { policy: slaPolicyToProto(await u.serviceLevels.setPolicy(actorFrom(request.tenant), policyScope(request), input)) };
    },
  };
}
