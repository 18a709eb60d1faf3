// A contact's personal data in PostgreSQL: read whole for an export, and erased in one
// transaction that leaves every row that is counted (conversations, messages, comments) as an
// anonymised stub and announces each conversation, so search indexes the stub.
import type { Pool } from '@inbox/lib';
import { ConversationEventType } from '@inbox/lib/gen/inbox/events/v1/events';
import { appendEvents } from '../../../adapters/outbox';
import type { Transaction } from '../../../use-cases/unit-of-work';
import type { ContactExport, ErasedTraces, PersonalDataStore } from '../use-cases/personal-data';

export const ERASED_NAME = 'Erased contact';

export class PostgresPersonalData implements PersonalDataStore {
  constructor(private readonly pool: Pool) {}

  async read(accountId: string, contactId: string): Promise<ContactExport | null> {
    const contact = await this.pool.query<{ contact: Record<string, unknown> }>(
      `SELECT to_jsonb(c) - 'account_id' || jsonb_build_object('addresses', COALESCE((SELECT jsonb_agg(jsonb_build_object('kind', a.kind, 'value', a.value) ORDER BY a.kind, a.position) FROM contact_addresses a WHERE a.contact_id = c.id), '[]'),
              'company', (SELECT jsonb_build_object('name', co.name, 'domain', co.domain) FROM companies co WHERE co.id = c.company_id)) AS contact
       FROM contacts c WHERE c.account_id = $1 AND c.id = $2`,
      [accountId, contactId],
    );
    if (!contact.rows[0]) return null;
    const conversations = await this.pool.query<{ conversation: Record<string, unknown> }>(
      `SELECT to_jsonb(c) - 'account_id' - 'version' || jsonb_build_object(
         'messages', COALESCE((SELECT jsonb_agg(to_jsonb(m) - 'account_id' - 'raw_message' || jsonb_build_object('inline_raw', m.raw_message IS NOT NULL, 'attachments',
             COALESCE((SELECT jsonb_agg(to_jsonb(a) - 'account_id' ORDER BY a.id) FROM attachments a WHERE a.message_id = m.id), '[]')) ORDER BY m.created_at, m.id)
           FROM messages m WHERE m.conversation_id = c.id), '[]'),
         'comments', COALESCE((SELECT jsonb_agg(jsonb_build_object('id', k.id, 'authorId', k.author_id, 'text', k.text_body, 'createdAt', k.created_at) ORDER BY k.created_at) FROM comments k WHERE k.conversation_id = c.id), '[]'),
         'tickets', COALESCE((SELECT jsonb_agg(to_jsonb(t) - 'account_id' ORDER BY t.created_at) FROM tickets t WHERE t.conversation_id = c.id), '[]'),
         'calls', COALESCE((SELECT jsonb_agg(to_jsonb(k) - 'account_id' ORDER BY k.started_at, k.id) FROM calls k WHERE k.conversation_id = c.id), '[]')) AS conversation
       FROM conversations c WHERE c.account_id = $1 AND c.contact_id = $2 ORDER BY c.created_at, c.id`,
      [accountId, contactId],
    );
    const deals = await this.pool.query<{ deal: Record<string, unknown> }>(`SELECT to_jsonb(d) - 'account_id' AS deal FROM deals d WHERE d.account_id = $1 AND d.contact_id = $2 ORDER BY d.created_at`, [accountId, contactId]);
    const surveys = await this.pool.query<{ survey: Record<string, unknown> }>(`SELECT to_jsonb(s) - 'account_id' - 'token_hash' AS survey FROM surveys s WHERE s.account_id = $1 AND s.contact_id = $2 ORDER BY s.id`, [accountId, contactId]);
    return {
      contact: contact.rows[0].contact,
      conversations: conversations.rows.map((r) => r.conversation),
      deals: deals.rows.map((r) => r.deal),
      surveys: surveys.rows.map((r) => r.survey),
    };
  }

  async inlineRaw(accountId: string, messageId: string): Promise<Uint8Array | null> {
    const result = await this.pool.query<{ raw_message: Buffer | null }>('SELECT raw_message FROM messages WHERE account_id = $1 AND id = $2', [accountId, messageId]);
    return result.rows[0]?.raw_message ?? null;
  }

