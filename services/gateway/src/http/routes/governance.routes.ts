// Data governance: how long closed conversations are kept (with a dry run before applying it),
// legal holds that keep a conversation, or every conversation of a contact, from deletion, and a
// contact's personal data exported as a ZIP or erased.
import { once } from 'node:events';
import type { Response } from 'express';
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import { z, type BlobStore, type ConversationClients } from '@inbox/lib';
import type { LegalHold, RetentionPolicy } from '@inbox/lib/gen/inbox/conversation/v1/governance';
import type { ApiRoutes } from '../api-route';
import { tenant } from '../authenticate';


const Days = z.number().int().min(1).max(36_500);

const RetentionDto = z
  .object({
    closedConversationDays: Days.nullable().describe("days a closed conversation is kept after its last change (null: forever); every inbox not listed follows it"),
    inboxes: z
      .array(
        z
          .object({
            inboxId: z.string().min(1).max(100),
            keep: z.enum(['forever', 'days']).describe('forever: this inbox keeps its closed conversations; days: its own number of days'),
            days: Days.nullable().default(null),
          })
          .strict(),
      )
      .max(1000)
      .default([]),
  })
  .openapi('RetentionPolicy');

const PreviewDto = z
  .object({
    asOf: z.string(),
    total: z.number().int().describe('conversations applying the policy now deletes; send it to POST /retention/apply'),
    held: z.number().int().describe('conversations due but kept by a legal hold'),
    inboxes: z.array(z.object({ inboxId: z.string(), days: z.number().int(), conversations: z.number().int() })),
  })
  .openapi('RetentionPreview');

const HoldDto = z
  .object({ targetType: z.enum(['conversation', 'contact']), targetId: z.string(), reason: z.string(), placedBy: z.string(), placedAt: z.string() })
  .openapi('LegalHold');

const policyDto = (policy: RetentionPolicy | undefined): z.infer<typeof RetentionDto> => ({
  closedConversationDays: policy?.accountDays || null,
  inboxes: (policy?.inboxes ?? []).map((i) => ({ inboxId: i.inboxId, keep: i.mode === 'days' ? 'days' : 'forever', days: i.mode === 'days' ? i.days : null })),
});

const holdDto = (h: LegalHold): z.infer<typeof HoldDto> => ({
  targetType: h.targetType as 'conversation' | 'contact',
  targetId: h.targetId,
  reason: h.reason,
  placedBy: h.placedBy,
  placedAt: (h.placedAt ?? new Date(0)).toISOString(),
});

/** The service answers 400 invalid_hold_target for anything but a conversation or a contact. */
const holdTarget = (params: Record<string, string>) => ({ targetType: params.targetType, targetId: params.targetId });

const EXPORT_README = `Everything this inbox holds about one contact.
contact.json          the contact: name, addresses, properties, company
conversations/*.json  each conversation with its messages, internal comments, tickets and calls
records.json          deals and survey answers
messages/*.eml        the original emails as received
attachments/*/*       the files attached to messages
`;

/** Streams a ZIP to the response: JSON compressed, files stored as they are, written as they come. */
async function writeZip(res: Response, entries: AsyncIterable<{ path: string; bytes: Uint8Array; compress: boolean }>): Promise<void> {
  let failed: Error | null = null;
  const zip = new Zip((error, chunk, final) => {
    if (error) failed = error;
    else res.write(chunk);
    if (final) res.end();
  });
  for await (const entry of entries) {
    if (failed) throw failed;
    const file = entry.compress ? new ZipDeflate(entry.path, { level: 6 }) : new ZipPassThrough(entry.path);
    zip.add(file);
    file.push(entry.bytes, true);
    if (res.writableNeedDrain) await once(res, 'drain');
  }
  zip.end();
}

