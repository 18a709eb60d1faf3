// Availability, working hours, routing rules and the explanation of automatic assignments.
import { HttpError, NotFoundError, z, type ServiceClient, type ConversationClients } from '@inbox/lib';
import { Availability, type RoutingRule, type RoutingServiceService } from '@inbox/lib/gen/inbox/routing/v1/routing';
import type { ApiRoutes } from '../api-route';
import { requireAdmin, type AuthenticatedUser, tenant } from '../authenticate';
import { WorkingHoursDto } from '../shapes/working-hours.shapes';

const Status = z.enum(['available', 'away']);
const AvailabilityDto = z.object({ userId: z.string(), status: Status, changedAt: z.string().nullable(), changedBy: z.string().nullable() }).openapi('Availability');
const RuleDto = z
  .object({
    inboxId: z.string(),
    mode: z.enum(['none', 'round_robin', 'contact_owner']),
    userIds: z.array(z.string()),
    teamIds: z.array(z.string()),
    capacity: z.object({ chat: z.number().int().nullable(), email: z.number().int().nullable() }),
  })
  .openapi('RoutingRule');
const DecisionDto = z
  .object({
    id: z.string(),
    trigger: z.enum(['new', 'released', 'backlog']),
    rule: RuleDto,
    candidates: z.array(
      z.object({
        userId: z.string(),
        outcome: z.string().describe('chosen | away | deactivated | over_capacity | already_assigned | not_tried | not_inbox_member'),
        role: z.enum(['contact_owner', 'fallback']).optional().describe('only under contact-owner routing: asked as the owner or as a fallback'),
      }),
    ),
    chosenUserId: z.string().nullable(),
    outcome: z.enum(['assigned', 'waiting', 'already_assigned']),
    fallbackReason: z
      .enum(['no_owner', 'owner_away', 'owner_over_capacity', 'owner_deactivated', 'owner_not_inbox_member'])
      .nullable()
      .describe("under contact-owner routing, why the contact's owner was passed over"),
    decidedAt: z.string(),
  })
  .openapi('RoutingDecision');

function ruleDto(rule: RoutingRule): z.infer<typeof RuleDto> {
  return {
    inboxId: rule.inboxId,
    mode: rule.mode as z.infer<typeof RuleDto>['mode'],
    userIds: rule.userIds,
    teamIds: rule.teamIds,
    capacity: { chat: rule.chatCapacity || null, email: rule.emailCapacity || null },
  };
}

