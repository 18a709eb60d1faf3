// Reports from the rows kept per local day or month (report_day_counts, migrations 0028 and 0029)
// and the deltas not folded into them yet, read in one snapshot, so exact: counts are sums; the
// response and resolution percentiles are selected from the durations those rows carry, and the
// busiest hours counted from the local hours of the openings they carry. No report reads the facts
// themselves: a year by day reads a few rows per day, a year by agent a few per month and agent.
// Rows of days whose version has not moved come from the service's cache (report-day-cache.ts).
import { UnavailableError, withTransaction, type Pool, type PoolClient } from '@inbox/lib';
import { groupedNearestRanks } from '../domain/percentiles';
import { emptyFactCounts, type Durations, type FactCounts, type Grouping, type ReportQuery } from '../domain/reports';
import type { ReportFacts } from '../use-cases/reports';
import { AGENT, CHANNEL, DETRACTORS, DIMS, INBOX, KIND, N, PROMOTERS, SUMS, TEAM, TOTAL, keptRows, type StoredRow } from './kept-rows';
import { ReportDayCache, type KeptDay } from './report-day-cache';

const DAY_MS = 86_400_000;
/**
 * Days not kept are read this many at a time. A year's rows read at once were 121,000 row objects
 * and their text, decoded together: the service went from 146 to 283 MB in that second, and V8
 * keeps the pages it grew while the service stays busy.
 */