export function registerGovernanceRoutes(api: ApiRoutes, conversation: ConversationClients, blobs: BlobStore): void {
  const governance = conversation.governance.call;

  api.add(
    { method: 'get', path: '/retention', summary: 'How long closed conversations are kept, for the account and the inboxes with their own rule (admins)', tag: 'governance', auth: true, response: RetentionDto, errors: [403] },
    async ({ user }) => policyDto((await governance.getRetentionPolicy({ tenant: tenant(user) })).policy),
  );

  api.add(
    {
      method: 'put',
      path: '/retention',
      summary:
        'Set how long closed conversations (with their messages, attachments and tickets) are kept (super admins). Due conversations are deleted by the hourly run, or at once by POST /retention/apply after a preview; legal holds keep theirs',
      tag: 'governance',
      auth: true,
      body: RetentionDto.strict().superRefine((body, ctx) => {
        body.inboxes.forEach((inbox, index) => {
          if ((inbox.keep === 'days') !== (inbox.days !== null)) ctx.addIssue({ code: 'custom', path: ['inboxes', index, 'days'], message: 'days go with keep: days, and only with it' });
        });
      }),
      response: RetentionDto,
      errors: [403, 404],
    },
    async ({ user, body }) => {
      const policy: RetentionPolicy = {
        accountDays: body.closedConversationDays ?? 0,
        inboxes: body.inboxes.map((i) => ({ inboxId: i.inboxId, mode: i.keep === 'days' ? 'days' : 'keep', days: i.days ?? 0 })),
      };
      return policyDto((await governance.setRetentionPolicy({ tenant: tenant(user), policy })).policy);
    },
  );

  api.add(
    { method: 'get', path: '/retention/preview', summary: 'The dry run: what applying the retention policy now would delete, per inbox, and what legal holds keep (admins)', tag: 'governance', auth: true, response: PreviewDto, errors: [403] },
    async ({ user }) => {
      const preview = await governance.previewRetention({ tenant: tenant(user) });
      return { asOf: (preview.asOf ?? new Date()).toISOString(), total: preview.total, held: preview.held, inboxes: preview.inboxes };
    },
  );

  api.add(
    {
      method: 'post',
      path: '/retention/apply',
      summary: "Delete now what the preview counted (super admins); 409 retention_count_changed, deleting nothing, when that is no longer the count. Each deletion is audited",
      tag: 'governance',
      auth: true,
      body: z.object({ expected: z.number().int().min(0).describe("the preview's total") }).strict(),
      response: z.object({ deleted: z.number().int() }),
      errors: [403, 409],
    },
    async ({ user, body }) => ({ deleted: (await governance.applyRetention({ tenant: tenant(user), expected: body.expected })).deleted }),
  );

  api.add(
    { method: 'get', path: '/legal-holds', summary: 'Legal holds of the account (admins)', tag: 'governance', auth: true, response: z.object({ items: z.array(HoldDto), nextCursor: z.null() }), errors: [403] },
    async ({ user }) => ({ items: (await governance.listLegalHolds({ tenant: tenant(user) })).holds.map(holdDto), nextCursor: null }),
  );

  api.add(
    {
      method: 'put',
      path: '/legal-holds/:targetType/:targetId',
      summary: 'Place a legal hold on a conversation or a contact (super admins): nothing of it is deleted (trash, purge, retention, erasure) until it is released',
      tag: 'governance',
      auth: true,
      body: z.object({ reason: z.string().trim().max(500).default('') }).strict(),
      response: HoldDto,
      errors: [403, 404],
    },
    async ({ user, params, body }) => {
      return holdDto((await governance.placeLegalHold({ tenant: tenant(user), ...holdTarget(params), reason: body.reason })).hold!);
    },
  );

  api.add(
    { method: 'delete', path: '/legal-holds/:targetType/:targetId', summary: 'Release a legal hold (super admins)', tag: 'governance', auth: true, status: 204, errors: [403, 404] },
    async ({ user, params }) => {
      await governance.releaseLegalHold({ tenant: tenant(user), ...holdTarget(params) });
    },
  );

  api.add(
    {
      method: 'get',
      path: '/contacts/:id/export',
      summary: 'Everything held about a contact as a ZIP: contact.json, a JSON file per conversation (messages, comments, tickets, calls), records.json, the original emails and the attachments (admins; audited)',
      tag: 'governance',
      auth: true,
      errors: [403, 404],
    },
    async ({ user, params, res }) => {
      const exported = await governance.exportContact({ tenant: tenant(user), contactId: params.id });
      const data = JSON.parse(exported.dataJson) as { contact: unknown; conversations: { id: string }[]; deals: unknown[]; surveys: unknown[] };
      const json = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
      res.setHeader('content-type', 'application/zip');
      res.setHeader('content-disposition', `attachment; filename="contact-${params.id}.zip"`);
      res.status(200);
      async function* entries() {
        yield { path: 'README.txt', bytes: new TextEncoder().encode(EXPORT_README), compress: true };
        yield { path: 'contact.json', bytes: json(data.contact), compress: true };
        for (const c of data.conversations) yield { path: `conversations/${c.id}.json`, bytes: json(c), compress: true };
        yield { path: 'records.json', bytes: json({ deals: data.deals, surveys: data.surveys }), compress: true };
        for (const file of exported.files) {
          const bytes = file.objectKey ? await blobs.get(file.objectKey) : file.content;
          // A file already gone from the store (a purge raced the export) is listed, not silently dropped.
          yield bytes ? { path: file.path, bytes, compress: false } : { path: `${file.path}.missing`, bytes: new Uint8Array(), compress: false };
        }
      }
      await writeZip(res, entries());
    },
  );

  api.add(
    {
      method: 'post',
      path: '/contacts/:id/erase',
      summary:
        "Erase a contact (super admins): their name, addresses, properties, messages' text and addresses, attachments and original emails are removed from the database, the search index and the blob store; an anonymised stub keeps the counts. 409 legal_hold when a hold is on them or their conversations. Audited",
      tag: 'governance',
      auth: true,
      response: z.object({ conversations: z.number().int(), messages: z.number().int(), files: z.number().int() }),
      errors: [403, 404, 409],
    },
    async ({ user, params }) => governance.eraseContact({ tenant: tenant(user), contactId: params.id }),
  );
}
