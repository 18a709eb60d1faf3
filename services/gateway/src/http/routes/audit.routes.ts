// The audit log (super admins): one newest-first list merged from the trails the services keep
// of their own acts, with filters and a cursor, and an export of everything a filter matches.
import { once } from 'node:events';
import { HttpError, decodeCursor, encodeCursor, z, type ServiceClient } from '@inbox/lib';
import type { AuditEntry, AuditServiceService, ListAuditEntriesRequest } from '@inbox/lib/gen/inbox/audit/v1/audit';
import type { AuthenticatedUser } from '../authenticate';
import type { ApiRoutes } from '../api-route';

/** Every service that keeps a trail; the conversation service's also takes the gateway's own entries. */
export interface AuditTrails {
  conversation: ServiceClient<typeof AuditServiceService>;
  routing: ServiceClient<typeof AuditServiceService>;
  notification: ServiceClient<typeof AuditServiceService>;
}

const EXPORT_MAX_ENTRIES = 100_000;
const EXPORT_PAGE = 500;

const Change = z.object({ before: z.unknown(), after: z.unknown() });

const AuditEntryDto = z
  .object({
    id: z.string(),
    at: z.string(),
    actorUserId: z.string().nullable().describe('null for a failed sign-in or what the system did on its own'),
    actorLabel: z.string().describe('the email a sign-in was tried with, or "system"'),
    ip: z.string(),
    userAgent: z.string(),
    action: z.string().describe('e.g. auth.signed_in, user.role_changed, channel.updated; the catalogue is in the README'),
    targetType: z.string(),
    targetId: z.string(),
    changes: z.record(z.string(), Change).describe('each changed field with its value before and after'),
    detail: z.record(z.string(), z.unknown()),
  })
  .openapi('AuditEntry');

const Filter = z.object({
  actor: z.string().max(100).optional().describe('a user id'),
  action: z
    .string()
    .regex(/^[a-z_]+(\.[a-z_]*)?$/, 'an action such as user.role_changed, or a prefix such as user.')
    .optional(),
  from: z.string().datetime({ offset: true }).optional(),
  to: z.string().datetime({ offset: true }).optional(),
});

