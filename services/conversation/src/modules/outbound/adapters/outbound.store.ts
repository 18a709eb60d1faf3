// PostgreSQL behind what agents send: outbound messages and their delivery queue, reply tokens,
// uploads, placed calls, and the reads replies, transcripts and forwards are built from.
import type { Pool } from '@inbox/lib';
import type { Transaction } from '../../../use-cases/unit-of-work';
import type { Address } from '../domain/recipients';
import type { ChatLine, OutboundEmailRow, OutboundStore, QuotedMessage } from '../use-cases/ports';

const queueDelivery = (tx: Transaction, messageId: string, accountId: string) =>
  tx.query('INSERT INTO outbound_deliveries (message_id, account_id) VALUES ($1, $2)', [messageId, accountId]);

export class PostgresOutbound implements OutboundStore {
  constructor(private readonly pool: Pool) {}

  async contactOf(tx: Transaction, contactId: string): Promise<{ name: string; email: string | null; phone: string | null } | null> {
    const found = await tx.query<{ name: string; email: string | null; phone: string | null }>('SELECT name, email, phone FROM contacts WHERE id = $1', [contactId]);
    return found.rows[0] ?? null;
  }

  async ownEmailAddresses(tx: Transaction, accountId: string): Promise<string[]> {
    const result = await tx.query<{ lookup_key: string }>("SELECT lookup_key FROM channels WHERE account_id = $1 AND type = 'email'", [accountId]);
    return result.rows.map((r) => r.lookup_key);
  }

  async lastInboundRecipients(tx: Transaction, conversationId: string): Promise<{ to: Address[]; cc: Address[] }> {
    const last = await tx.query<{ to_addresses: Address[]; cc_addresses: Address[] }>(
      `SELECT to_addresses, cc_addresses FROM messages WHERE conversation_id = $1 AND direction = 'inbound' AND channel = 'email'
       ORDER BY created_at DESC, id DESC LIMIT 1`,
      [conversationId],
    );
    return { to: last.rows[0]?.to_addresses ?? [], cc: last.rows[0]?.cc_addresses ?? [] };
  }

  async threadMessageIds(tx: Transaction, conversationId: string): Promise<{ rfcMessageId: string; direction: string }[]> {
    const thread = await tx.query<{ rfc_message_id: string; direction: string }>(
      'SELECT rfc_message_id, direction FROM messages WHERE conversation_id = $1 AND rfc_message_id IS NOT NULL ORDER BY created_at, id',
      [conversationId],
    );
    return thread.rows.map((r) => ({ rfcMessageId: r.rfc_message_id, direction: r.direction }));
  }

  async replyToken(tx: Transaction, conversationId: string): Promise<string | null> {
    const existing = await tx.query<{ token: string }>('SELECT token FROM reply_tokens WHERE conversation_id = $1 LIMIT 1', [conversationId]);
    return existing.rows[0]?.token ?? null;
  }

  async insertReplyToken(tx: Transaction, token: string, accountId: string, conversationId: string): Promise<void> {
    await tx.query('INSERT INTO reply_tokens (token, account_id, conversation_id) VALUES ($1, $2, $3)', [token, accountId, conversationId]);
  }

  async emailChannel(tx: Transaction, accountId: string, inboxId: string, preferredId: string | null): Promise<{ id: string; address: string; verified: boolean; signature: string } | null> {
    const found = await tx.query<{ id: string; lookup_key: string; verified: boolean; signature: string | null }>(
      `SELECT id, lookup_key, verified, settings->>'signature' AS signature FROM channels WHERE account_id = $1 AND inbox_id = $2 AND type = 'email'
       ORDER BY (id = $3) DESC, verified DESC, created_at LIMIT 1`,
      [accountId, inboxId, preferredId ?? ''],
    );
    const row = found.rows[0];
    return row ? { id: row.id, address: row.lookup_key, verified: row.verified, signature: row.signature ?? '' } : null;
  }

  async hasEmailChannel(tx: Transaction, accountId: string, inboxId: string): Promise<boolean> {
    const found = await tx.query("SELECT 1 FROM channels WHERE account_id = $1 AND inbox_id = $2 AND type = 'email' LIMIT 1", [accountId, inboxId]);
    return (found.rowCount ?? 0) > 0;
  }

