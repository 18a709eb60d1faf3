// Reports: figures over a range of days in the account's time zone, grouped one way, read from
// the facts the changes themselves recorded. Admins see everyone's; an agent sees their own.
import { PermissionDeniedError } from '@inbox/lib';
import type { Actor } from '../../directory';
import { isAtLeast, requireActor } from '../../directory';
import { figuresFrom, reportCsv, validateReportQuery, type FactCounts, type Grouping, type ReportQuery, type ReportSummary } from '../domain/reports';

export interface ReportFacts {
  timeZone(accountId: string): Promise<string>;
  /** The counts for the whole range (totals), per group, and new conversations per local hour. */
  count(accountId: string, query: ReportQuery, timeZone: string): Promise<{ totals: FactCounts; groups: Array<{ key: string; counts: FactCounts }>; busiestHours: number[] }>;
  /** What people call the groups' keys (names of inboxes, teams, agents). */
  names(accountId: string, grouping: Grouping, keys: string[]): Promise<Map<string, string>>;
}

export type ReportInput = Parameters<typeof validateReportQuery>[0];

const CHANNEL_NAMES: Record<string, string> = { email: 'Email', chat: 'Chat', messenger: 'Messenger', form: 'Form', phone: 'Phone' };

function label(grouping: Grouping, key: string, names: Map<string, string>): string {
  switch (grouping) {
    case 'day':
      return key;
    case 'week':
      return `Week of ${key}`;
    case 'channel':
      return CHANNEL_NAMES[key] ?? key;
    case 'team':
      return key ? (names.get(key) ?? key) : 'No team';
    case 'agent':
      return key ? (names.get(key) ?? key) : 'Unassigned';
    case 'inbox':
      return names.get(key) ?? key;
  }
}

export class Reports {
  constructor(
    private readonly directory: Parameters<typeof requireActor>[0],
    private readonly facts: ReportFacts,
    /** Records the export in the audit trail (on the primary: the facts may come from a replica). */
    private readonly auditExport: (actor: Actor, detail: Record<string, unknown>) => Promise<unknown>,
  ) {}

  async summary(actor: Actor, input: ReportInput): Promise<ReportSummary> {
    const user = await requireActor(this.directory, actor, 'agent');
    const query = validateReportQuery(input);
    if (!isAtLeast(user.role, 'admin')) {
      if (query.agentId && query.agentId !== user.id) throw new PermissionDeniedError('forbidden', "agents see their own figures, not other people's");
      query.agentId = user.id;
    }
    const timeZone = await this.facts.timeZone(actor.accountId);
    const counted = await this.facts.count(actor.accountId, query, timeZone);
    const names = await this.facts.names(actor.accountId, query.groupBy, counted.groups.map((g) => g.key));
    return {
      from: query.from,
      to: query.to,
      timeZone,
      groupBy: query.groupBy,
      totals: figuresFrom(counted.totals),
      groups: counted.groups.map((g) => ({ key: g.key, label: label(query.groupBy, g.key, names), figures: figuresFrom(g.counts) })),
      busiestHours: counted.busiestHours,
    };
  }

  async csv(actor: Actor, input: ReportInput): Promise<string> {
    const summary = await this.summary(actor, input);
    await this.auditExport(actor, { from: summary.from, to: summary.to, groupBy: summary.groupBy, rows: summary.groups.length });
    return reportCsv(summary);
  }
}