const ListQuery = Filter.extend({
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

type Dto = z.infer<typeof AuditEntryDto>;

const toDto = (e: AuditEntry): Dto => ({
  id: e.id,
  at: (e.at ?? new Date(0)).toISOString(),
  actorUserId: e.actorUserId || null,
  actorLabel: e.actorLabel,
  ip: e.ip,
  userAgent: e.userAgent,
  action: e.action,
  targetType: e.targetType,
  targetId: e.targetId,
  changes: JSON.parse(e.changesJson || '{}') as Dto['changes'],
  detail: JSON.parse(e.detailJson || '{}') as Dto['detail'],
});

const newestFirst = (a: AuditEntry, b: AuditEntry): number => {
  const byTime = (b.at?.getTime() ?? 0) - (a.at?.getTime() ?? 0);
  return byTime !== 0 ? byTime : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
};

function requireSuperadmin(user: AuthenticatedUser): void {
  if (user.role !== 'superadmin') throw new HttpError(403, 'forbidden', 'the audit log is for super admins');
}

function filterRequest(user: AuthenticatedUser, filter: z.infer<typeof Filter>): ListAuditEntriesRequest {
  const from = filter.from ? new Date(filter.from) : undefined;
  const to = filter.to ? new Date(filter.to) : undefined;
  if (from && to && from >= to) throw new HttpError(400, 'invalid_range', 'from must be before to');
  return { accountId: user.accountId, actorUserId: filter.actor ?? '', action: filter.action ?? '', from, to, beforeAt: undefined, beforeId: '', limit: 0 };
}

/**
 * One page of the merged log: each trail's newest before the cursor, merged, the first `limit`
 * kept. A trail that does not answer is named in `unavailable` rather than failing the page.
 */
async function mergedPage(trails: AuditTrails, request: ListAuditEntriesRequest): Promise<{ entries: AuditEntry[]; more: boolean; unavailable: string[] }> {
  const names = Object.keys(trails) as (keyof AuditTrails)[];
  const settled = await Promise.allSettled(names.map((name) => trails[name].call.listAuditEntries(request)));
  const unavailable = names.filter((_, i) => settled[i].status === 'rejected');
  const pages = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const all = pages.flatMap((p) => p.entries).sort(newestFirst);
  const more = all.length > request.limit || pages.some((p) => p.entries.length === request.limit);
  return { entries: all.slice(0, request.limit), more, unavailable };
}

export function registerAuditRoutes(api: ApiRoutes, trails: AuditTrails): void {
  api.add(
    {
      method: 'get',
      path: '/audit',
      summary: 'The audit log, newest first: who did what, when, from where, with the before and after of what changed (super admins only; entries can never be changed or deleted)',
      tag: 'audit',
      auth: true,
      query: ListQuery,
      response: z.object({
        entries: z.array(AuditEntryDto),
        nextCursor: z.string().nullable(),
        unavailable: z.array(z.enum(['conversation', 'routing', 'notification'])).describe("services whose trail did not answer: their entries are missing from this page"),
      }),
      errors: [403],
    },
    async ({ user, query }) => {
      requireSuperadmin(user);
      const before = query.cursor ? decodeCursor(query.cursor) : undefined;
      const request = { ...filterRequest(user, query), beforeAt: before?.at, beforeId: before?.id ?? '', limit: query.limit };
      const { entries, more, unavailable } = await mergedPage(trails, request);
      const last = entries.at(-1);
      return { entries: entries.map(toDto), nextCursor: more && last ? encodeCursor(last.at ?? new Date(0), last.id) : null, unavailable };
    },
  );

  api.add(
    {
      method: 'get',
      path: '/audit/export',
      summary: `Everything the filter matches (at most ${EXPORT_MAX_ENTRIES.toLocaleString('en')} entries), newest first, as JSON lines; the export is itself audited`,
      tag: 'audit',
      auth: true,
      query: Filter,
      errors: [403, 503],
    },
    async ({ user, query, res }) => {
      requireSuperadmin(user);
      const filter = filterRequest(user, query);
      // An export is complete or it is not made.
      const { unavailable } = await mergedPage(trails, { ...filter, limit: 1 });
      if (unavailable.length) throw new HttpError(503, 'audit_unavailable', `the audit trail of ${unavailable.join(', ')} is not answering; export again shortly`);
      await trails.conversation.call.recordAuditEntry({
        entry: {
          id: '',
          accountId: user.accountId,
          at: undefined,
          actorUserId: user.id,
          actorLabel: user.email,
          ip: '',
          userAgent: '',
          action: 'audit.exported',
          targetType: 'audit_log',
          targetId: user.accountId,
          changesJson: '{}',
          detailJson: JSON.stringify({ filter: query }),
        },
      });
      res.setHeader('content-type', 'application/x-ndjson; charset=utf-8');
      res.setHeader('content-disposition', `attachment; filename="audit-${new Date().toISOString().slice(0, 10)}.jsonl"`);
      res.status(200);
      let cursor: { at?: Date; id: string } = { at: undefined, id: '' };
      for (let written = 0; written < EXPORT_MAX_ENTRIES; ) {
        const { entries, more, unavailable: missing } = await mergedPage(trails, { ...filter, beforeAt: cursor.at, beforeId: cursor.id, limit: EXPORT_PAGE });
        // Headers are sent: a trail lost midway ends the file with a line saying so, never silently short.
        if (missing.length) {
          res.write(`${JSON.stringify({ error: 'audit_unavailable', unavailable: missing })}\n`);
          break;
        }
        const lines = entries.slice(0, EXPORT_MAX_ENTRIES - written).map((e) => JSON.stringify(toDto(e))).join('\n');
        if (lines && !res.write(`${lines}\n`)) await once(res, 'drain');
        written += entries.length;
        const last = entries.at(-1);
        if (!more || !last) break;
        cursor = { at: last.at, id: last.id };
      }
      res.end();
    },
  );
}