  async insertOutboundEmail(tx: Transaction, e: OutboundEmailRow): Promise<void> {
    await tx.query(
      `INSERT INTO messages (id, account_id, conversation_id, direction, channel, rfc_message_id, in_reply_to, reference_ids, from_name, from_address,
         to_addresses, subject, text_body, html_body, author_user_id, delivery_status, reply_to_address, fields, cc_addresses, bcc_addresses)
       VALUES ($1, $2, $3, 'outbound', 'email', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'queued', $14, $15, $16, $17)`,
      [
        e.messageId,
        e.accountId,
        e.conversationId,
        e.rfcMessageId,
        e.inReplyTo,
        e.references,
        e.fromName,
        e.fromAddress,
        JSON.stringify([e.to]),
        e.subject,
        e.text,
        e.html,
        e.authorId,
        e.replyToAddress,
        e.kind ? JSON.stringify({ kind: e.kind }) : null,
        JSON.stringify(e.cc),
        JSON.stringify(e.bcc),
      ],
    );
    await queueDelivery(tx, e.messageId, e.accountId);
  }

  async insertMessengerReply(tx: Transaction, r: { id: string; accountId: string; conversationId: string; authorName: string; authorId: string; text: string }): Promise<void> {
    await tx.query(
      `INSERT INTO messages (id, account_id, conversation_id, direction, channel, from_name, text_body, reply_text, author_user_id, delivery_status)
       VALUES ($1, $2, $3, 'outbound', 'messenger', $4, $5, $5, $6, 'queued')`,
      [r.id, r.accountId, r.conversationId, r.authorName, r.text, r.authorId],
    );
    await queueDelivery(tx, r.id, r.accountId);
  }

  async claimUploads(tx: Transaction, accountId: string, userId: string, uploadIds: string[], messageId: string): Promise<number> {
    const claimed = await tx.query<{ id: string }>(
      `WITH taken AS (DELETE FROM uploads WHERE account_id = $1 AND user_id = $2 AND id = ANY($3::text[]) RETURNING *)
       INSERT INTO attachments (id, account_id, message_id, filename, content_type, size, object_key, inline, position)
       SELECT 'att_' || gen_random_uuid(), account_id, $4, filename, content_type, size, object_key, false,
              array_position($3::text[], taken.id) - 1
       FROM taken RETURNING id`,
      [accountId, userId, uploadIds, messageId],
    );
    return claimed.rowCount ?? 0;
  }

