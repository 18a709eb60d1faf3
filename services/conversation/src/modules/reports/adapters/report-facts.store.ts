// Reports from the rows kept per local day or month (report_day_counts, migrations 0028 and 0029)
// and the deltas not folded into them yet, read in one statement, so exact: counts are sums; the
// response and resolution percentiles are selected from the durations those rows carry, and the
// busiest hours counted from the local hours of the openings they carry. No report reads the facts
// themselves: a year by day reads a few rows per day, a year by agent a few per month and agent.
import { UnavailableError, type Pool } from '@inbox/lib';
import { groupedNearestRanks } from '../domain/percentiles';
import { emptyFactCounts, type Durations, type FactCounts, type Grouping, type ReportQuery } from '../domain/reports';
import type { ReportFacts } from '../use-cases/reports';

/** Group keys over report_day_counts and its pending deltas (c.day is a local date); grouped by, then written as text. */
const COUNT_KEYS: Record<Grouping, string> = {
  day: 'day',
  week: `date_trunc('week', day)::date`,
  inbox: 'inbox_id',
  team: `coalesce(team_id, '')`,
  agent: `coalesce(agent_id, '')`,
  channel: 'channel',
};

/** $1 account, $2 first and $3 last local day, $4–$6 filters, $7 the time zone, $8 the day grain, $9–$10 the whole months. */
const FILTERS = `($4::text IS NULL OR inbox_id = $4) AND ($5::text IS NULL OR team_id = $5) AND ($6::text IS NULL OR agent_id = $6)`;

const DAY_MS = 86_400_000;
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
const firstOfMonth = (day: string) => `${day.slice(0, 8)}01`;
const nextMonth = (day: string) => firstOfMonth(addDays(firstOfMonth(day), 32));

/**
 * The kept rows that answer a query: by day or week unfiltered, the days of every dimension
 * together; by day or week filtered, the days of each combination; by a dimension, its whole
 * months (first day to the first day after) and the days outside them.
 */
function grainsFor(query: ReportQuery): { dayGrain: 'day' | 'all'; months: [string, string] | null } {
  const calendar = query.groupBy === 'day' || query.groupBy === 'week';
  if (calendar) return { dayGrain: query.inboxId || query.teamId || query.agentId ? 'day' : 'all', months: null };
  const first = query.from.endsWith('-01') ? query.from : nextMonth(query.from);
  const end = firstOfMonth(addDays(query.to, 1));
  return { dayGrain: 'day', months: first < end ? [first, end] : null };
}

const EMPTY = Buffer.alloc(0);

/** A group's kept durations (int4s, migration 0029's report_value_bytes), less those pending deltas take away. */
function durations(packed: Buffer, removed: Buffer): Int32Array {
  const values = int32s(packed);
  if (!removed.length) return values;
  const taken = new Map<number, number>();
  for (const v of int32s(removed)) taken.set(v, (taken.get(v) ?? 0) + 1);
  return values.filter((v) => {
    const left = taken.get(v) ?? 0;
    if (left > 0) taken.set(v, left - 1);
    return left === 0;
  });
}

/** Big-endian int4s as a typed array, swapped in place (the buffer is this row's own). */
function int32s(packed: Buffer): Int32Array {
  if (!packed.length) return new Int32Array();
  const aligned = packed.byteOffset % 4 === 0 ? packed : Buffer.from(packed);
  aligned.swap32();
  return new Int32Array(aligned.buffer, aligned.byteOffset, aligned.length / 4);
}

