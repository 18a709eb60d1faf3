// The ReportsService of the conversation service's reports module: validated requests in, use cases, proto responses out.
import { InvalidArgumentError, type UnaryHandlers } from '@inbox/lib';
import type { ReportsServiceService } from '@inbox/lib/gen/inbox/conversation/v1/reports';
import type { ConversationUseCases } from './use-cases';
import type { Figures, ReportInput, WallboardRow } from '../../modules/reports';
import { actorFrom } from '../proto-mapping';

const orUndefined = <T>(value: T | null): T | undefined => value ?? undefined;

function figuresToProto(f: Figures) {
  return {
    newConversations: f.newConversations,
    reopened: f.reopened,
    closed: f.closed,
    firstResponse: { count: f.firstResponse.count, medianSeconds: orUndefined(f.firstResponse.medianSeconds), p90Seconds: orUndefined(f.firstResponse.p90Seconds) },
    resolution: { count: f.resolution.count, medianSeconds: orUndefined(f.resolution.medianSeconds), p90Seconds: orUndefined(f.resolution.p90Seconds) },
    replies: f.replies,
    slaMet: f.sla.met,
    slaBreached: f.sla.breached,
    slaAttainment: orUndefined(f.sla.attainment),
    csatSent: f.csat.sent,
    csatAnswered: f.csat.answered,
    csatAverage: orUndefined(f.csat.average),
    csatResponseRate: orUndefined(f.csat.responseRate),
    npsSent: f.nps.sent,
    npsAnswered: f.nps.answered,
    npsPromoters: f.nps.promoters,
    npsDetractors: f.nps.detractors,
    npsScore: orUndefined(f.nps.score),
    npsResponseRate: orUndefined(f.nps.responseRate),
  };
}

const reportInput = (r: { from: string; to: string; groupBy: string; inboxId: string; teamId: string; agentId: string }): ReportInput => ({
  from: r.from,
  to: r.to,
  groupBy: r.groupBy,
  inboxId: r.inboxId,
  teamId: r.teamId,
  agentId: r.agentId,
});

const wallboardRowToProto = (row: WallboardRow) => ({
  ...row,
  oldestWaitingSince: orUndefined(row.oldestWaitingSince),
  firstResponseMedianSecondsToday: orUndefined(row.firstResponseMedianSecondsToday),
});

export function reportsGrpcHandlers(u: ConversationUseCases): UnaryHandlers<typeof ReportsServiceService> {
  return {
    async getReportSummary(request) {
      const summary = await u.reports.summary(actorFrom(request.tenant), reportInput(request));
      return {
        ...summary,
        totals: figuresToProto(summary.totals),
        groups: summary.groups.map((g) => ({ key: g.key, label: g.label, figures: figuresToProto(g.figures) })),
      };
    },

    async exportReport(request) {
      if (!request.query) throw new InvalidArgumentError('query_required', 'a report query is required');
      return { csv: await u.reports.csv(actorFrom(request.query.tenant), reportInput(request.query)) };
    },

    async getWallboard(request) {
      const board = await u.wallboard.board(actorFrom(request.tenant));
      return { ...board, inboxes: board.inboxes.map(wallboardRowToProto), teams: board.teams.map(wallboardRowToProto) };
    },
  };
}
