// What a report asks and answers. A range is whole days in the account's time zone, `to`
// included; durations are whole seconds; a percentile is the smallest value with at least that
// share of the values at or below it (the nearest-rank definition, so it is always a real value).
import { InvalidArgumentError } from '@inbox/lib';

export const GROUPINGS = ['day', 'week', 'inbox', 'team', 'agent', 'channel'] as const;
export type Grouping = (typeof GROUPINGS)[number];

export interface ReportQuery {
  from: string;
  to: string;
  groupBy: Grouping;
  inboxId: string | null;
  teamId: string | null;
  agentId: string | null;
}

export interface Durations {
  count: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
}

export interface Figures {
  newConversations: number;
  reopened: number;
  closed: number;
  firstResponse: Durations;
  resolution: Durations;
  replies: number;
  sla: { met: number; breached: number; attainment: number | null };
  csat: { sent: number; answered: number; average: number | null; responseRate: number | null };
  nps: { sent: number; answered: number; promoters: number; detractors: number; score: number | null; responseRate: number | null };
}

export interface ReportSummary {
  from: string;
  to: string;
  timeZone: string;
  groupBy: Grouping;
  totals: Figures;
  /** One per group with any fact, in key order; a key is a date (day, week's Monday) or an id ('' for none), its label what people read. */
  groups: Array<{ key: string; label: string; figures: Figures }>;
  /** New conversations by the hour of the day they started (0–23, account time). */
  busiestHours: number[];
}

/** Facts counted per group, before the shares and rates are derived. */
export interface FactCounts {
  created: number;
  reopened: number;
  closed: number;
  replies: number;
  firstResponse: Durations;
  resolution: Durations;
  slaMet: number;
  slaBreached: number;
  csatSent: number;
  csatAnswered: number;
  csatSum: number;
  npsSent: number;
  npsAnswered: number;
  npsPromoters: number;
  npsDetractors: number;
}

const noDurations = (): Durations => ({ count: 0, medianSeconds: null, p90Seconds: null });

/** Nothing counted yet. */
export function emptyFactCounts(): FactCounts {
  return {
    created: 0,
    reopened: 0,
    closed: 0,
    replies: 0,
    firstResponse: noDurations(),
    resolution: noDurations(),
    slaMet: 0,
    slaBreached: 0,
    csatSent: 0,
    csatAnswered: 0,
    csatSum: 0,
    npsSent: 0,
    npsAnswered: 0,
    npsPromoters: 0,
    npsDetractors: 0,
  };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_DAYS = 3 * 366;
const DAY_MS = 86_400_000;

function parseDate(field: string, value: string): number {
  const ms = DATE.test(value) ? Date.parse(`${value}T00:00:00Z`) : NaN;
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) {
    throw new InvalidArgumentError('invalid_date', `${field} must be a date as YYYY-MM-DD`, { field });
  }
  return ms;
}

export function validateReportQuery(input: { from: string; to: string; groupBy: string; inboxId?: string; teamId?: string; agentId?: string }): ReportQuery {
  const from = parseDate('from', input.from);
  const to = parseDate('to', input.to);
  if (to < from) throw new InvalidArgumentError('invalid_range', 'to must not be before from');
  if ((to - from) / DAY_MS + 1 > MAX_DAYS) throw new InvalidArgumentError('invalid_range', `a report covers at most ${MAX_DAYS} days`);
  if (!(GROUPINGS as readonly string[]).includes(input.groupBy)) {
    throw new InvalidArgumentError('invalid_group_by', `groupBy is one of ${GROUPINGS.join(', ')}`);
  }
  return { from: input.from, to: input.to, groupBy: input.groupBy as Grouping, inboxId: input.inboxId || null, teamId: input.teamId || null, agentId: input.agentId || null };
}

const share = (part: number, whole: number) => (whole === 0 ? null : part / whole);

export function figuresFrom(c: FactCounts): Figures {
  return {
    newConversations: c.created,
    reopened: c.reopened,
    closed: c.closed,
    firstResponse: c.firstResponse,
    resolution: c.resolution,
    replies: c.replies,
    sla: { met: c.slaMet, breached: c.slaBreached, attainment: share(c.slaMet, c.slaMet + c.slaBreached) },
    csat: { sent: c.csatSent, answered: c.csatAnswered, average: share(c.csatSum, c.csatAnswered), responseRate: share(c.csatAnswered, c.csatSent) },
    nps: {
      sent: c.npsSent,
      answered: c.npsAnswered,
      promoters: c.npsPromoters,
      detractors: c.npsDetractors,
      // Net promoter score: the share of promoters (9–10) less the share of detractors (0–6), ×100.
      score: c.npsAnswered === 0 ? null : (100 * (c.npsPromoters - c.npsDetractors)) / c.npsAnswered,
      responseRate: share(c.npsAnswered, c.npsSent),
    },
  };
}

const CSV_HEADER = [
  'group',
  'new_conversations',
  'reopened',
  'closed',
  'first_responses',
  'first_response_median_seconds',
  'first_response_p90_seconds',
  'resolutions',
  'resolution_median_seconds',
  'resolution_p90_seconds',
  'replies',
  'sla_met',
  'sla_breached',
  'sla_attainment',
  'csat_sent',
  'csat_answered',
  'csat_average',
  'csat_response_rate',
  'nps_sent',
  'nps_answered',
  'nps_score',
  'nps_response_rate',
];

const cell = (value: string | number | null): string => {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(4);
  // Quoted always, and a leading formula character defused, so a name cannot run in a spreadsheet.
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${text.replace(/"/g, '""')}"`;
};

function csvRow(label: string, f: Figures): string {
  return [
    label,
    f.newConversations,
    f.reopened,
    f.closed,
    f.firstResponse.count,
    f.firstResponse.medianSeconds,
    f.firstResponse.p90Seconds,
    f.resolution.count,
    f.resolution.medianSeconds,
    f.resolution.p90Seconds,
    f.replies,
    f.sla.met,
    f.sla.breached,
    f.sla.attainment,
    f.csat.sent,
    f.csat.answered,
    f.csat.average,
    f.csat.responseRate,
    f.nps.sent,
    f.nps.answered,
    f.nps.score,
    f.nps.responseRate,
  ]
    .map((v, i) => (i === 0 ? cell(String(v)) : cell(v as number | null)))
    .join(',');
}

/** The summary as CSV: a header, one row per group (by its label), and a total row. */
export function reportCsv(summary: ReportSummary): string {
  const lines = [CSV_HEADER.join(',')];
  for (const group of summary.groups) lines.push(csvRow(group.label, group.figures));
  lines.push(csvRow('Total', summary.totals));
  return `${lines.join('\r\n')}\r\n`;
}
