// PostgreSQL store of the inbound batch path: one statement per step for the whole batch
// (unnest arrays or a JSON row set), as named prepared statements, all in one transaction.
import { withCachedPlans, type Pool, type PoolClient } from '@inbox/lib';
import type { Attachment, InboundMessage } from '@inbox/lib/gen/inbox/events/v1/events';
import { newId } from '@inbox/lib';
import { appendEvents } from '../../../adapters/outbox';
import { announceContactConversations } from '../../../adapters/contact-conversations';
import { lockKeysInOrder } from '../../../adapters/advisory-locks';
import { linkContactsToCompanies, type CompanyLink } from './company-links';
import type { KnownMessage, RecentConversation } from '../domain/threading';
import {
  channelKey,
  type ContinuedConversation,
  type EmailSender,
  type InboundBatchStore,
  type InboundBatchUnit,
  type InboundChannel,
  type InboundEventDraft,
  type NewEmailConversation,
  type NewEmailMessage,
  type StoreResult,
} from '../use-cases/store-inbound-batch';

export type StoreRecorded = (client: PoolClient, event: InboundMessage, channel: InboundChannel) => Promise<StoreResult>;

export class PgInboundBatchStore implements InboundBatchStore {
  constructor(
    private readonly pool: Pool,
    private readonly storeRecorded: StoreRecorded,
  ) {}

  inTransaction<T>(work: (unit: InboundBatchUnit) => Promise<T>): Promise<T> {
    return withCachedPlans(this.pool, (tx) => work(new PgInboundBatchUnit(tx, this.storeRecorded)));
  }
}

class PgInboundBatchUnit implements InboundBatchUnit {
  constructor(
    private readonly tx: PoolClient,
    private readonly recorded: StoreRecorded,
  ) {}

  async admit(
    channels: { accountId: string; channelId: string }[],
    receipts: { eventId: string; accountId: string; channelType: string; receivedAt: Date }[],
  ): Promise<{ channels: Map<string, InboundChannel>; recorded: Set<string> }> {
    const rows = await this.tx.query<{ kind: 'channel' | 'receipt'; id: string; account_id: string; inbox_id: string; name: string; settings: InboundChannel['settings']; inserted: boolean }>(
      `WITH channel AS (
         SELECT c.id, c.account_id, c.inbox_id, c.name, c.settings FROM channels c
         JOIN unnest($1::text[], $2::text[]) AS k(account_id, id) ON c.account_id = k.account_id AND c.id = k.id),
       receipt AS (
         INSERT INTO inbound_receipts (event_id, account_id, channel_type, received_at)
         SELECT * FROM unnest($3::text[], $4::text[], $5::text[], $6::timestamptz[])
         ON CONFLICT (event_id) DO UPDATE SET deliveries = inbound_receipts.deliveries + 1
         RETURNING event_id, (xmax = 0) AS inserted)
       SELECT 'channel' AS kind, id, account_id, inbox_id, name, settings, NULL::boolean AS inserted FROM channel
       UNION ALL SELECT 'receipt', event_id, NULL, NULL, NULL, NULL, inserted FROM receipt`,
      [
        channels.map((r) => r.accountId),
        channels.map((r) => r.channelId),
        receipts.map((r) => r.eventId),
        receipts.map((r) => r.accountId),
        receipts.map((r) => r.channelType),
        receipts.map((r) => r.receivedAt),
      ],
    );
    const found = new Map<string, InboundChannel>();
    const recorded = new Set<string>();
    for (const r of rows.rows) {
      if (r.kind === 'channel') found.set(channelKey(r.account_id, r.id), { inboxId: r.inbox_id, name: r.name, settings: r.settings });
      else if (r.inserted) recorded.add(r.id);
    }
    return { channels: found, recorded };
  }

  async lock(keys: string[]): Promise<void> {
    await lockKeysInOrder(this.tx, keys);
  }

