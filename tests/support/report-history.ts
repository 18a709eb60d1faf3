// A month of support history written straight into the conversation service's tables, with the
// timestamps it would have had (conversations opened, customer messages, replies by people and by
// bots, service-level targets met and missed, closings, reopenings, CSAT and NPS surveys), and the
// figures a report must show for it, computed here from the generated activity alone: local days
// from Intl, nearest-rank percentiles from sorted arrays. The service's triggers see the rows as
// the service's own writes; the report reads only what they recorded.
import type pg from 'pg';

export interface Fact {
  kind: string;
  at: Date;
  inboxId: string;
  teamId: string | null;
  agentId: string | null;
  channel: string;
  value: number | null;
}

export interface HistoryShape {
  accountId: string;
  contactId: string;
  inboxIds: string[];
  teamIds: string[];
  agentIds: string[];
  /** Local first and last day (YYYY-MM-DD) the activity centres on; some falls a day outside. */
  from: string;
  to: string;
  timeZone: string;
  conversations: number;
  seed: number;
}

const CHANNELS = ['email', 'chat', 'messenger', 'form', 'phone'];
const HOUR = 3_600_000;

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The instant of a local midnight: found by stepping from the UTC guess until the local clock reads 00:00. */
export function localMidnight(day: string, timeZone: string): Date {
  const guess = Date.parse(`${day}T00:00:00Z`);
  for (let offsetMinutes = -14 * 60; offsetMinutes <= 14 * 60; offsetMinutes += 15) {
    const at = new Date(guess - offsetMinutes * 60_000);
    if (localDate(at, timeZone) === day && localHour(at, timeZone) === 0 && localMinute(at, timeZone) === 0) return at;
  }
  throw new Error(`no midnight for ${day} in ${timeZone}`);
}

const parts = (at: Date, timeZone: string) =>
  Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
export const localDate = (at: Date, timeZone: string) => {
  const p = parts(at, timeZone);
  return `${p.year}-${p.month}-${p.day}`;
};
export const localHour = (at: Date, timeZone: string) => Number(parts(at, timeZone).hour);
const localMinute = (at: Date, timeZone: string) => Number(parts(at, timeZone).minute);

export function mondayOf(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  return date.toISOString().slice(0, 10);
}

