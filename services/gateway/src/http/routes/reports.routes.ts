// Reports, the wallboard and the account settings they depend on (its time zone). Who may see
// what is decided by the conversation service: admins everyone's figures, agents their own.
import { z, type ServiceClient, type ConversationClients } from '@inbox/lib';
import type { Account, ReportFigures } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import type { RoutingServiceService } from '@inbox/lib/gen/inbox/routing/v1/routing';
import type { ApiRoutes } from '../api-route';
import { type AuthenticatedUser, tenant } from '../authenticate';
import { fetchWallboard } from '../../realtime/wallboards';


const AccountDto = z.object({ id: z.string(), name: z.string(), timeZone: z.string().describe('IANA; reports count days in it') }).openapi('Account');
const accountDto = (a: Account | undefined): z.infer<typeof AccountDto> => ({ id: a?.id ?? '', name: a?.name ?? '', timeZone: a?.timeZone ?? 'UTC' });

const Share = z.number().nullable();
const DurationsDto = z.object({
  count: z.number().int(),
  medianSeconds: z.number().int().nullable(),
  p90Seconds: z.number().int().nullable().describe('nearest rank: the smallest value with at least 90% of values at or below it'),
});
const FiguresDto = z
  .object({
    newConversations: z.number().int(),
    reopened: z.number().int(),
    closed: z.number().int(),
    firstResponse: DurationsDto.describe("from the customer's first message to the first reply by a person"),
    resolution: DurationsDto.describe('from the start of the conversation to each closing'),
    replies: z.number().int().describe('replies by people (not bots, surveys, transcripts or forwards)'),
    sla: z.object({ met: z.number().int(), breached: z.number().int(), attainment: Share }),
    csat: z.object({ sent: z.number().int(), answered: z.number().int(), average: Share, responseRate: Share }),
    nps: z.object({ sent: z.number().int(), answered: z.number().int(), promoters: z.number().int(), detractors: z.number().int(), score: Share, responseRate: Share }),
  })
  .openapi('ReportFigures');

const ReportQuery = z
  .object({
    from: z.string().describe('first day, YYYY-MM-DD, in the account time zone'),
    to: z.string().describe('last day, included'),
    groupBy: z.enum(['day', 'week', 'inbox', 'team', 'agent', 'channel']).default('day'),
    inboxId: z.string().max(100).optional(),
    teamId: z.string().max(100).optional(),
    agentId: z.string().max(100).optional(),
  })
  .strict();

const ReportSummaryDto = z
  .object({
    from: z.string(),
    to: z.string(),
    timeZone: z.string(),
    groupBy: z.string(),
    totals: FiguresDto,
    groups: z.array(z.object({ key: z.string(), label: z.string(), figures: FiguresDto })),
    busiestHours: z.array(z.number().int()).describe('new conversations by hour of the day (0–23, account time)'),
  })
  .openapi('ReportSummary');

const durations = (d: ReportFigures['firstResponse']) => ({ count: d?.count ?? 0, medianSeconds: d?.medianSeconds ?? null, p90Seconds: d?.p90Seconds ?? null });

function figuresDto(f: ReportFigures | undefined): z.infer<typeof FiguresDto> {
  const x = f ?? ({} as Partial<ReportFigures>);
  return {
    newConversations: x.newConversations ?? 0,
    reopened: x.reopened ?? 0,
    closed: x.closed ?? 0,
    firstResponse: durations(x.firstResponse),
    resolution: durations(x.resolution),
    replies: x.replies ?? 0,
    sla: { met: x.slaMet ?? 0, breached: x.slaBreached ?? 0, attainment: x.slaAttainment ?? null },
    csat: { sent: x.csatSent ?? 0, answered: x.csatAnswered ?? 0, average: x.csatAverage ?? null, responseRate: x.csatResponseRate ?? null },
    nps: {
      sent: x.npsSent ?? 0,
      answered: x.npsAnswered ?? 0,
      promoters: x.npsPromoters ?? 0,
      detractors: x.npsDetractors ?? 0,
      score: x.npsScore ?? null,
      responseRate: x.npsResponseRate ?? null,
    },
  };
}

