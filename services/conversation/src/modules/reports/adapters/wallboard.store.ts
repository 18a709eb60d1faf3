// The wallboard's figures in five indexed reads: the kept view counts (open, unassigned, loads),
// the waiting conversations (a partial index holds only those), the ones past due, today's first
// responses from the report facts, and the directory's names and members.
import type { Pool } from '@inbox/lib';
import { findView } from '../../conversations';
import type { Wallboard, WallboardRow, WallboardSource } from '../use-cases/wallboard';

const KEPT = 'account_id, inbox_id, status, channel, assignee_id, bot_chatflow_id, handed_off, awaiting_first_reply, filtered, trashed_at, last_message_direction, team_id';
const OPEN = findView('open')!.predicate;
const UNASSIGNED = findView('unassigned')!.predicate;
const HELD = `c.trashed_at IS NULL AND NOT c.filtered AND c.status = 'open' AND c.assignee_id IS NOT NULL`;
const CHATS = `c.channel IN ('chat', 'messenger')`;

interface Cell {
  inbox_id: string;
  team_id: string | null;
}

function blankRow(id: string, name: string, memberIds: string[]): WallboardRow {
  return { id, name, open: 0, unassigned: 0, oldestWaitingSince: null, breaching: 0, firstResponsesToday: 0, firstResponseMedianSecondsToday: null, memberIds };
}

export class PostgresWallboard implements WallboardSource {
  constructor(private readonly pool: Pool) {}

  async board(accountId: string, now: Date): Promise<Wallboard> {
    const [account, inboxes, teams, counts, waiting, breaching, firstResponses] = await Promise.all([
      this.pool.query<{ time_zone: string }>('SELECT time_zone FROM accounts WHERE id = $1', [accountId]),
      this.pool.query<{ id: string; name: string; member_ids: string[] }>(
        `SELECT i.id, i.name, coalesce(array_agg(m.user_id ORDER BY m.user_id) FILTER (WHERE m.user_id IS NOT NULL), '{}') AS member_ids
           FROM inboxes i LEFT JOIN inbox_members m ON m.account_id = i.account_id AND m.inbox_id = i.id WHERE i.account_id = $1 GROUP BY i.id ORDER BY i.name, i.id`,
        [accountId],
      ),
      this.pool.query<{ id: string; name: string; member_ids: string[] }>(
        `SELECT t.id, t.name, coalesce(array_agg(m.user_id ORDER BY m.user_id) FILTER (WHERE m.user_id IS NOT NULL), '{}') AS member_ids
           FROM teams t LEFT JOIN team_members m ON m.account_id = t.account_id AND m.team_id = t.id WHERE t.account_id = $1 GROUP BY t.id ORDER BY t.name, t.id`,
        [accountId],
      ),
      this.pool.query<Cell & { assignee_id: string | null; open: string; unassigned: string; chat_held: string; email_held: string }>(
        `SELECT c.inbox_id, c.team_id, c.assignee_id,
                coalesce(sum(c.n) FILTER (WHERE ${OPEN}), 0) AS open,
                coalesce(sum(c.n) FILTER (WHERE ${UNASSIGNED}), 0) AS unassigned,
                coalesce(sum(c.n) FILTER (WHERE ${HELD} AND ${CHATS}), 0) AS chat_held,
                coalesce(sum(c.n) FILTER (WHERE ${HELD} AND NOT ${CHATS}), 0) AS email_held
           FROM (SELECT ${KEPT}, n FROM conversation_view_counts WHERE account_id = $1
                 UNION ALL SELECT ${KEPT}, n FROM conversation_view_count_deltas WHERE account_id = $1) c
          GROUP BY 1, 2, 3`,
        [accountId],
      ),
      this.pool.query<Cell & { since: Date }>(
        `SELECT c.inbox_id, c.team_id, min(c.last_message_at) AS since FROM conversations c
          WHERE c.account_id = $1 AND ${OPEN} AND c.last_message_direction = 'inbound' GROUP BY 1, 2`,
        [accountId],
      ),
      this.pool.query<Cell & { n: string }>(
        `SELECT c.inbox_id, c.team_id, count(*) AS n FROM conversations c
          WHERE c.sla_due_at <= $2 AND c.status = 'open' AND c.account_id = $1 AND c.trashed_at IS NULL AND NOT c.filtered GROUP BY 1, 2`,
        [accountId, now],
      ),
      this.pool.query<{ inbox_id: string | null; team_id: string | null; by_team: boolean; n: string; median: number | null }>(
        `SELECT inbox_id, team_id, grouping(team_id) = 0 AS by_team, count(*) AS n, percentile_disc(0.5) WITHIN GROUP (ORDER BY value) AS median
           FROM report_facts f, accounts a
          WHERE a.id = $1 AND f.account_id = $1 AND f.kind = 'first_response'
            AND f.at >= (date_trunc('day', $2::timestamptz AT TIME ZONE a.time_zone) AT TIME ZONE a.time_zone)
          GROUP BY GROUPING SETS ((inbox_id), (team_id))`,
        [accountId, now],
      ),
    ]);

    const inboxRows = new Map(inboxes.rows.map((r) => [r.id, blankRow(r.id, r.name, r.member_ids)]));
    const teamRows = new Map(teams.rows.map((r) => [r.id, blankRow(r.id, r.name, r.member_ids)]));
    const rowsOf = (cell: Cell) => [inboxRows.get(cell.inbox_id), cell.team_id ? teamRows.get(cell.team_id) : undefined].filter((r): r is WallboardRow => !!r);
    const loads = new Map<string, { userId: string; chatOpen: number; emailOpen: number }>();
    for (const cell of counts.rows) {
      for (const row of rowsOf(cell)) {
        row.open += Number(cell.open);
        row.unassigned += Number(cell.unassigned);
      }
      if (cell.assignee_id && (Number(cell.chat_held) || Number(cell.email_held))) {
        const load = loads.get(cell.assignee_id) ?? { userId: cell.assignee_id, chatOpen: 0, emailOpen: 0 };
        load.chatOpen += Number(cell.chat_held);
        load.emailOpen += Number(cell.email_held);
        loads.set(cell.assignee_id, load);
      }
    }
    for (const cell of waiting.rows) {
      for (const row of rowsOf(cell)) if (!row.oldestWaitingSince || cell.since < row.oldestWaitingSince) row.oldestWaitingSince = cell.since;
    }
    for (const cell of breaching.rows) for (const row of rowsOf(cell)) row.breaching += Number(cell.n);
    for (const r of firstResponses.rows) {
      const row = r.by_team ? (r.team_id ? teamRows.get(r.team_id) : undefined) : r.inbox_id ? inboxRows.get(r.inbox_id) : undefined;
      if (!row) continue;
      row.firstResponsesToday = Number(r.n);
      row.firstResponseMedianSecondsToday = r.median;
    }
    return {
      inboxes: [...inboxRows.values()],
      teams: [...teamRows.values()],
      loads: [...loads.values()].sort((a, b) => a.userId.localeCompare(b.userId)),
      asOf: now,
      timeZone: account.rows[0]?.time_zone ?? 'UTC',
    };
  }
}