  async upsertEmailSenders(senders: { accountId: string; email: string; name: string }[]): Promise<EmailSender[]> {
    if (senders.length === 0) return [];
    const rows = await this.tx.query<{ id: string; account_id: string; email: string; inserted: boolean; named: boolean; talked_with: boolean; blocked: boolean; user_id: string | null }>(
      // A sender who is one of a contact's further addresses is that contact; the others are upserted
      // by primary address. What the account knows of each sender is read in the same statement.
      `WITH input AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS u(id, account_id, name, email, ord)),
       alias AS (
         SELECT a.contact_id AS id, a.account_id, lower(a.value) AS email FROM contact_addresses a
         JOIN input i ON a.account_id = i.account_id AND a.kind = 'email' AND lower(a.value) = lower(i.email)),
       before AS (
         SELECT c.id, c.name FROM contacts c JOIN input i ON c.account_id = i.account_id AND lower(c.email) = lower(i.email)),
       upserted AS (
         INSERT INTO contacts (id, account_id, name, email)
         SELECT i.id, i.account_id, i.name, i.email FROM input i
         WHERE NOT EXISTS (SELECT 1 FROM alias WHERE alias.account_id = i.account_id AND alias.email = lower(i.email)) ORDER BY i.ord
         ON CONFLICT (account_id, lower(email)) WHERE email IS NOT NULL
         DO UPDATE SET name = CASE WHEN contacts.name = '' THEN EXCLUDED.name ELSE contacts.name END
         RETURNING id, account_id, lower(email) AS email, name, (xmax = 0) AS inserted),
       sender AS (
         SELECT u.id, u.account_id, u.email, u.inserted, (u.name <> '' AND EXISTS (SELECT 1 FROM before b WHERE b.id = u.id AND b.name = '')) AS named FROM upserted u
         UNION ALL SELECT id, account_id, email, false, false FROM alias)
       SELECT s.id, s.account_id, s.email, s.inserted, s.named,
         (NOT s.inserted AND EXISTS (SELECT 1 FROM conversations c WHERE c.account_id = s.account_id AND c.contact_id = s.id AND NOT c.filtered)) AS talked_with,
         EXISTS (SELECT 1 FROM blocked_senders b WHERE b.account_id = s.account_id AND b.sender_key = 'email:' || s.email) AS blocked,
         (SELECT u.id FROM users u WHERE u.account_id = s.account_id AND lower(u.email) = s.email AND u.removed_at IS NULL LIMIT 1) AS user_id
       FROM sender s`,
      [senders.map(() => newId('ctc')), senders.map((c) => c.accountId), senders.map((c) => c.name), senders.map((c) => c.email)],
    );
    await announceContactConversations(this.tx, rows.rows.filter((r) => r.named).map((r) => ({ accountId: r.account_id, contactId: r.id })));
    return rows.rows.map((r) => ({ accountId: r.account_id, email: r.email, contactId: r.id, inserted: r.inserted, talkedWith: r.talked_with, blocked: r.blocked, userId: r.user_id }));
  }

  async linkCompanies(links: CompanyLink[]): Promise<void> {
    await linkContactsToCompanies(this.tx, links);
  }

  async messagesByRfcId(ids: { accountId: string; rfcMessageId: string }[]): Promise<KnownMessage[]> {
    const rows = await this.tx.query<{ account_id: string; rfc_message_id: string; conversation_id: string; inbox_id: string; created_at: Date }>(
      `SELECT m.account_id, m.rfc_message_id, m.conversation_id, c.inbox_id, m.created_at
       FROM unnest($1::text[], $2::text[]) AS k(account_id, rfc_message_id)
       JOIN messages m ON m.account_id = k.account_id AND m.rfc_message_id = k.rfc_message_id
       JOIN conversations c ON c.id = m.conversation_id
       WHERE c.trashed_at IS NULL`,
      [ids.map((i) => i.accountId), ids.map((i) => i.rfcMessageId)],
    );
    return rows.rows.map((r) => ({ accountId: r.account_id, rfcMessageId: r.rfc_message_id, conversationId: r.conversation_id, inboxId: r.inbox_id, createdAt: r.created_at }));
  }

