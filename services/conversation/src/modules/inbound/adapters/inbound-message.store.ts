// PostgreSQL behind storing one inbound message: the receipts ledger, contacts, threading
// look-ups, conversations, messages, attachments and calls. The caller passes a transaction that
// names its statements (prepared once per connection) on this hot path.
import { newId } from '@inbox/lib';
import { announceContactConversations } from '../../../adapters/contact-conversations';
import { linkContactsToCompanies } from './company-links';
import type { Attachment } from '@inbox/lib/gen/inbox/events/v1/events';
import type { Transaction } from '../../../use-cases/unit-of-work';
import type { BotState } from '../../assist';
import type { InboundMessageStore, NewInboundConversation, NewInboundEmail, NewInboundMessage, StoredCall, TouchedThread } from '../use-cases/inbound-message-store';
import type { InboundChannel } from '../use-cases/store-inbound-batch';

interface CallRow {
  id: string;
  conversation_id: string;
  message_id: string | null;
  call_sid: string | null;
  direction: 'inbound' | 'outbound';
  from_number: string;
  to_number: string;
  status: string;
  answered_by: string | null;
}

const toCall = (row: CallRow): StoredCall => ({
  id: row.id,
  conversationId: row.conversation_id,
  messageId: row.message_id,
  callSid: row.call_sid,
  direction: row.direction,
  fromNumber: row.from_number,
  toNumber: row.to_number,
  status: row.status,
  answeredBy: row.answered_by,
});

const found = (result: { rowCount: number | null }) => (result.rowCount ?? 0) > 0;

export class PgInboundMessageStore implements InboundMessageStore {
  async recordReceipt(tx: Transaction, r: { eventId: string; accountId: string; channelType: string | null; receivedAt: Date }): Promise<boolean> {
    const ledger = await tx.query<{ inserted: boolean }>(
      `INSERT INTO inbound_receipts (event_id, account_id, channel_type, received_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (event_id) DO UPDATE SET deliveries = inbound_receipts.deliveries + 1
       RETURNING (xmax = 0) AS inserted`,
      [r.eventId, r.accountId, r.channelType, r.receivedAt],
    );
    return ledger.rows[0].inserted;
  }

  async channel(tx: Transaction, accountId: string, channelId: string): Promise<InboundChannel | null> {
    const channel = await tx.query<{ inbox_id: string; name: string; settings: InboundChannel['settings'] }>('SELECT inbox_id, name, settings FROM channels WHERE id = $1 AND account_id = $2', [
      channelId,
      accountId,
    ]);
    const row = channel.rows[0];
    return row ? { inboxId: row.inbox_id, name: row.name, settings: row.settings } : null;
  }