/** Each group's percentiles of one kind, and the totals' over all of its groups. */
function setPercentiles(groups: Array<{ figures: Durations; values: Int32Array }>, totals: Durations): void {
  const found = groupedNearestRanks(
    groups.map((g) => g.values),
    [0.5, 0.9],
  );
  groups.forEach((g, i) => ([g.figures.medianSeconds, g.figures.p90Seconds] = found.groups[i]));
  [totals.medianSeconds, totals.p90Seconds] = found.total;
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
    const { dayGrain, months } = grainsFor(query);
    const counted = await this.pool.query<{
      key: string;
      kind: string;
      n: string;
      sum: string | null;
      promoters: string;
      detractors: string;
      packed: string | null;
      removed: string | null;
    }>(
      `WITH c AS (
         SELECT day, kind, inbox_id, team_id, agent_id, channel, n, total, promoters, detractors, packed, NULL::bytea AS removed
           FROM report_day_counts
          WHERE account_id = $1 AND ${FILTERS}
            AND (grain = $8 AND day >= $2::date AND day <= $3::date AND NOT coalesce(day >= $9::date AND day < $10::date, false)
                 OR grain = 'month' AND day >= $9::date AND day < $10::date)
         UNION ALL
         SELECT (at AT TIME ZONE $7)::date, kind, inbox_id, team_id, agent_id, channel, n, n * coalesce(value, 0),
                CASE WHEN kind = 'nps' AND value >= 9 THEN n ELSE 0 END, CASE WHEN kind = 'nps' AND value <= 6 THEN n ELSE 0 END,
                CASE WHEN n > 0 THEN report_value_bytes(kind, report_kept_value(kind, at, value, $7)) END,
                CASE WHEN n < 0 THEN report_value_bytes(kind, report_kept_value(kind, at, value, $7)) END
           FROM report_fact_deltas
          WHERE account_id = $1 AND at >= $2::date::timestamp AT TIME ZONE $7 AND at < ($3::date + 1)::timestamp AT TIME ZONE $7 AND ${FILTERS})
       SELECT g.key::text AS key, g.kind, g.n, g.sum, g.promoters, g.detractors, encode(g.packed, 'base64') AS packed, encode(g.removed, 'base64') AS removed
         FROM (SELECT ${COUNT_KEYS[query.groupBy]} AS key, kind, sum(n) AS n, sum(total) AS sum, sum(promoters) AS promoters, sum(detractors) AS detractors,
                      string_agg(packed, ''::bytea) AS packed, string_agg(removed, ''::bytea) AS removed
                 FROM c GROUP BY 1, 2) g`,
      [accountId, query.from, query.to, query.inboxId, query.teamId, query.agentId, timeZone, dayGrain, months?.[0], months?.[1]],
    );

    const groups = new Map<string, FactCounts>();
    const totals = emptyFactCounts();
    const timed = { first_response: [] as Array<{ figures: Durations; values: Int32Array }>, resolution: [] as Array<{ figures: Durations; values: Int32Array }> };
    const busiestHours = Array.from({ length: 24 }, () => 0);
    const group = (k: string) => groups.get(k) ?? groups.set(k, emptyFactCounts()).get(k)!;
    // Base64, not bytea's hex: a year's values are megabytes, and base64 decodes several times faster.
    const bytes = (text: string | null) => (text ? Buffer.from(text, 'base64') : EMPTY);
    for (const row of counted.rows) {
      const figures = group(row.key);
      for (const c of [figures, totals]) addKind(c, row.kind, Number(row.n), Number(row.sum ?? 0), Number(row.promoters), Number(row.detractors));
      if (row.kind === 'created') {
        // An opening's kept value is its local hour, one byte.
        const [added, removed] = [bytes(row.packed), bytes(row.removed)];
        for (let i = 0; i < added.length; i++) busiestHours[added[i]]++;
        for (let i = 0; i < removed.length; i++) busiestHours[removed[i]]--;
      } else if (row.kind === 'first_response' || row.kind === 'resolution') {
        timed[row.kind].push({ figures: row.kind === 'first_response' ? figures.firstResponse : figures.resolution, values: durations(bytes(row.packed), bytes(row.removed)) });
      }
    }
    setPercentiles(timed.first_response, totals.firstResponse);
    setPercentiles(timed.resolution, totals.resolution);
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