const READ_DAYS = 16;
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
const firstOfMonth = (day: string) => `${day.slice(0, 8)}01`;
const nextMonth = (day: string) => firstOfMonth(addDays(firstOfMonth(day), 32));
const mondayOf = (day: string) => addDays(day, -((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7));

/** A group's key: the day's own (by day or week), else the row's. */
const DAY_KEYS: Partial<Record<Grouping, (day: string) => string>> = {
  day: (day) => day,
  week: (day) => mondayOf(day),
};
/** The dimension a group's key is, else none. */
const ROW_DIMS: Partial<Record<Grouping, number>> = { inbox: INBOX, team: TEAM, agent: AGENT, channel: CHANNEL };

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

/** A delta not folded into the kept rows yet, at its local day and hour. */
interface PendingRow {
  day: string;
  kind: string;
  inbox_id: string;
  team_id: string | null;
  agent_id: string | null;
  channel: string;
  n: number;
  value: number | null;
  hour: number;
}

const PENDING_KEYS: Partial<Record<Grouping, (p: PendingRow) => string>> = {
  inbox: (p) => p.inbox_id,
  team: (p) => p.team_id ?? '',
  agent: (p) => p.agent_id ?? '',
  channel: (p) => p.channel,
};

/** A group's durations of one kind: the kept rows' arrays, and the values pending deltas add or take away. */
interface Timed {
  figures: Durations;
  parts: Int32Array[];
  removed: number[];
}

/** The parts less one occurrence of each removed value. */
function withoutRemoved({ parts, removed }: Timed): Int32Array[] {
  if (removed.length === 0) return parts;
  const taken = new Map<number, number>();
  for (const v of removed) taken.set(v, (taken.get(v) ?? 0) + 1);
  const kept: number[] = [];
  for (const part of parts) {
    for (const v of part) {
      const left = taken.get(v) ?? 0;
      if (left > 0) taken.set(v, left - 1);
      else kept.push(v);
    }
  }
  return [Int32Array.from(kept)];
}

/** Each group's percentiles of one kind, and the totals' over all of its groups. */
function setPercentiles(groups: Timed[], totals: Durations): void {
  const found = groupedNearestRanks(groups.map(withoutRemoved), [0.5, 0.9]);
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
  constructor(
    private readonly pool: Pool,
    private readonly cache: ReportDayCache,
  ) {}

  async timeZone(accountId: string): Promise<string> {
    const found = await this.pool.query<{ time_zone: string }>('SELECT time_zone FROM accounts WHERE id = $1', [accountId]);
    return found.rows[0]?.time_zone ?? 'UTC';
  }

  count(accountId: string, query: ReportQuery, timeZone: string) {
    // One snapshot for the versions, the rows and the deltas: a fold in between changes none of them.
    return bounded(() => withTransaction(this.pool, (tx) => this.countFacts(tx, accountId, query, timeZone), 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY'));
  }

  private async countFacts(tx: PoolClient, accountId: string, query: ReportQuery, timeZone: string) {
    const { dayGrain, months } = grainsFor(query);
    const versions = await tx.query<{ grain: string; day: string; version: string }>(
      `SELECT grain, day::text AS day, version::text AS version FROM report_day_versions
        WHERE account_id = $1
          AND (grain = $2 AND day >= $3::date AND day <= $4::date AND NOT coalesce(day >= $5::date AND day < $6::date, false)
               OR grain = 'month' AND day >= $5::date AND day < $6::date)`,
      [accountId, dayGrain, query.from, query.to, months?.[0], months?.[1]],
    );
    const days = new Map<string, KeptDay>();
    const stale: typeof versions.rows = [];
    for (const v of versions.rows) {
      const kept = this.cache.get(ReportDayCache.key(accountId, v.grain, v.day), v.version);
      if (kept) days.set(`${v.grain}|${v.day}`, kept);
      else stale.push(v);
    }
    for (let at = 0; at < stale.length; at += READ_DAYS) {
      const some = stale.slice(at, at + READ_DAYS);
      const read = await tx.query<StoredRow & { grain: string; day: string }>(
        `SELECT grain, day::text AS day, kind, inbox_id, team_id, agent_id, channel, n, total, promoters, detractors, encode(packed, 'base64') AS packed
           FROM report_day_counts WHERE account_id = $1 AND (grain, day) IN (SELECT * FROM unnest($2::text[], $3::date[]))`,
        [accountId, some.map((v) => v.grain), some.map((v) => v.day)],
      );
      const byDay = new Map<string, StoredRow[]>(some.map((v) => [`${v.grain}|${v.day}`, []]));
      for (const r of read.rows) byDay.get(`${r.grain}|${r.day}`)!.push(r);
      for (const v of some) {
        const kept: KeptDay = { version: v.version, rows: keptRows(byDay.get(`${v.grain}|${v.day}`)!, this.cache.texts) };
        days.set(`${v.grain}|${v.day}`, kept);
        this.cache.set(ReportDayCache.key(accountId, v.grain, v.day), kept);
      }
    }
    const pending = await tx.query<PendingRow>(
      `SELECT (at AT TIME ZONE $4)::date::text AS day, kind, inbox_id, team_id, agent_id, channel, n, value, extract(hour FROM at AT TIME ZONE $4)::int AS hour
         FROM report_fact_deltas
        WHERE account_id = $1 AND at >= $2::date::timestamp AT TIME ZONE $4 AND at < ($3::date + 1)::timestamp AT TIME ZONE $4
          AND ($5::text IS NULL OR inbox_id = $5) AND ($6::text IS NULL OR team_id = $6) AND ($7::text IS NULL OR agent_id = $7)`,
      [accountId, query.from, query.to, timeZone, query.inboxId, query.teamId, query.agentId],
    );

    const groups = new Map<string, FactCounts>();
    const totals = emptyFactCounts();
    const timed = { first_response: new Map<string, Timed>(), resolution: new Map<string, Timed>() };
    const busiestHours = Array.from({ length: 24 }, () => 0);
    const dayKeyOf = DAY_KEYS[query.groupBy];
    const rowDim = ROW_DIMS[query.groupBy];
    // A filter as the text id the day's rows hold (-2, held by none, for an id never counted); -3 for none.
    const NONE = -3;
    const add = (key: string, kind: string, n: number, total: number, promoters: number, detractors: number) => {
      const figures = groups.get(key) ?? groups.set(key, emptyFactCounts()).get(key)!;
      addKind(figures, kind, n, total, promoters, detractors);
      addKind(totals, kind, n, total, promoters, detractors);
      if (kind !== 'first_response' && kind !== 'resolution') return undefined;
      const byGroup = timed[kind];
      return byGroup.get(key) ?? byGroup.set(key, { figures: kind === 'first_response' ? figures.firstResponse : figures.resolution, parts: [], removed: [] }).get(key)!;
    };
    // A summary walks tens of thousands of kept rows, so the loop makes no garbage of its own: with
    // a day's key made per row (a week's: two dates and three strings) and an array per row to add
    // it to, the reports benchmark's summaries ran 907 young collections; without, 407.
    for (const v of versions.rows) {
      const dayKey = dayKeyOf?.(v.day);
      const { texts, count, dims, sums, durations, hours, hourStarts } = days.get(`${v.grain}|${v.day}`)!.rows;
      const inboxFilter = query.inboxId ? texts.find(query.inboxId) : NONE;
      const teamFilter = query.teamId ? texts.find(query.teamId) : NONE;
      const agentFilter = query.agentId ? texts.find(query.agentId) : NONE;
      for (let i = 0; i < count; i++) {
        const d = i * DIMS;
        if ((inboxFilter !== NONE && dims[d + INBOX] !== inboxFilter) || (teamFilter !== NONE && dims[d + TEAM] !== teamFilter) || (agentFilter !== NONE && dims[d + AGENT] !== agentFilter)) continue;
        const s = i * SUMS;
        const key = dayKey ?? (rowDim === undefined ? '' : (texts.text(dims[d + rowDim]) ?? ''));
        const timedGroup = add(key, texts.text(dims[d + KIND])!, sums[s + N], sums[s + TOTAL], sums[s + PROMOTERS], sums[s + DETRACTORS]);
        const values = durations[i];
        if (timedGroup && values) timedGroup.parts.push(values);
        for (let h = hourStarts[i]; h < hourStarts[i + 1]; h++) busiestHours[hours[h]]++;
      }
    }
    for (const p of pending.rows) {
      const value = p.value ?? 0;
      const promoters = p.kind === 'nps' && value >= 9 ? p.n : 0;
      const detractors = p.kind === 'nps' && value <= 6 ? p.n : 0;
      const key = dayKeyOf?.(p.day) ?? PENDING_KEYS[query.groupBy]?.(p) ?? '';
      const timedGroup = add(key, p.kind, p.n, p.n * value, promoters, detractors);
      if (timedGroup && p.n > 0) timedGroup.parts.push(Int32Array.of(value));
      if (timedGroup && p.n < 0) timedGroup.removed.push(value);
      if (p.kind === 'created') busiestHours[p.hour] += p.n;
    }
    setPercentiles([...timed.first_response.values()], totals.firstResponse);
    setPercentiles([...timed.resolution.values()], totals.resolution);
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