  async lockSender(tx: Transaction, key: string): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [key]);
  }

  async isBlocked(tx: Transaction, accountId: string, senderKeys: string[]): Promise<boolean> {
    return found(await tx.query('SELECT 1 FROM blocked_senders WHERE account_id = $1 AND sender_key = ANY($2::text[]) LIMIT 1', [accountId, senderKeys]));
  }

  async userWithEmail(tx: Transaction, accountId: string, email: string): Promise<string | undefined> {
    const user = await tx.query<{ id: string }>('SELECT id FROM users WHERE account_id = $1 AND lower(email) = $2 AND removed_at IS NULL', [accountId, email]);
    return user.rows[0]?.id;
  }

  async userName(tx: Transaction, accountId: string, userId: string): Promise<string | null> {
    const user = await tx.query<{ name: string }>('SELECT name FROM users WHERE account_id = $1 AND id = $2', [accountId, userId]);
    return user.rows[0]?.name ?? null;
  }

  async upsertVisitor(tx: Transaction, accountId: string, externalId: string, name: string): Promise<string> {
    const result = await tx.query<{ id: string; named: boolean }>(
      `WITH before AS (SELECT id, name FROM contacts WHERE account_id = $2 AND external_id = $4),
       upserted AS (
         INSERT INTO contacts (id, account_id, name, external_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT (account_id, external_id) WHERE external_id IS NOT NULL
         DO UPDATE SET name = CASE WHEN contacts.name = '' THEN EXCLUDED.name ELSE contacts.name END RETURNING id, name)
       SELECT u.id, (u.name <> '' AND EXISTS (SELECT 1 FROM before b WHERE b.id = u.id AND b.name = '')) AS named FROM upserted u`,
      [newId('ctc'), accountId, name, externalId],
    );
    const { id, named } = result.rows[0];
    if (named) await announceContactConversations(tx, [{ accountId, contactId: id }]);
    return id;
  }

  async upsertPhoneContact(tx: Transaction, accountId: string, phone: string): Promise<string> {
    const result = await tx.query<{ id: string }>(
      `INSERT INTO contacts (id, account_id, name, phone, external_id) VALUES ($1, $2, '', $3, $4)
       ON CONFLICT (account_id, external_id) WHERE external_id IS NOT NULL DO UPDATE SET phone = EXCLUDED.phone RETURNING id`,
      [newId('ctc'), accountId, phone, `tel:${phone}`],
    );
    return result.rows[0].id;
  }

  async linkCompany(tx: Transaction, accountId: string, contactId: string, company: { name: string; domain: string }): Promise<void> {
    await linkContactsToCompanies(tx, [{ accountId, contactId, ...company }]);
  }

  async hasTalkedWith(tx: Transaction, accountId: string, contactId: string): Promise<boolean> {
    return found(await tx.query('SELECT 1 FROM conversations WHERE account_id = $1 AND contact_id = $2 AND NOT filtered LIMIT 1', [accountId, contactId]));
  }

  async setContactEmailIfMissing(tx: Transaction, contactId: string, email: string): Promise<void> {
    const set = await tx.query<{ account_id: string }>("UPDATE contacts SET email = $2 WHERE id = $1 AND email IS NULL AND $2 <> '' RETURNING account_id", [contactId, email]);
    await announceContactConversations(tx, set.rows.map((r) => ({ accountId: r.account_id, contactId })));
  }

  async setContactNameIfMissing(tx: Transaction, contactId: string, name: string): Promise<void> {
    const set = await tx.query<{ account_id: string }>("UPDATE contacts SET name = $2 WHERE id = $1 AND name = '' AND $2 <> '' RETURNING account_id", [contactId, name]);
    await announceContactConversations(tx, set.rows.map((r) => ({ accountId: r.account_id, contactId })));
  }

  async setContactProperty(tx: Transaction, contactId: string, key: string, value: string): Promise<void> {
    await tx.query('UPDATE contacts SET properties = properties || jsonb_build_object($2::text, $3::text) WHERE id = $1', [contactId, key, value]);
  }

  async conversationByMessageIds(tx: Transaction, accountId: string, inboxId: string, rfcMessageIds: string[]): Promise<string | null> {
    const byHeaders = await tx.query<{ conversation_id: string }>(
      `SELECT m.conversation_id FROM messages m JOIN conversations c ON c.id = m.conversation_id
       WHERE m.account_id = $1 AND m.rfc_message_id = ANY($2::text[]) AND c.inbox_id = $3 AND c.trashed_at IS NULL
       ORDER BY m.created_at DESC LIMIT 1`,
      [accountId, rfcMessageIds, inboxId],
    );
    return byHeaders.rows[0]?.conversation_id ?? null;
  }

  async conversationByReplyTokens(tx: Transaction, accountId: string, tokens: string[]): Promise<string | null> {
    const byToken = await tx.query<{ conversation_id: string }>(
      `SELECT t.conversation_id FROM reply_tokens t JOIN conversations c ON c.id = t.conversation_id
       WHERE t.account_id = $1 AND t.token = ANY($2::text[]) AND c.trashed_at IS NULL LIMIT 1`,
      [accountId, tokens],
    );
    return byToken.rows[0]?.conversation_id ?? null;
  }

  async recentEmailConversations(tx: Transaction, accountId: string, inboxId: string, contactId: string, days: number): Promise<{ id: string; subject: string }[]> {
    const bySubject = await tx.query<{ id: string; subject: string }>(
      `SELECT id, subject FROM conversations
       WHERE account_id = $1 AND inbox_id = $2 AND contact_id = $3 AND (channel = 'email' OR reply_channel = 'email') AND trashed_at IS NULL
         AND last_message_at > now() - make_interval(days => $4)
       ORDER BY last_message_at DESC LIMIT 20`,
      [accountId, inboxId, contactId, days],
    );
    return bySubject.rows;
  }

  async threadConversation(tx: Transaction, accountId: string, channel: string, threadKey: string): Promise<string | null> {
    const existing = await tx.query<{ id: string }>('SELECT id FROM conversations WHERE account_id = $1 AND channel = $2 AND thread_key = $3 AND trashed_at IS NULL', [
      accountId,
      channel,
      threadKey,
    ]);
    return existing.rows[0]?.id ?? null;
  }

  async insertConversation(tx: Transaction, c: NewInboundConversation): Promise<void> {
    await tx.query(
      `INSERT INTO conversations (id, account_id, inbox_id, channel_id, channel, subject, contact_id, participant_count, preview,
         last_message_at, last_message_direction, filtered, filtered_reason, thread_key, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'inbound', $11, $12, $13, $10)`,
      [c.id, c.accountId, c.inboxId, c.channelId, c.channel, c.subject, c.contactId, c.participants ?? 1, c.preview, c.receivedAt, c.filteredReason !== null, c.filteredReason, c.threadKey ?? null],
    );
  }

  async touchEmailConversation(tx: Transaction, c: { id: string; accountId: string; receivedAt: Date; preview: string; participants: number }): Promise<{ version: number; assigneeId: string }> {
    const updated = await tx.query<{ version: string; assignee_id: string | null }>(
      `UPDATE conversations SET status = 'open', awaiting_first_reply = false, last_message_at = GREATEST(last_message_at, $3),
         last_message_direction = 'inbound', preview = $4, participant_count = GREATEST(participant_count, $5),
         version = version + 1, updated_at = now()
       WHERE id = $1 AND account_id = $2 RETURNING version, assignee_id`,
      [c.id, c.accountId, c.receivedAt, c.preview, c.participants],
    );
    return { version: Number(updated.rows[0].version), assigneeId: updated.rows[0].assignee_id ?? '' };
  }

  async touchThreadConversation(tx: Transaction, c: { id: string; accountId: string; receivedAt: Date; preview: string; blocked: boolean }): Promise<TouchedThread> {
    const updated = await tx.query<{ version: string; assignee_id: string | null; contact_id: string | null; bot_chatflow_id: string | null; bot_state: BotState | null; handed_off: boolean }>(
      `UPDATE conversations SET status = 'open', last_message_at = GREATEST(last_message_at, $3), last_message_direction = 'inbound',
         preview = $4, filtered = filtered OR $5, filtered_reason = CASE WHEN $5 THEN 'blocked_sender' ELSE filtered_reason END,
         version = version + 1, updated_at = now()
       WHERE id = $1 AND account_id = $2 RETURNING version, assignee_id, contact_id, bot_chatflow_id, bot_state, handed_off`,
      [c.id, c.accountId, c.receivedAt, c.preview, c.blocked],
    );
    const row = updated.rows[0];
    return {
      version: Number(row.version),
      assigneeId: row.assignee_id ?? '',
      contactId: row.contact_id,
      bot: row.bot_chatflow_id ? { chatflowId: row.bot_chatflow_id, state: row.bot_state, handedOff: row.handed_off } : null,
    };
  }

  async showCallNews(tx: Transaction, c: { id: string; accountId: string; receivedAt: Date; preview: string }): Promise<void> {
    await tx.query(
      `UPDATE conversations SET status = 'open', last_message_at = GREATEST(last_message_at, $3), last_message_direction = 'inbound', preview = $4
       WHERE id = $1 AND account_id = $2`,
      [c.id, c.accountId, c.receivedAt, c.preview],
    );
  }

  async bumpVersion(tx: Transaction, accountId: string, conversationId: string): Promise<{ version: number; assigneeId: string }> {
    const bumped = await tx.query<{ version: string; assignee_id: string | null }>(
      'UPDATE conversations SET version = version + 1, updated_at = now() WHERE id = $1 AND account_id = $2 RETURNING version, assignee_id',
      [conversationId, accountId],
    );
    return { version: Number(bumped.rows[0].version), assigneeId: bumped.rows[0].assignee_id ?? '' };
  }

  async assignIfUnowned(tx: Transaction, accountId: string, conversationId: string, userId: string): Promise<boolean> {
    const assigned = await tx.query(`UPDATE conversations SET assignee_id = $3 WHERE id = $1 AND account_id = $2 AND assignee_id IS NULL AND status = 'open'`, [
      conversationId,
      accountId,
      userId,
    ]);
    return assigned.rowCount === 1;
  }

  async setBotState(tx: Transaction, conversationId: string, chatflowId: string | null, state: BotState, handedOff: boolean): Promise<number> {
    const updated = await tx.query<{ version: string }>(
      `UPDATE conversations SET bot_chatflow_id = COALESCE(bot_chatflow_id, $2), bot_state = $3, handed_off = $4, version = version + 1, updated_at = now()
       WHERE id = $1 RETURNING version`,
      [conversationId, chatflowId, JSON.stringify(state), handedOff],
    );
    return Number(updated.rows[0].version);
  }

  async moveToContact(tx: Transaction, conversationId: string, contactId: string): Promise<void> {
    await tx.query('UPDATE conversations SET contact_id = $2 WHERE id = $1', [conversationId, contactId]);
  }

  async insertTicket(tx: Transaction, t: { id: string; accountId: string; conversationId: string; title: string }): Promise<void> {
    await tx.query('INSERT INTO tickets (id, account_id, conversation_id, title) VALUES ($1, $2, $3, $4)', [t.id, t.accountId, t.conversationId, t.title]);
  }

  async insertEmailMessage(tx: Transaction, m: NewInboundEmail): Promise<void> {
    await tx.query(
      `INSERT INTO messages (id, account_id, conversation_id, direction, channel, source_event_id, rfc_message_id, in_reply_to, reference_ids,
         from_name, from_address, to_addresses, cc_addresses, subject, text_body, html_body, raw_object_key, created_at, reply_text, authentication, author_user_id,
         raw_message)
       VALUES ($1, $2, $3, 'inbound', 'email', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`,
      [
        m.id,
        m.accountId,
        m.conversationId,
        m.sourceEventId,
        m.rfcMessageId,
        m.inReplyTo,
        m.references,
        m.fromName,
        m.fromAddress,
        JSON.stringify(m.to),
        JSON.stringify(m.cc),
        m.subject,
        m.text,
        m.html,
        m.rawObjectKey,
        m.receivedAt,
        m.replyText,
        m.authentication ? JSON.stringify(m.authentication) : null,
        m.authorUserId,
        m.rawInline,
      ],
    );
  }

  async insertMessage(tx: Transaction, m: NewInboundMessage): Promise<void> {
    await tx.query(
      `INSERT INTO messages (id, account_id, conversation_id, direction, channel, source_event_id, external_id, from_name, from_address, subject, text_body, reply_text, fields, created_at)
       VALUES ($1, $2, $3, 'inbound', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        m.id,
        m.accountId,
        m.conversationId,
        m.channel,
        m.sourceEventId,
        m.externalId ?? null,
        m.fromName,
        m.fromAddress,
        m.subject,
        m.text,
        m.replyText,
        m.fields ? JSON.stringify(m.fields) : null,
        m.receivedAt,
      ],
    );
  }

  async insertAttachments(tx: Transaction, accountId: string, messageId: string, attachments: Attachment[]): Promise<void> {
    if (attachments.length === 0) return;
    await tx.query(
      `INSERT INTO attachments (id, account_id, message_id, filename, content_type, size, object_key, content_id, inline, position, unavailable_reason)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::boolean[], $10::int[], $11::text[])`,
      [
        attachments.map(() => newId('att')),
        attachments.map(() => accountId),
        attachments.map(() => messageId),
        attachments.map((a) => a.filename),
        attachments.map((a) => a.contentType),
        attachments.map((a) => a.size),
        attachments.map((a) => a.objectKey),
        attachments.map((a) => a.contentId || null),
        attachments.map((a) => a.inline),
        attachments.map((_, i) => i),
        attachments.map((a) => a.unavailableReason || null),
      ],
    );
  }

  async appendToMessage(tx: Transaction, messageId: string, text: string): Promise<void> {
    await tx.query('UPDATE messages SET text_body = text_body || $2, reply_text = reply_text || $2 WHERE id = $1', [messageId, text]);
  }

  async findCall(tx: Transaction, accountId: string, callSid: string, callId: string): Promise<StoredCall | null> {
    const row = await tx.query<CallRow>('SELECT * FROM calls WHERE account_id = $1 AND (call_sid = $2 OR id = $3) ORDER BY (id = $3) DESC LIMIT 1', [accountId, callSid, callId]);
    return row.rows[0] ? toCall(row.rows[0]) : null;
  }

  async insertCall(
    tx: Transaction,
    c: { id: string; accountId: string; conversationId: string; channelId: string; callSid: string; direction: string; from: string; to: string; status: string; startedAt: Date },
  ): Promise<StoredCall> {
    const row = await tx.query<CallRow>(
      `INSERT INTO calls (id, account_id, conversation_id, channel_id, call_sid, direction, from_number, to_number, status, started_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
      [c.id, c.accountId, c.conversationId, c.channelId, c.callSid, c.direction, c.from, c.to, c.status, c.startedAt],
    );
    return toCall(row.rows[0]);
  }

  async setCallSid(tx: Transaction, callId: string, callSid: string): Promise<void> {
    await tx.query('UPDATE calls SET call_sid = $2 WHERE id = $1', [callId, callSid]);
  }

  async setCallStatus(tx: Transaction, callId: string, status: string, durationSeconds: number, endedAt: Date | null): Promise<void> {
    await tx.query('UPDATE calls SET status = $2, duration_seconds = GREATEST(duration_seconds, $3), ended_at = COALESCE($4, ended_at) WHERE id = $1', [
      callId,
      status,
      durationSeconds,
      endedAt,
    ]);
  }

  async setCallRecording(tx: Transaction, callId: string, url: string): Promise<void> {
    await tx.query('UPDATE calls SET recording_url = $2 WHERE id = $1', [callId, url]);
  }

  async setCallAnsweredBy(tx: Transaction, callId: string, userId: string): Promise<void> {
    await tx.query(`UPDATE calls SET answered_by = $2, status = CASE WHEN status IN ('queued', 'initiated', 'ringing') THEN 'in-progress' ELSE status END WHERE id = $1`, [callId, userId]);
  }

  async setCallTranscript(tx: Transaction, callId: string, transcript: string): Promise<void> {
    await tx.query('UPDATE calls SET transcript = $2 WHERE id = $1', [callId, transcript]);
  }
}