  async replyTokens(tokens: { accountId: string; token: string }[]): Promise<{ accountId: string; token: string; conversationId: string }[]> {
    const rows = await this.tx.query<{ account_id: string; token: string; conversation_id: string }>(
      `SELECT t.account_id, t.token, t.conversation_id
       FROM unnest($1::text[], $2::text[]) AS k(account_id, token)
       JOIN reply_tokens t ON t.account_id = k.account_id AND t.token = k.token
       JOIN conversations c ON c.id = t.conversation_id
       WHERE c.trashed_at IS NULL`,
      [tokens.map((t) => t.accountId), tokens.map((t) => t.token)],
    );
    return rows.rows.map((r) => ({ accountId: r.account_id, token: r.token, conversationId: r.conversation_id }));
  }

  async recentEmailConversations(contacts: { accountId: string; inboxId: string; contactId: string }[], days: number): Promise<RecentConversation[]> {
    const rows = await this.tx.query<{ account_id: string; inbox_id: string; contact_id: string; id: string; subject: string; last_message_at: Date }>(
      `SELECT k.account_id, k.inbox_id, k.contact_id, c.id, c.subject, c.last_message_at
       FROM unnest($1::text[], $2::text[], $3::text[]) AS k(account_id, inbox_id, contact_id)
       CROSS JOIN LATERAL (
         SELECT id, subject, last_message_at FROM conversations
         WHERE account_id = k.account_id AND inbox_id = k.inbox_id AND contact_id = k.contact_id AND (channel = 'email' OR reply_channel = 'email') AND trashed_at IS NULL
           AND last_message_at > now() - make_interval(days => $4)
         ORDER BY last_message_at DESC LIMIT 20) AS c`,
      [contacts.map((c) => c.accountId), contacts.map((c) => c.inboxId), contacts.map((c) => c.contactId), days],
    );
    return rows.rows.map((r) => ({ accountId: r.account_id, inboxId: r.inbox_id, contactId: r.contact_id, conversationId: r.id, subject: r.subject, lastMessageAt: r.last_message_at }));
  }

  async continueConversations(rows: ContinuedConversation[]): Promise<Map<string, { version: number; assigneeId: string }>> {
    const updated = await this.tx.query<{ id: string; version: string; assignee_id: string | null }>(
      `UPDATE conversations c SET status = 'open', awaiting_first_reply = false, last_message_at = GREATEST(c.last_message_at, u.last_message_at),
         last_message_direction = 'inbound', preview = u.preview, participant_count = GREATEST(c.participant_count, u.participant_count),
         version = c.version + u.messages, updated_at = now()
       FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::int[], $6::int[]) AS u(id, account_id, last_message_at, preview, participant_count, messages)
       WHERE c.id = u.id AND c.account_id = u.account_id
       RETURNING c.id, c.version, c.assignee_id`,
      [rows.map((r) => r.id), rows.map((r) => r.accountId), rows.map((r) => r.lastMessageAt), rows.map((r) => r.preview), rows.map((r) => r.participantCount), rows.map((r) => r.messages)],
    );
    if (updated.rowCount !== rows.length) throw new Error(`conversations changed under the batch: ${rows.length - (updated.rowCount ?? 0)} not found`);
    return new Map(updated.rows.map((r) => [r.id, { version: Number(r.version), assigneeId: r.assignee_id ?? '' }]));
  }

