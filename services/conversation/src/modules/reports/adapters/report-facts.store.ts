// Reports: counts from the rows kept per local day (report_day_counts, migration 0028) and the
// deltas not folded into them yet, read in one statement, so exact; the response and resolution
// time percentiles and the busiest hours from the facts themselves (migration 0027), over an
// index of those kinds only. Totals of counts are the groups' sums. For the facts, days and
// weeks are slots between local midnights computed once per query: a fact finds its slot by a
// binary search of those instants (width_bucket), not by a time-zone conversion per row.
import { UnavailableError, type Pool } from '@inbox/lib';
import { emptyFactCounts, type FactCounts, type Grouping, type ReportQuery } from '../domain/reports';
import type { ReportFacts } from '../use-cases/reports';

const DIMENSIONS: Partial<Record<Grouping, string>> = {
  inbox: 'inbox_id',
  team: `coalesce(team_id, '')`,
  agent: `coalesce(agent_id, '')`,
  channel: 'channel',
};

/** Count keys over report_day_counts and its pending deltas (alias-free column c.day is a local date). */
const COUNT_KEYS: Record<Grouping, string> = {
  day: `to_char(day, 'YYYY-MM-DD')`,
  week: `to_char(date_trunc('week', day)::date, 'YYYY-MM-DD')`,
  inbox: 'inbox_id',
  team: `coalesce(team_id, '')`,
  agent: `coalesce(agent_id, '')`,
  channel: 'channel',
};

/** The facts of the range: $1 account, $2 first and $3 end instant, $4–$6 filters. */
const RANGE = `account_id = $1 AND at >= $2 AND at < $3
  AND ($4::text IS NULL OR inbox_id = $4) AND ($5::text IS NULL OR team_id = $5) AND ($6::text IS NULL OR agent_id = $6)`;

const DAY_MS = 86_400_000;
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
const weekday = (day: string) => new Date(`${day}T00:00:00Z`).getUTCDay();
const mondayOf = (day: string) => addDays(day, -((weekday(day) + 6) % 7));

/** The local dates whose midnights start the slots of a calendar grouping, and the slots' keys; the last date only ends the range. */
function calendarSlots(query: ReportQuery): { starts: string[]; keys: string[] } {
  const starts: string[] = [];
  for (let day = query.from; day <= query.to; day = addDays(day, 1)) {
    if (query.groupBy === 'day' || day === query.from || weekday(day) === 1) starts.push(day);
  }
  const keys = starts.map((day) => (query.groupBy === 'week' ? mondayOf(day) : day));
  return { starts: [...starts, addDays(query.to, 1)], keys };
}

/** Adds one kind's count (and sum of values, and NPS promoters and detractors) to the figures. */
function addKind(c: FactCounts, kind: string, n: number, sum: number, promoters: number, detractors: number): void {
  switch (kind) {
    case 'created':
      c.created += n;
      break;
    case 'reopened':
      c.reopened += n;
      break;
    case 'closed':
      c.closed += n;
      break;
    case 'reply':
      c.replies += n;
      break;
    case 'first_response':
      c.firstResponse.count += n;
      break;
    case 'resolution':
      c.resolution.count += n;
      break;
    case 'sla_met':
      c.slaMet += n;
      break;
    case 'sla_breached':
      c.slaBreached += n;
      break;
    case 'csat_sent':
      c.csatSent += n;
      break;
    case 'csat':
      c.csatAnswered += n;
      c.csatSum += sum;
      break;
    case 'nps_sent':
      c.npsSent += n;
      break;
    case 'nps':
      c.npsAnswered += n;
      c.npsPromoters += promoters;
      c.npsDetractors += detractors;
      break;
  }
}

/** A report the time limit stopped, or one that found every report connection busy, is a clear 503. */
async function bounded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if ((error as { code?: string }).code === '57014') {
      throw new UnavailableError('report_timeout', 'this report took too long to count; try a shorter range or a filter');
    }
    if (/timeout exceeded when trying to connect/.test((error as Error).message)) {
      throw new UnavailableError('reports_busy', 'every report connection is busy; try again shortly');
    }
    throw error;
  }
}

/** Reads through the reports' own pool (see CONVERSATION_REPORTS_POOL_SIZE and _TIMEOUT_MS). */
export class PostgresReportFacts implements ReportFacts {
  constructor(private readonly pool: Pool) {}

  async timeZone(accountId: string): Promise<string> {
    const found = await this.pool.query<{ time_zone: string }>('SELECT time_zone FROM accounts WHERE id = $1', [accountId]);
    return found.rows[0]?.time_zone ?? 'UTC';
  }

  count(accountId: string, query: ReportQuery, timeZone: string) {
    return bounded(() => this.countFacts(accountId, query, timeZone));
  }

