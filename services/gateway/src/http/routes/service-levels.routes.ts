// Service-level policies per inbox and per team (a team's wins for its conversations): first
// response, next response and resolution targets in minutes, in business hours or around the
// clock, optionally paused while waiting on the customer.
import { z, type ConversationClients } from '@inbox/lib';
import type { SlaPolicy } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import type { ApiRoutes } from '../api-route';
import { tenant } from '../authenticate';
import { WorkingHoursDto } from '../shapes/working-hours.shapes';

const Minutes = z.number().int().min(1).max(525_600).nullable();
const SlaPolicyDto = z
  .object({
    firstResponseMinutes: Minutes.describe("from the customer's first message to our first reply"),
    nextResponseMinutes: Minutes.describe('from a customer message after our reply to our next reply'),
    resolutionMinutes: Minutes.describe('from the first message to close'),
    businessHours: WorkingHoursDto.nullable().describe('time counts only within these (null: around the clock)'),
    pauseWhileWaitingOnCustomer: z.boolean().describe('resolution time stands still while our message is the last one'),
  })
  .openapi('SlaPolicy');


function policyDto(policy: SlaPolicy | undefined): z.infer<typeof SlaPolicyDto> | null {
  if (!policy) return null;
  return {
    firstResponseMinutes: policy.firstResponseMinutes ?? null,
    nextResponseMinutes: policy.nextResponseMinutes ?? null,
    resolutionMinutes: policy.resolutionMinutes ?? null,
    businessHours: policy.businessHours ? { timeZone: policy.businessHours.timeZone, periods: policy.businessHours.periods } : null,
    pauseWhileWaitingOnCustomer: policy.pauseWhileWaitingOnCustomer,
  };
}

export function registerServiceLevelRoutes(api: ApiRoutes, conversation: ConversationClients): void {
  const routes = (path: string, whose: string, scopeOf: (params: Record<string, string>) => { inboxId: string; teamId: string }) => {
    api.add(
      { method: 'get', path, summary: `The ${whose}'s service-level policy (null: none)`, tag: 'service levels', auth: true, response: SlaPolicyDto.nullable(), errors: [404] },
      async ({ user, params }) => policyDto((await conversation.serviceLevels.call.getSlaPolicy({ tenant: tenant(user), ...scopeOf(params) })).policy),
    );

    api.add(
      {
        method: 'put',
        path,
        summary: `Set the ${whose}'s service-level policy (admins only); the conversations it governs get their new targets before the answer`,
        tag: 'service levels',
        auth: true,
        body: SlaPolicyDto.extend({
          firstResponseMinutes: Minutes.default(null),
          nextResponseMinutes: Minutes.default(null),
          resolutionMinutes: Minutes.default(null),
          businessHours: WorkingHoursDto.nullable().default(null),
          pauseWhileWaitingOnCustomer: z.boolean().default(false),
        }).strict(),
        response: SlaPolicyDto,
        errors: [403, 404],
      },
      async ({ user, params, body }) =>
        policyDto(
          (
            await conversation.serviceLevels.call.setSlaPolicy({
              tenant: tenant(user),
              ...scopeOf(params),
              policy: {
                firstResponseMinutes: body.firstResponseMinutes ?? undefined,
                nextResponseMinutes: body.nextResponseMinutes ?? undefined,
                resolutionMinutes: body.resolutionMinutes ?? undefined,
                businessHours: body.businessHours ?? undefined,
                pauseWhileWaitingOnCustomer: body.pauseWhileWaitingOnCustomer,
              },
            })
          ).policy,
        )!,
    );

    api.add(
      { method: 'delete', path, summary: `Remove the ${whose}'s service-level policy (admins only)`, tag: 'service levels', auth: true, status: 204, errors: [403, 404] },
      async ({ user, params }) => {
        await conversation.serviceLevels.call.setSlaPolicy({ tenant: tenant(user), ...scopeOf(params), policy: undefined });
      },
    );
  };
  routes('/inboxes/:inboxId/sla', 'inbox', (params) => ({ inboxId: params.inboxId, teamId: '' }));
  // A team's policy governs its conversations in every inbox, instead of their inbox's.
  routes('/teams/:teamId/sla', 'team', (params) => ({ inboxId: '', teamId: params.teamId }));
}