  async erase(tx: Transaction, accountId: string, contactId: string): Promise<ErasedTraces | null> {
    const found = await tx.query<{ email: string | null; phone: string | null }>('SELECT email, phone FROM contacts WHERE account_id = $1 AND id = $2 FOR UPDATE', [accountId, contactId]);
    if (!found.rows[0]) return null;
    const addresses = await tx.query<{ kind: string; value: string }>('SELECT kind, value FROM contact_addresses WHERE contact_id = $1', [contactId]);
    const emails = [found.rows[0].email, ...addresses.rows.filter((a) => a.kind === 'email').map((a) => a.value)].filter((e): e is string => !!e).map((e) => e.toLowerCase());
    const phones = [found.rows[0].phone, ...addresses.rows.filter((a) => a.kind === 'phone').map((a) => a.value)].filter((p): p is string => !!p);

    const conversations = (await tx.query<{ id: string }>('SELECT id FROM conversations WHERE account_id = $1 AND contact_id = $2 ORDER BY id FOR UPDATE', [accountId, contactId])).rows.map((r) => r.id);
    const files = await tx.query<{ object_key: string }>(
      `DELETE FROM attachments a USING messages m WHERE a.message_id = m.id AND m.account_id = $1 AND m.conversation_id = ANY($2) RETURNING a.object_key`,
      [accountId, conversations],
    );
    const messages = await tx.query<{ raw_object_key: string | null }>(
      `UPDATE messages m SET from_name = '', from_address = '', to_addresses = '[]', cc_addresses = '[]', bcc_addresses = '[]', subject = '', text_body = '', html_body = NULL,
         reply_text = NULL, fields = NULL, raw_object_key = NULL, raw_message = NULL, reply_to_address = NULL, authentication = NULL, delivery_error = NULL
       FROM (SELECT id, raw_object_key FROM messages WHERE account_id = $1 AND conversation_id = ANY($2) FOR UPDATE) old
       WHERE m.id = old.id RETURNING old.raw_object_key`,
      [accountId, conversations],
    );
    // The contact as a recipient of other conversations' messages: out of their recipients, and
    // their original emails (whose headers name the contact) are no longer kept.
    const named = (column: string) => `EXISTS (SELECT 1 FROM jsonb_array_elements(${column}) r WHERE lower(r->>'address') = ANY($2))`;
    const without = (column: string) => `(SELECT COALESCE(jsonb_agg(r), '[]') FROM jsonb_array_elements(${column}) r WHERE NOT lower(r->>'address') = ANY($2))`;
    const recipientOf = await tx.query<{ raw_object_key: string | null }>(
      `UPDATE messages m SET to_addresses = ${without('m.to_addresses')}, cc_addresses = ${without('m.cc_addresses')}, bcc_addresses = ${without('m.bcc_addresses')},
         raw_object_key = NULL, raw_message = NULL
       FROM (SELECT id, raw_object_key FROM messages WHERE account_id = $1 AND (${named('to_addresses')} OR ${named('cc_addresses')} OR ${named('bcc_addresses')}) FOR UPDATE) old
       WHERE m.id = old.id RETURNING old.raw_object_key`,
      [accountId, emails],
    );
    await tx.query(`UPDATE outbound_deliveries SET last_error = NULL WHERE account_id = $1 AND message_id IN (SELECT id FROM messages WHERE conversation_id = ANY($2))`, [accountId, conversations]);
    await tx.query(`UPDATE comments SET text_body = '' WHERE account_id = $1 AND conversation_id = ANY($2)`, [accountId, conversations]);
    await tx.query(`UPDATE tickets SET title = '' WHERE account_id = $1 AND conversation_id = ANY($2)`, [accountId, conversations]);
    await tx.query(`UPDATE calls SET from_number = '', to_number = '', recording_url = NULL, transcript = NULL WHERE account_id = $1 AND conversation_id = ANY($2)`, [accountId, conversations]);
    await tx.query(`UPDATE deals SET name = '' WHERE account_id = $1 AND contact_id = $2`, [accountId, contactId]);
    await tx.query(`UPDATE surveys SET comment = '' WHERE account_id = $1 AND contact_id = $2`, [accountId, contactId]);
    await tx.query(`DELETE FROM blocked_senders WHERE account_id = $1 AND sender_key = ANY($2)`, [accountId, [...emails.map((e) => `email:${e}`), ...phones.map((p) => `phone:${p}`)]]);
    await tx.query('DELETE FROM contact_addresses WHERE contact_id = $1', [contactId]);
    await tx.query(`UPDATE contacts SET name = $3, email = NULL, phone = NULL, external_id = NULL, properties = '{}', erased_at = now() WHERE account_id = $1 AND id = $2`, [accountId, contactId, ERASED_NAME]);
    const changed = await tx.query<{ id: string; inbox_id: string; version: string }>(
      `UPDATE conversations SET subject = '', preview = '', comment_preview = NULL, thread_key = NULL, version = version + 1, updated_at = now()
       WHERE account_id = $1 AND id = ANY($2) RETURNING id, inbox_id, version`,
      [accountId, conversations],
    );
    await appendEvents(tx, changed.rows.map((r) => ({ accountId, inboxId: r.inbox_id, conversationId: r.id, version: r.version, type: ConversationEventType.CONVERSATION_EVENT_TYPE_UPDATED })));
    return {
      conversations: conversations.length,
      messages: messages.rowCount ?? 0,
      blobKeys: [...files.rows.map((r) => r.object_key), ...[...messages.rows, ...recipientOf.rows].map((r) => r.raw_object_key).filter((k): k is string => !!k)],
    };
  }
}