  async insertEmails(conversations: NewEmailConversation[], messages: NewEmailMessage[]): Promise<void> {
    // The messages' foreign keys are checked at the end of the statement, when the conversations
    // started beside them exist.
    await this.tx.query(
      `WITH conversation AS (
         INSERT INTO conversations (id, account_id, inbox_id, channel_id, channel, subject, contact_id, participant_count, preview,
           last_message_at, last_message_direction, filtered, filtered_reason, version, created_at)
         SELECT id, account_id, inbox_id, channel_id, 'email', subject, contact_id, participant_count, preview,
           last_message_at, 'inbound', filtered_reason IS NOT NULL, filtered_reason, version, created_at
         FROM jsonb_to_recordset($1::jsonb) AS r(id text, account_id text, inbox_id text, channel_id text, subject text, contact_id text,
           participant_count int, preview text, last_message_at timestamptz, filtered_reason text, version bigint, created_at timestamptz))
       INSERT INTO messages (id, account_id, conversation_id, direction, channel, source_event_id, rfc_message_id, in_reply_to, reference_ids,
         from_name, from_address, to_addresses, cc_addresses, subject, text_body, html_body, raw_object_key, created_at, reply_text, authentication,
         author_user_id, raw_message)
       SELECT id, account_id, conversation_id, 'inbound', 'email', source_event_id, rfc_message_id, in_reply_to, reference_ids,
         from_name, from_address, to_addresses, cc_addresses, subject, text_body, html_body, raw_object_key, created_at, reply_text, authentication,
         author_user_id, decode(raw_message, 'base64')
       FROM jsonb_to_recordset($2::jsonb) AS r(id text, account_id text, conversation_id text, source_event_id text, rfc_message_id text,
         in_reply_to text[], reference_ids text[], from_name text, from_address text, to_addresses jsonb, cc_addresses jsonb, subject text,
         text_body text, html_body text, raw_object_key text, created_at timestamptz, reply_text text, authentication jsonb, author_user_id text,
         raw_message text)`,
      [
        JSON.stringify(
          conversations.map((c) => ({
            id: c.id,
            account_id: c.accountId,
            inbox_id: c.inboxId,
            channel_id: c.channelId,
            subject: c.subject,
            contact_id: c.contactId,
            participant_count: c.participantCount,
            preview: c.preview,
            last_message_at: c.lastMessageAt,
            filtered_reason: c.filteredReason,
            version: c.version,
            created_at: c.firstMessageAt,
          })),
        ),
        JSON.stringify(
          messages.map((m) => ({
            id: m.id,
            account_id: m.accountId,
            conversation_id: m.conversationId,
            source_event_id: m.sourceEventId,
            rfc_message_id: m.rfcMessageId,
            in_reply_to: m.inReplyTo,
            reference_ids: m.referenceIds,
            from_name: m.fromName,
            from_address: m.fromAddress,
            to_addresses: m.to,
            cc_addresses: m.cc,
            subject: m.subject,
            text_body: m.text,
            html_body: m.html,
            raw_object_key: m.rawObjectKey,
            created_at: m.createdAt,
            reply_text: m.replyText,
            authentication: m.authentication,
            author_user_id: m.authorUserId,
            raw_message: m.rawMessage ? Buffer.from(m.rawMessage.buffer, m.rawMessage.byteOffset, m.rawMessage.byteLength).toString('base64') : null,
          })),
        ),
      ],
    );
  }

  async insertAttachments(rows: { accountId: string; messageId: string; attachments: Attachment[] }[]): Promise<void> {
    const flat = rows.flatMap((r) => r.attachments.map((a, position) => ({ ...r, a, position })));
    await this.tx.query(
      `INSERT INTO attachments (id, account_id, message_id, filename, content_type, size, object_key, content_id, inline, position, unavailable_reason)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::boolean[], $10::int[], $11::text[])`,
      [
        flat.map(() => newId('att')),
        flat.map((f) => f.accountId),
        flat.map((f) => f.messageId),
        flat.map((f) => f.a.filename),
        flat.map((f) => f.a.contentType),
        flat.map((f) => f.a.size),
        flat.map((f) => f.a.objectKey),
        flat.map((f) => f.a.contentId || null),
        flat.map((f) => f.a.inline),
        flat.map((f) => f.position),
        flat.map((f) => f.a.unavailableReason || null),
      ],
    );
  }

  appendEvents(drafts: InboundEventDraft[]): Promise<void> {
    return appendEvents(this.tx, drafts);
  }

  storeRecorded(event: InboundMessage, channel: InboundChannel): Promise<StoreResult> {
    return this.recorded(this.tx, event, channel);
  }
}