  private async countFacts(accountId: string, query: ReportQuery, timeZone: string) {
    const calendar = query.groupBy === 'day' || query.groupBy === 'week' ? calendarSlots(query) : null;
    const days = calendar?.starts ?? [query.from, addDays(query.to, 1)];
    // The slots' first instants, and every local hour's, in one round trip.
    const edges = await this.pool.query<{ starts: Date[]; hours: Date[]; hour_of: number[] }>(
      `WITH s AS (SELECT array_agg(d::timestamp AT TIME ZONE $2 ORDER BY d) AS starts FROM unnest($1::date[]) d),
            h AS (SELECT array_agg(e ORDER BY e) AS hours, array_agg(extract(hour FROM e AT TIME ZONE $2)::int ORDER BY e) AS hour_of
                    FROM s, generate_series(s.starts[1], s.starts[array_length(s.starts, 1)] - interval '1 hour', interval '1 hour') e)
       SELECT s.starts, h.hours, h.hour_of FROM s, h`,
      [days, timeZone],
    );
    const { starts, hours, hour_of: hourOf } = edges.rows[0];
    const key = calendar ? 'width_bucket(at, $7::timestamptz[])' : DIMENSIONS[query.groupBy]!;
    const params: unknown[] = [accountId, starts[0], starts[starts.length - 1], query.inboxId, query.teamId, query.agentId];
    if (calendar) params.push(starts);
    const [counted, percentiles, busiest] = await Promise.all([
      this.pool.query<{ key: string; kind: string; n: string; sum: string | null; promoters: string; detractors: string }>(
        `WITH c AS (
           SELECT day, kind, inbox_id, team_id, agent_id, channel, n, total, promoters, detractors FROM report_day_counts
            WHERE account_id = $1 AND day >= $7::date AND day <= $8::date
              AND ($4::text IS NULL OR inbox_id = $4) AND ($5::text IS NULL OR team_id = $5) AND ($6::text IS NULL OR agent_id = $6)
           UNION ALL
           SELECT (at AT TIME ZONE $9)::date, kind, inbox_id, team_id, agent_id, channel, n, n * coalesce(value, 0),
                  CASE WHEN kind = 'nps' AND value >= 9 THEN n ELSE 0 END, CASE WHEN kind = 'nps' AND value <= 6 THEN n ELSE 0 END
             FROM report_fact_deltas WHERE ${RANGE})
         SELECT ${COUNT_KEYS[query.groupBy]} AS key, kind, sum(n) AS n, sum(total) AS sum, sum(promoters) AS promoters, sum(detractors) AS detractors
           FROM c GROUP BY 1, 2`,
        [...params.slice(0, 6), query.from, query.to, timeZone],
      ),
      this.pool.query<{ key: string | number | null; kind: string; total: boolean; p: number[] }>(
        `SELECT ${key} AS key, kind, grouping(${key}) = 1 AS total, percentile_disc(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY value) AS p
           FROM report_facts WHERE kind IN ('first_response', 'resolution') AND ${RANGE}
          GROUP BY GROUPING SETS ((${key}, kind), (kind))`,
        params,
      ),
      this.pool.query<{ slot: number; n: string }>(
        `SELECT width_bucket(at, $7::timestamptz[]) AS slot, count(*) AS n FROM report_facts WHERE kind = 'created' AND ${RANGE} GROUP BY 1`,
        [...params.slice(0, 6), hours],
      ),
    ]);

    const keyOf = (raw: string | number | null) => (calendar ? calendar.keys[Number(raw) - 1] : String(raw ?? ''));
    const groups = new Map<string, FactCounts>();
    const totals = emptyFactCounts();
    const group = (k: string) => groups.get(k) ?? groups.set(k, emptyFactCounts()).get(k)!;
    for (const row of counted.rows) {
      const figures = [group(row.key), totals];
      for (const c of figures) addKind(c, row.kind, Number(row.n), Number(row.sum ?? 0), Number(row.promoters), Number(row.detractors));
    }
    for (const row of percentiles.rows) {
      const c = row.total ? totals : group(keyOf(row.key));
      const d = row.kind === 'first_response' ? c.firstResponse : c.resolution;
      [d.medianSeconds, d.p90Seconds] = row.p;
    }
    const busiestHours = Array.from({ length: 24 }, () => 0);
    for (const row of busiest.rows) busiestHours[hourOf[row.slot - 1]] += Number(row.n);
    return {
      totals,
      groups: [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, counts]) => ({ key: k, counts })),
      busiestHours,
    };
  }

  async names(accountId: string, grouping: Grouping, keys: string[]): Promise<Map<string, string>> {
    const table = grouping === 'inbox' ? 'inboxes' : grouping === 'team' ? 'teams' : grouping === 'agent' ? 'users' : null;
    if (!table || keys.length === 0) return new Map();
    const found = await this.pool.query<{ id: string; name: string }>(`SELECT id, name FROM ${table} WHERE account_id = $1 AND id = ANY($2::text[])`, [accountId, keys]);
    return new Map(found.rows.map((r) => [r.id, r.name]));
  }
}