const AgentCountsDto = z.object({ available: z.number().int(), away: z.number().int(), atCapacity: z.number().int() });
const WallboardRowDto = z.object({
  id: z.string(),
  name: z.string(),
  open: z.number().int(),
  unassigned: z.number().int(),
  oldestWaitingSince: z.string().nullable().describe("when the longest-waiting open conversation's last customer message came"),
  breaching: z.number().int().describe('open conversations past their service-level due time'),
  firstResponsesToday: z.number().int(),
  firstResponseMedianSecondsToday: z.number().int().nullable(),
  agents: AgentCountsDto,
});
const WallboardDto = z
  .object({ asOf: z.string(), timeZone: z.string(), inboxes: z.array(WallboardRowDto), teams: z.array(WallboardRowDto) })
  .openapi('Wallboard');

export function registerReportRoutes(api: ApiRoutes, conversation: ConversationClients, routing: ServiceClient<typeof RoutingServiceService>): void {
  api.add(
    { method: 'get', path: '/account', summary: 'The account: its name and time zone', tag: 'accounts', auth: true, response: AccountDto },
    async ({ user }) => accountDto((await conversation.directory.call.getAccount({ tenant: tenant(user) })).account),
  );

  api.add(
    {
      method: 'patch',
      path: '/account',
      summary: "Rename the account or set its time zone (admins only); reports count days in it",
      tag: 'accounts',
      auth: true,
      body: z.object({ name: z.string().max(200).optional(), timeZone: z.string().max(64).optional() }).strict(),
      response: AccountDto,
      errors: [403],
    },
    async ({ user, body }) => accountDto((await conversation.directory.call.updateAccount({ tenant: tenant(user), name: body.name, timeZone: body.timeZone })).account),
  );

  const request = (user: AuthenticatedUser, q: z.infer<typeof ReportQuery>) => ({
    tenant: tenant(user),
    from: q.from,
    to: q.to,
    groupBy: q.groupBy,
    inboxId: q.inboxId ?? '',
    teamId: q.teamId ?? '',
    agentId: q.agentId ?? '',
  });

  api.add(
    {
      method: 'get',
      path: '/reports/summary',
      summary:
        "Conversations opened, reopened and closed, first response and resolution times (median, 90th percentile), SLA attainment, replies, CSAT and NPS, for whole days in the account's time zone, per group and in total (admins: everyone's; agents: their own)",
      tag: 'reports',
      auth: true,
      query: ReportQuery,
      response: ReportSummaryDto,
      errors: [403],
    },
    async ({ user, query }) => {
      const summary = await conversation.reports.call.getReportSummary(request(user, query));
      return {
        from: summary.from,
        to: summary.to,
        timeZone: summary.timeZone,
        groupBy: summary.groupBy,
        totals: figuresDto(summary.totals),
        groups: summary.groups.map((g) => ({ key: g.key, label: g.label, figures: figuresDto(g.figures) })),
        busiestHours: summary.busiestHours,
      };
    },
  );

  api.add(
    { method: 'get', path: '/reports/export.csv', summary: 'The same report as CSV: one row per group and a total row', tag: 'reports', auth: true, query: ReportQuery, errors: [403] },
    async ({ user, query, res }) => {
      const { csv } = await conversation.reports.call.exportReport({ query: request(user, query) });
      res.setHeader('content-type', 'text/csv; charset=utf-8');
      res.setHeader('content-disposition', `attachment; filename="report-${query.from}-${query.to}-by-${query.groupBy}.csv"`);
      res.status(200).send(csv);
    },
  );

  api.add(
    {
      method: 'get',
      path: '/wallboard',
      summary:
        "What is happening now, per inbox and team: open and unassigned conversations, the longest wait, what is breaching, today's first responses, agents available, away and at capacity (admins only; live over the WebSocket with {type:\"wallboard.watch\"})",
      tag: 'reports',
      auth: true,
      response: WallboardDto,
      errors: [403],
    },
    async ({ user }) => fetchWallboard(conversation.reports, routing, user),
  );
}