export function registerRoutingRoutes(
  api: ApiRoutes,
  conversation: ConversationClients,
  routing: ServiceClient<typeof RoutingServiceService>,
): void {
  const requireUser = async (user: AuthenticatedUser, userId: string) => {
    const found = (await conversation.directory.call.getUser({ tenant: tenant(user), userId })).user;
    if (!found || found.removed) throw new NotFoundError('user_not_found', 'no such user');
  };
  const availabilityOf = async (user: AuthenticatedUser, userId: string) => {
    const result = await routing.call.getAvailability({ tenant: tenant(user), userId });
    return {
      userId,
      status: result.availability === Availability.AVAILABILITY_AWAY ? ('away' as const) : ('available' as const),
      changedAt: result.changedAt?.toISOString() ?? null,
      changedBy: result.changedBy || null,
    };
  };
  const setAvailability = async (user: AuthenticatedUser, userId: string, status: 'available' | 'away') => {
    await routing.call.setAvailability({ tenant: tenant(user), userId, availability: status === 'available' ? Availability.AVAILABILITY_AVAILABLE : Availability.AVAILABILITY_AWAY });
    return availabilityOf(user, userId);
  };

  api.add(
    { method: 'get', path: '/me/availability', summary: 'My availability (available or away)', tag: 'routing', auth: true, response: AvailabilityDto },
    async ({ user }) => availabilityOf(user, user.id),
  );
  api.add(
    {
      method: 'put',
      path: '/me/availability',
      summary: 'Set my availability; away keeps my open conversations but routes nothing new to me',
      tag: 'routing',
      auth: true,
      body: z.object({ status: Status }).strict(),
      response: AvailabilityDto,
    },
    async ({ user, body }) => setAvailability(user, user.id, body.status),
  );
  api.add(
    { method: 'get', path: '/users/:id/availability', summary: "A user's availability", tag: 'routing', auth: true, response: AvailabilityDto, errors: [404] },
    async ({ user, params }) => {
      await requireUser(user, params.id);
      return availabilityOf(user, params.id);
    },
  );
  api.add(
    {
      method: 'put',
      path: '/users/:id/availability',
      summary: "Set another user's availability (admins)",
      tag: 'routing',
      auth: true,
      body: z.object({ status: Status }).strict(),
      response: AvailabilityDto,
      errors: [403, 404],
    },
    async ({ user, params, body }) => {
      if (params.id !== user.id) requireAdmin(user);
      await requireUser(user, params.id);
      return setAvailability(user, params.id, body.status);
    },
  );

  const hoursRoutes = (path: string, userIdOf: (user: AuthenticatedUser, params: Record<string, string>) => string, adminForOthers: boolean) => {
    api.add(
      { method: 'get', path, summary: 'Working hours (availability flips at their start and end)', tag: 'routing', auth: true, response: WorkingHoursDto.nullable(), errors: [404] },
      async ({ user, params }) => {
        const userId = userIdOf(user, params);
        if (userId !== user.id) await requireUser(user, userId);
        const result = await routing.call.getWorkingHours({ tenant: tenant(user), userId });
        return result.hours ? { timeZone: result.hours.timeZone, periods: result.hours.periods } : null;
      },
    );
    api.add(
      { method: 'put', path, summary: 'Set working hours in a time zone', tag: 'routing', auth: true, body: WorkingHoursDto.strict(), response: WorkingHoursDto, errors: [403, 404] },
      async ({ user, params, body }) => {
        const userId = userIdOf(user, params);
        if (adminForOthers && userId !== user.id) requireAdmin(user);
        if (userId !== user.id) await requireUser(user, userId);
        const result = await routing.call.setWorkingHours({ tenant: tenant(user), userId, hours: body });
        return { timeZone: result.hours!.timeZone, periods: result.hours!.periods };
      },
    );
    api.add(
      { method: 'delete', path, summary: 'Remove working hours (availability changes only by hand)', tag: 'routing', auth: true, status: 204, errors: [403, 404] },
      async ({ user, params }) => {
        const userId = userIdOf(user, params);
        if (adminForOthers && userId !== user.id) requireAdmin(user);
        if (userId !== user.id) await requireUser(user, userId);
        await routing.call.setWorkingHours({ tenant: tenant(user), userId, hours: undefined });
      },
    );
  };
  hoursRoutes('/me/working-hours', (user) => user.id, false);
  hoursRoutes('/users/:id/working-hours', (_user, params) => params.id, true);

  const requireInbox = async (user: AuthenticatedUser, inboxId: string) => {
    const inboxes = (await conversation.directory.call.listInboxes({ tenant: tenant(user) })).inboxes;
    if (!inboxes.some((i) => i.id === inboxId)) throw new NotFoundError('inbox_not_found', 'no such inbox');
  };

  api.add(
    { method: 'get', path: '/inboxes/:inboxId/routing', summary: "The inbox's routing rule", tag: 'routing', auth: true, response: RuleDto, errors: [404] },
    async ({ user, params }) => {
      await requireInbox(user, params.inboxId);
      return ruleDto((await routing.call.getRoutingRule({ tenant: tenant(user), inboxId: params.inboxId })).rule!);
    },
  );
  api.add(
    {
      method: 'put',
      path: '/inboxes/:inboxId/routing',
      summary:
        "Set the routing rule: leave unassigned, round robin (these users and these teams' members, or all members), or the contact owner (then the same people as the fallback); optional capacity per agent",
      tag: 'routing',
      auth: true,
      body: z
        .object({
          mode: z.enum(['none', 'round_robin', 'contact_owner']),
          userIds: z.array(z.string().min(1).max(100)).max(500).optional(),
          teamIds: z.array(z.string().min(1).max(100)).max(100).optional(),
          capacity: z.object({ chat: z.number().int().min(1).max(10_000).optional(), email: z.number().int().min(1).max(10_000).optional() }).strict().optional(),
        })
        .strict(),
      response: RuleDto,
      errors: [403, 404, 422],
    },
    async ({ user, params, body }) => {
      requireAdmin(user);
      await requireInbox(user, params.inboxId);
      const teamIds = [...new Set(body.teamIds ?? [])];
      if (teamIds.length > 0) {
        const known = new Set((await conversation.directory.call.listTeams({ tenant: tenant(user) })).teams.map((t) => t.id));
        const unknown = teamIds.filter((id) => !known.has(id));
        if (unknown.length > 0) throw new HttpError(422, 'unknown_teams', 'these teams are not in this account', { teamIds: unknown });
      }
      const userIds = body.userIds ?? [];
      if (userIds.length > 0) {
        const known = new Set((await conversation.directory.call.listUsers({ tenant: tenant(user) })).users.filter((u) => !u.removed).map((u) => u.id));
        const unknown = userIds.filter((id) => !known.has(id));
        if (unknown.length > 0) throw new HttpError(422, 'unknown_users', 'these users are not in this account', { userIds: unknown });
      }
      const result = await routing.call.setRoutingRule({
        tenant: tenant(user),
        rule: { inboxId: params.inboxId, mode: body.mode, userIds, teamIds, chatCapacity: body.capacity?.chat ?? 0, emailCapacity: body.capacity?.email ?? 0 },
      });
      return ruleDto(result.rule!);
    },
  );

  api.add(
    {
      method: 'get',
      path: '/conversations/:id/routing',
      summary: 'Why the conversation was (or was not) assigned automatically: each decision with its rule and candidates, newest first',
      tag: 'routing',
      auth: true,
      response: z.object({ items: z.array(DecisionDto) }),
      errors: [404],
    },
    async ({ user, params }) => {
      const found = await conversation.conversations.call.getConversationSummaries({ tenant: tenant(user), conversationIds: [params.id] });
      if (found.items.length === 0) throw new NotFoundError('conversation_not_found', 'no such conversation');
      const result = await routing.call.listDecisions({ tenant: tenant(user), conversationId: params.id });
      return {
        items: result.decisions.map((d) => ({
          id: d.id,
          trigger: d.trigger as 'new' | 'released' | 'backlog',
          rule: ruleDto(d.rule!),
          candidates: d.candidates.map((c) => ({ userId: c.userId, outcome: c.outcome, ...(c.role ? { role: c.role as 'contact_owner' | 'fallback' } : {}) })),
          chosenUserId: d.chosenUserId || null,
          outcome: d.outcome as 'assigned' | 'waiting' | 'already_assigned',
          fallbackReason: (d.fallbackReason || null) as z.infer<typeof DecisionDto>['fallbackReason'],
          decidedAt: (d.decidedAt ?? new Date(0)).toISOString(),
        })),
      };
    },
  );
}