/** Writes the history and returns every fact a report should count. */
export async function writeHistory(db: pg.Client, shape: HistoryShape): Promise<Fact[]> {
  const rand = random(shape.seed);
  const pick = <T>(items: T[]): T => items[Math.floor(rand() * items.length)];
  const start = localMidnight(shape.from, shape.timeZone).getTime() - 24 * HOUR;
  const end = localMidnight(shape.to, shape.timeZone).getTime() + 48 * HOUR;
  const facts: Fact[] = [];
  let serial = 0;
  const id = (prefix: string) => `${prefix}_${shape.accountId}x${(serial += 1)}`;
  // Moments just either side of local midnights, where a time-zone mistake shows.
  const edges = [shape.from, shape.to, '2026-11-01', '2026-11-02'].flatMap((day) => {
    const midnight = localMidnight(day, shape.timeZone).getTime();
    return [midnight - 30_000, midnight + 30_000];
  });

  for (let n = 0; n < shape.conversations; n += 1) {
    const conversationId = id('cnv');
    const inboxId = pick(shape.inboxIds);
    const channel = pick(CHANNELS);
    const teamId = rand() < 0.3 ? null : pick(shape.teamIds);
    let assignee: string | null = rand() < 0.3 ? pick(shape.agentIds) : null;
    const filtered = rand() < 0.05;
    const createdAt = new Date(n < edges.length ? edges[n] : start + Math.floor(rand() * (end - start)));
    const fact = (kind: string, at: Date, value: number | null = null, agentId = assignee) => {
      if (!filtered) facts.push({ kind, at, inboxId, teamId, agentId, channel, value });
    };
    await db.query(
      `INSERT INTO conversations (id, account_id, inbox_id, channel, status, subject, contact_id, assignee_id, team_id, filtered, last_message_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, 'open', 'Generated', $5, $6, $7, $8, $9, $9, $9)`,
      [conversationId, shape.accountId, inboxId, channel, shape.contactId, assignee, teamId, filtered, createdAt],
    );
    fact('created', createdAt);
    const message = (direction: string, at: Date, author: string | null, fields: object | null = null) =>
      db.query(`INSERT INTO messages (id, account_id, conversation_id, direction, channel, text_body, author_user_id, fields, created_at) VALUES ($1, $2, $3, $4, $5, 'text', $6, $7, $8)`, [
        id('msg'),
        shape.accountId,
        conversationId,
        direction,
        channel,
        author,
        fields ? JSON.stringify(fields) : null,
        at,
      ]);
    await message('inbound', createdAt, null);
    let last = createdAt.getTime();
    if (rand() < 0.3) await message('inbound', new Date((last += Math.floor(rand() * 2 * HOUR))), null);
    // A bot's greeting and a survey email are not replies.
    if (rand() < 0.2) await message('outbound', new Date(createdAt.getTime() + 1000), null);
    if (rand() < 0.1) await message('outbound', new Date(createdAt.getTime() + 2000), pick(shape.agentIds), { kind: 'survey' });

    const due = rand() < 0.5 ? new Date(createdAt.getTime() + 2 * HOUR) : null;
    if (due) await db.query(`UPDATE conversations SET sla_target = 'first_response', sla_due_at = $2, updated_at = $3 WHERE id = $1`, [conversationId, due, createdAt]);
    const replyAt = rand() < 0.8 ? new Date(last + 1000 + Math.floor(rand() * 6 * HOUR) + Math.floor(rand() * 1000)) : null;
    if (due && (!replyAt || replyAt > due)) {
      await db.query(`UPDATE conversations SET sla_breached_due_at = sla_due_at, updated_at = $2 WHERE id = $1`, [conversationId, due]);
      fact('sla_breached', due);
    }
    if (replyAt) {
      const author = pick(shape.agentIds);
      await message('outbound', replyAt, author);
      fact('reply', replyAt, null, author);
      fact('first_response', replyAt, Math.floor((replyAt.getTime() - createdAt.getTime()) / 1000), author);
      if (due) {
        await db.query(`UPDATE conversations SET sla_target = NULL, sla_due_at = NULL, updated_at = $2 WHERE id = $1`, [conversationId, replyAt]);
        if (replyAt <= due) fact('sla_met', replyAt);
      }
      last = replyAt.getTime();
      if (rand() < 0.3) {
        const again = new Date((last += 60_000 + Math.floor(rand() * 3 * HOUR)));
        const second = pick(shape.agentIds);
        await message('outbound', again, second);
        fact('reply', again, null, second);
      }
    } else if (due) {
      await db.query(`UPDATE conversations SET sla_target = NULL, sla_due_at = NULL, updated_at = $2 WHERE id = $1`, [conversationId, new Date(due.getTime() + 1000)]);
    }

    if (rand() < (replyAt ? 0.7 : 0.2)) {
      let closedAt = new Date((last += 1000 + Math.floor(rand() * 30 * HOUR)));
      if (rand() < 0.5) assignee = pick(shape.agentIds);
      await db.query(`UPDATE conversations SET status = 'closed', assignee_id = $2, updated_at = $3 WHERE id = $1`, [conversationId, assignee, closedAt]);
      fact('closed', closedAt);
      fact('resolution', closedAt, Math.floor((closedAt.getTime() - createdAt.getTime()) / 1000));
      if (rand() < 0.2) {
        const reopenedAt = new Date((last += 1000 + Math.floor(rand() * 10 * HOUR)));
        await db.query(`UPDATE conversations SET status = 'open', updated_at = $2 WHERE id = $1`, [conversationId, reopenedAt]);
        fact('reopened', reopenedAt);
        if (rand() < 0.5) {
          closedAt = new Date(last + 1000 + Math.floor(rand() * 10 * HOUR));
          await db.query(`UPDATE conversations SET status = 'closed', updated_at = $2 WHERE id = $1`, [conversationId, closedAt]);
          fact('closed', closedAt);
          fact('resolution', closedAt, Math.floor((closedAt.getTime() - createdAt.getTime()) / 1000));
        }
      }
      if (rand() < 0.5) {
        const question = rand() < 0.5 ? 'csat' : 'nps';
        const surveyId = id('srv');
        const sentAt = new Date(closedAt.getTime() + 1000);
        const agentId = assignee ?? pick(shape.agentIds);
        await db.query(`INSERT INTO surveys (id, account_id, conversation_id, contact_id, token_hash, question, agent_id, sent_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
          surveyId,
          shape.accountId,
          conversationId,
          shape.contactId,
          `hash-${surveyId}`,
          question,
          agentId,
          sentAt,
        ]);
        fact(`${question}_sent`, sentAt, null, agentId);
        if (rand() < 0.6) {
          const max = question === 'csat' ? 5 : 10;
          const min = question === 'csat' ? 1 : 0;
          let score = min + Math.floor(rand() * (max - min + 1));
          await db.query('UPDATE surveys SET score = $2, answered_at = $3 WHERE id = $1', [surveyId, score, new Date(sentAt.getTime() + HOUR)]);
          if (rand() < 0.3) {
            score = min + Math.floor(rand() * (max - min + 1));
            await db.query('UPDATE surveys SET score = $2 WHERE id = $1', [surveyId, score]);
          }
          fact(question, sentAt, score, agentId);
        }
      }
    }
  }
  return facts;
}

const nearestRank = (values: number[], p: number): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
};

/** The report's figures for a set of facts, as the API answers them. */
export function figures(facts: Fact[]) {
  const of = (kind: string) => facts.filter((f) => f.kind === kind);
  const durations = (kind: string) => {
    const values = of(kind).map((f) => f.value!);
    return { count: values.length, medianSeconds: nearestRank(values, 0.5), p90Seconds: nearestRank(values, 0.9) };
  };
  const share = (a: number, b: number) => (b === 0 ? null : a / b);
  const csat = of('csat').map((f) => f.value!);
  const nps = of('nps').map((f) => f.value!);
  const promoters = nps.filter((v) => v >= 9).length;
  const detractors = nps.filter((v) => v <= 6).length;
  const met = of('sla_met').length;
  const breached = of('sla_breached').length;
  return {
    newConversations: of('created').length,
    reopened: of('reopened').length,
    closed: of('closed').length,
    firstResponse: durations('first_response'),
    resolution: durations('resolution'),
    replies: of('reply').length,
    sla: { met, breached, attainment: share(met, met + breached) },
    csat: { sent: of('csat_sent').length, answered: csat.length, average: share(csat.reduce((a, b) => a + b, 0), csat.length), responseRate: share(csat.length, of('csat_sent').length) },
    nps: {
      sent: of('nps_sent').length,
      answered: nps.length,
      promoters,
      detractors,
      score: nps.length === 0 ? null : (100 * (promoters - detractors)) / nps.length,
      responseRate: share(nps.length, of('nps_sent').length),
    },
  };
}

export type Grouping = 'day' | 'week' | 'inbox' | 'team' | 'agent' | 'channel';

/** What GET /reports/summary must answer, computed from the facts alone. */
export function expectedSummary(all: Fact[], query: { from: string; to: string; groupBy: Grouping; inboxId?: string; teamId?: string; agentId?: string }, timeZone: string) {
  const inRange = all.filter((f) => {
    const day = localDate(f.at, timeZone);
    return (
      day >= query.from &&
      day <= query.to &&
      (!query.inboxId || f.inboxId === query.inboxId) &&
      (!query.teamId || f.teamId === query.teamId) &&
      (!query.agentId || f.agentId === query.agentId)
    );
  });
  const keyOf = (f: Fact): string => {
    switch (query.groupBy) {
      case 'day':
        return localDate(f.at, timeZone);
      case 'week':
        return mondayOf(localDate(f.at, timeZone));
      case 'inbox':
        return f.inboxId;
      case 'team':
        return f.teamId ?? '';
      case 'agent':
        return f.agentId ?? '';
      case 'channel':
        return f.channel;
    }
  };
  const groups = new Map<string, Fact[]>();
  for (const f of inRange) groups.set(keyOf(f), [...(groups.get(keyOf(f)) ?? []), f]);
  const busiestHours = Array.from({ length: 24 }, () => 0);
  for (const f of inRange) if (f.kind === 'created') busiestHours[localHour(f.at, timeZone)] += 1;
  return {
    totals: figures(inRange),
    groups: Object.fromEntries([...groups].map(([key, facts]) => [key, figures(facts)])),
    busiestHours,
  };
}

/**
 * Removes the generated conversations (their messages and surveys go with them; the facts stay).
 * They never passed through the services, so search never indexed them: left behind, they would
 * be "missing" to a later reconcile of the whole index.
 */
export async function removeHistory(db: pg.Client, accountId: string): Promise<void> {
  await db.query(`DELETE FROM conversations WHERE account_id = $1 AND id LIKE 'cnv\\_' || $1 || 'x%'`, [accountId]);
}
