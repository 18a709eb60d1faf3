// Reports read from report_facts (appended by triggers, see migration 0027): one pass over the
// range's facts counts every figure for each group and for the whole range at once.
import type { Pool } from '@inbox/lib';
import type { FactCounts, Grouping, ReportQuery } from '../domain/reports';
import type { ReportFacts } from '../use-cases/reports';

// Keys per grouping, in the account's time zone ($4) for the calendar ones. Only these strings
// are ever put into the SQL text.
const GROUP_KEYS: Record<Grouping, string> = {
  day: `to_char((at AT TIME ZONE $4)::date, 'YYYY-MM-DD')`,
  week: `to_char(date_trunc('week', at AT TIME ZONE $4)::date, 'YYYY-MM-DD')`,
  inbox: 'inbox_id',
  team: `coalesce(team_id, '')`,
  agent: `coalesce(agent_id, '')`,
  channel: 'channel',
};

const RANGE = `account_id = $1 AND at >= ($2::date::timestamp AT TIME ZONE $4) AND at < (($3::date + 1)::timestamp AT TIME ZONE $4)
  AND ($5::text IS NULL OR inbox_id = $5) AND ($6::text IS NULL OR team_id = $6) AND ($7::text IS NULL OR agent_id = $7)`;

const durations = (kind: string, name: string) => `
  count(*) FILTER (WHERE kind = '${kind}') AS ${name}_count,
  percentile_disc(0.5) WITHIN GROUP (ORDER BY value) FILTER (WHERE kind = '${kind}') AS ${name}_median,
  percentile_disc(0.9) WITHIN GROUP (ORDER BY value) FILTER (WHERE kind = '${kind}') AS ${name}_p90`;

const FIGURES = `
  count(*) FILTER (WHERE kind = 'created') AS created,
  count(*) FILTER (WHERE kind = 'reopened') AS reopened,
  count(*) FILTER (WHERE kind = 'closed') AS closed,
  count(*) FILTER (WHERE kind = 'reply') AS replies,
  ${durations('first_response', 'first_response')},
  ${durations('resolution', 'resolution')},
  count(*) FILTER (WHERE kind = 'sla_met') AS sla_met,
  count(*) FILTER (WHERE kind = 'sla_breached') AS sla_breached,
  count(*) FILTER (WHERE kind = 'csat_sent') AS csat_sent,
  count(*) FILTER (WHERE kind = 'csat') AS csat_answered,
  coalesce(sum(value) FILTER (WHERE kind = 'csat'), 0) AS csat_sum,
  count(*) FILTER (WHERE kind = 'nps_sent') AS nps_sent,
  count(*) FILTER (WHERE kind = 'nps') AS nps_answered,
  count(*) FILTER (WHERE kind = 'nps' AND value >= 9) AS nps_promoters,
  count(*) FILTER (WHERE kind = 'nps' AND value <= 6) AS nps_detractors`;

type Row = Record<string, string | number | boolean | null> & { key: string | null; total: boolean };

const num = (v: unknown) => Number(v ?? 0);
const maybe = (v: unknown) => (v === null || v === undefined ? null : Number(v));

function countsOf(row: Row): FactCounts {
  return {
    created: num(row.created),
    reopened: num(row.reopened),
    closed: num(row.closed),
    replies: num(row.replies),
    firstResponse: { count: num(row.first_response_count), medianSeconds: maybe(row.first_response_median), p90Seconds: maybe(row.first_response_p90) },
    resolution: { count: num(row.resolution_count), medianSeconds: maybe(row.resolution_median), p90Seconds: maybe(row.resolution_p90) },
    slaMet: num(row.sla_met),
    slaBreached: num(row.sla_breached),
    csatSent: num(row.csat_sent),
    csatAnswered: num(row.csat_answered),
    csatSum: num(row.csat_sum),
    npsSent: num(row.nps_sent),
    npsAnswered: num(row.nps_answered),
    npsPromoters: num(row.nps_promoters),
    npsDetractors: num(row.nps_detractors),
  };
}

const EMPTY: Row = { key: null, total: true };

export class PostgresReportFacts implements ReportFacts {
  constructor(private readonly pool: Pool) {}

  async timeZone(accountId: string): Promise<string> {
    const found = await this.pool.query<{ time_zone: string }>('SELECT time_zone FROM accounts WHERE id = $1', [accountId]);
    return found.rows[0]?.time_zone ?? 'UTC';
  }

  async count(accountId: string, query: ReportQuery, timeZone: string) {
    const params = [accountId, query.from, query.to, timeZone, query.inboxId, query.teamId, query.agentId];
    const [grouped, hours] = await Promise.all([
      this.pool.query<Row>(
        `SELECT ${GROUP_KEYS[query.groupBy]} AS key, grouping(${GROUP_KEYS[query.groupBy]}) = 1 AS total, ${FIGURES}
           FROM report_facts WHERE ${RANGE}
          GROUP BY GROUPING SETS ((${GROUP_KEYS[query.groupBy]}), ()) ORDER BY 2 DESC, 1`,
        params,
      ),
      this.pool.query<{ hour: number; n: string }>(
        `SELECT extract(hour FROM at AT TIME ZONE $4)::int AS hour, count(*) AS n FROM report_facts WHERE ${RANGE} AND kind = 'created' GROUP BY 1`,
        params,
      ),
    ]);
    const busiestHours = Array.from({ length: 24 }, () => 0);
    for (const row of hours.rows) busiestHours[row.hour] = Number(row.n);
    const totals = grouped.rows.find((r) => r.total) ?? EMPTY;
    return { totals: countsOf(totals), groups: grouped.rows.filter((r) => !r.total).map((r) => ({ key: r.key ?? '', counts: countsOf(r) })), busiestHours };
  }

  async names(accountId: string, grouping: Grouping, keys: string[]): Promise<Map<string, string>> {
    const table = grouping === 'inbox' ? 'inboxes' : grouping === 'team' ? 'teams' : grouping === 'agent' ? 'users' : null;
    if (!table || keys.length === 0) return new Map();
    const found = await this.pool.query<{ id: string; name: string }>(`SELECT id, name FROM ${table} WHERE account_id = $1 AND id = ANY($2::text[])`, [accountId, keys]);
    return new Map(found.rows.map((r) => [r.id, r.name]));
  }
}