  async insertUpload(u: { id: string; accountId: string; userId: string; filename: string; contentType: string; size: number; objectKey: string }): Promise<void> {
    await this.pool.query('INSERT INTO uploads (id, account_id, user_id, filename, content_type, size, object_key) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      u.id,
      u.accountId,
      u.userId,
      u.filename,
      u.contentType,
      u.size,
      u.objectKey,
    ]);
  }

  async insertComposedConversation(
    tx: Transaction,
    c: { id: string; accountId: string; inboxId: string; channelId: string; subject: string; contactId: string; assigneeId: string; preview: string; at: Date },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO conversations (id, account_id, inbox_id, channel_id, channel, subject, contact_id, assignee_id, preview, last_message_at,
         last_message_direction, awaiting_first_reply, created_at)
       VALUES ($1, $2, $3, $4, 'email', $5, $6, $7, $8, $9, 'outbound', true, $9)`,
      [c.id, c.accountId, c.inboxId, c.channelId, c.subject, c.contactId, c.assigneeId, c.preview, c.at],
    );
  }

  async inboxName(tx: Transaction, inboxId: string): Promise<string | null> {
    const inbox = await tx.query<{ name: string }>('SELECT name FROM inboxes WHERE id = $1', [inboxId]);
    return inbox.rows[0]?.name ?? null;
  }

  async chatLines(tx: Transaction, conversationId: string, channels: string[]): Promise<ChatLine[]> {
    const rows = await tx.query<{ direction: string; from_name: string; text_body: string; created_at: Date }>(
      `SELECT direction, from_name, text_body, created_at FROM messages
       WHERE conversation_id = $1 AND channel = ANY($2::text[]) AND hidden_at IS NULL ORDER BY created_at, id`,
      [conversationId, channels],
    );
    return rows.rows.map((r) => ({ direction: r.direction, fromName: r.from_name, text: r.text_body, createdAt: r.created_at }));
  }

  async saidSinceLastTranscript(tx: Transaction, conversationId: string, channels: string[]): Promise<boolean> {
    const news = await tx.query(
      `SELECT 1 FROM messages m WHERE m.conversation_id = $1 AND m.channel = ANY($2::text[])
         AND NOT EXISTS (SELECT 1 FROM messages t WHERE t.conversation_id = $1 AND t.fields ->> 'kind' = 'transcript' AND t.created_at >= m.created_at)
       LIMIT 1`,
      [conversationId, channels],
    );
    return (news.rowCount ?? 0) > 0;
  }

  async quotedMessages(tx: Transaction, accountId: string, conversationId: string, messageId: string | null): Promise<QuotedMessage[]> {
    const quoted = await tx.query<{ id: string; from_name: string; from_address: string; subject: string; text_body: string; created_at: Date }>(
      `SELECT id, from_name, from_address, subject, text_body, created_at FROM messages
       WHERE account_id = $1 AND conversation_id = $2 AND hidden_at IS NULL AND ($3::text IS NULL OR id = $3)
         AND (fields IS NULL OR fields ->> 'kind' IS NULL) ORDER BY created_at, id`,
      [accountId, conversationId, messageId],
    );
    return quoted.rows.map((m) => ({ id: m.id, fromName: m.from_name, fromAddress: m.from_address, subject: m.subject, text: m.text_body, createdAt: m.created_at }));
  }

  async copyAttachments(tx: Transaction, accountId: string, fromMessageIds: string[], toMessageId: string): Promise<void> {
    await tx.query(
      `INSERT INTO attachments (id, account_id, message_id, filename, content_type, size, object_key, content_id, inline, position)
       SELECT 'att_' || gen_random_uuid(), account_id, $3, filename, content_type, size, object_key, NULL, false,
              row_number() OVER (ORDER BY message_id, position, id) - 1
       FROM attachments WHERE account_id = $1 AND message_id = ANY($2::text[])`,
      [accountId, fromMessageIds, toMessageId],
    );
  }

  async phoneChannel(tx: Transaction, accountId: string, inboxId: string, conversationId: string): Promise<{ id: string; number: string } | null> {
    const channel = await tx.query<{ id: string; lookup_key: string }>(
      `SELECT ch.id, ch.lookup_key FROM channels ch JOIN conversations c ON c.id = $3
       WHERE ch.account_id = $1 AND ch.inbox_id = $2 AND ch.type = 'phone' ORDER BY (ch.id = c.channel_id) DESC, ch.created_at LIMIT 1`,
      [accountId, inboxId, conversationId],
    );
    const row = channel.rows[0];
    return row ? { id: row.id, number: row.lookup_key } : null;
  }

  async insertPlacedCall(
    tx: Transaction,
    c: { messageId: string; callId: string; accountId: string; conversationId: string; channelId: string; authorName: string; authorId: string; from: string; to: string; text: string },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO messages (id, account_id, conversation_id, direction, channel, from_name, from_address, to_addresses, text_body, reply_text, author_user_id, delivery_status)
       VALUES ($1, $2, $3, 'outbound', 'phone', $4, $5, $6, $7, $7, $8, 'queued')`,
      [c.messageId, c.accountId, c.conversationId, c.authorName, c.from, JSON.stringify([{ name: '', address: c.to }]), c.text, c.authorId],
    );
    await tx.query(
      `INSERT INTO calls (id, account_id, conversation_id, channel_id, message_id, direction, from_number, to_number, status)
       VALUES ($1, $2, $3, $4, $5, 'outbound', $6, $7, 'queued')`,
      [c.callId, c.accountId, c.conversationId, c.channelId, c.messageId, c.from, c.to],
    );
    await queueDelivery(tx, c.messageId, c.accountId);
  }
}
