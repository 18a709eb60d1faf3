// The audit trail each service keeps of its administrative and sensitive acts: one entry per
// act, written through the act's own transaction (so an act that rolls back leaves no entry and
// an entry never lacks its act), with who, what, when and from where, and the before and after
// of the fields it changed. The table refuses updates and deletes (see the services' migrations).
import type pg from 'pg';
import { InvalidArgumentError } from '../grpc/errors';
import type { UnaryHandlers } from '../grpc/server';
import { currentRequestClient } from '../logging/request-context';
import { newId } from '../domain/ids';
import type { AuditEntry, AuditServiceService } from '../gen/inbox/audit/v1/audit';

export type FieldChanges = Record<string, { before: unknown; after: unknown }>;

export interface AuditAct {
  accountId: string;
  /** The signed-in user who acted; null for a failed sign-in or the system's own work. */
  actorUserId: string | null;
  actorLabel?: string;
  action: string;
  targetType: string;
  targetId: string;
  changes?: FieldChanges;
  detail?: Record<string, unknown>;
}

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/** The fields whose values differ (compared as JSON), each with its before and after. */
export function changedFields<T extends object>(before: T, after: T, fields: (keyof T)[]): FieldChanges {
  const changes: FieldChanges = {};
  for (const field of fields) {
    const was = before[field] ?? null;
    const now = after[field] ?? null;
    if (JSON.stringify(was) !== JSON.stringify(now)) changes[String(field)] = { before: was, after: now };
  }
  return changes;
}

export interface AuditQuery {
  accountId: string;
  actorUserId?: string;
  /** Exact, or a prefix ending in "." */
  action?: string;
  from?: Date;
  to?: Date;
  before?: { at: Date; id: string };
  limit: number;
}

interface AuditRow {
  id: string;
  account_id: string;
  at: Date;
  actor_user_id: string | null;
  actor_label: string;
  ip: string;
  user_agent: string;
  action: string;
  target_type: string;
  target_id: string;
  changes: FieldChanges;
  detail: Record<string, unknown>;
}

const toEntry = (row: AuditRow): AuditEntry => ({
  id: row.id,
  accountId: row.account_id,
  at: row.at,
  actorUserId: row.actor_user_id ?? '',
  actorLabel: row.actor_label,
  ip: row.ip,
  userAgent: row.user_agent,
  action: row.action,
  targetType: row.target_type,
  targetId: row.target_id,
  changesJson: JSON.stringify(row.changes),
  detailJson: JSON.stringify(row.detail),
});

export class AuditTrail {
  /** Writes the entry through the caller's transaction; "from where" is the request's client. */
  async record(db: Queryable, act: AuditAct): Promise<AuditEntry> {
    const client = currentRequestClient();
    const { rows } = await db.query<AuditRow>(
      `INSERT INTO audit_entries (id, account_id, actor_user_id, actor_label, ip, user_agent, action, target_type, target_id, changes, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *`,
      [
        newId('aud'),
        act.accountId,
        act.actorUserId,
        act.actorLabel ?? '',
        client?.ip ?? '',
        client?.userAgent ?? '',
        act.action,
        act.targetType,
        act.targetId,
        JSON.stringify(act.changes ?? {}),
        JSON.stringify(act.detail ?? {}),
      ],
    );
    return toEntry(rows[0]);
  }

  async list(db: Queryable, query: AuditQuery): Promise<AuditEntry[]> {
    const conditions = ['account_id = $1'];
    const values: unknown[] = [query.accountId];
    const add = (condition: string, value: unknown) => {
      values.push(value);
      conditions.push(condition.replace('?', `$${values.length}`));
    };
    if (query.actorUserId) add('actor_user_id = ?', query.actorUserId);
    if (query.action?.endsWith('.')) add("starts_with(action, ?)", query.action);
    else if (query.action) add('action = ?', query.action);
    if (query.from) add('at >= ?', query.from);
    if (query.to) add('at < ?', query.to);
    if (query.before) {
      values.push(query.before.at, query.before.id);
      conditions.push(`(at, id) < ($${values.length - 1}, $${values.length})`);
    }
    values.push(query.limit);
    const { rows } = await db.query<AuditRow>(
      `SELECT * FROM audit_entries WHERE ${conditions.join(' AND ')} ORDER BY at DESC, id DESC LIMIT $${values.length}`,
      values,
    );
    return rows.map(toEntry);
  }
}

const MAX_PAGE = 500;

function parseJsonObject(text: string, field: string): Record<string, unknown> {
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // falls through to the error below
  }
  throw new InvalidArgumentError('invalid_audit_entry', `${field} must be a JSON object`);
}

/** The AuditService every service that keeps a trail serves over its own table. */
export function auditGrpcHandlers(pool: pg.Pool, trail = new AuditTrail()): UnaryHandlers<typeof AuditServiceService> {
  return {
    async listAuditEntries(request) {
      if (!request.accountId) throw new InvalidArgumentError('tenant_required', 'accountId is required');
      const limit = Math.min(Math.max(request.limit || 50, 1), MAX_PAGE);
      const before = request.beforeAt && request.beforeId ? { at: request.beforeAt, id: request.beforeId } : undefined;
      const entries = await trail.list(pool, {
        accountId: request.accountId,
        actorUserId: request.actorUserId || undefined,
        action: request.action || undefined,
        from: request.from,
        to: request.to,
        before,
        limit,
      });
      return { entries };
    },
    async recordAuditEntry(request) {
      const entry = request.entry;
      if (!entry?.accountId || !entry.action || !entry.targetType) {
        throw new InvalidArgumentError('invalid_audit_entry', 'accountId, action and targetType are required');
      }
      const recorded = await trail.record(pool, {
        accountId: entry.accountId,
        actorUserId: entry.actorUserId || null,
        actorLabel: entry.actorLabel,
        action: entry.action,
        targetType: entry.targetType,
        targetId: entry.targetId,
        changes: parseJsonObject(entry.changesJson, 'changesJson') as FieldChanges,
        detail: parseJsonObject(entry.detailJson, 'detailJson'),
      });
      return { entry: recorded };
    },
  };
}
