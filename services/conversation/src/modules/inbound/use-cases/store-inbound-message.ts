// Stores one inbound message exactly once: in a single transaction it records the delivery in
// the receipts ledger (a repeated event stops there), upserts the contact, applies the filtering
// rules, threads the message into its conversation (or starts one), stores it with its
// attachments and writes the outbox events.
import { PermanentError, channelNameOf, newId, preparing, withTransaction, type Pool, type PoolClient } from '@inbox/lib';
import type { EmailContacts } from '../../../domain/email-contacts';
import { ConversationEventType } from '@inbox/lib/gen/inbox/events/v1/events';
import type { Attachment, CallEvent, ChatMessageReceived, EmailReceived, FormSubmitted, InboundMessage, MessengerMessageReceived } from '@inbox/lib/gen/inbox/events/v1/events';
import { sendOnChat } from '../../outbound/adapters';
import type { ChatflowsRepository } from '../../assist/adapters';
import { clock, isEnded, statusRank } from '../../../domain/calls';
import { advanceChatflow, startChatflow, withNumberedOptions, type BotState, type BotTurn } from '../../assist';
import { appendEvents } from '../../../adapters/outbox';
import { filterReason, hasReplyPrefix, isSpoofedSender, normaliseSubject, preview, replyTokenFrom } from '../../../domain/email-rules';
import { sanitizeEmailHtml } from '../../../domain/html';
import { visibleReply } from '../../../domain/visible-reply';
import { companyDomainOf, companyNameFor } from '../../../domain/companies';
import { inboundLockKey, withoutNulCharacters } from '../domain/inbound-events';
import { SUBJECT_FALLBACK_DAYS } from '../domain/threading';
import type { InboundChannel, StoreResult } from './store-inbound-batch';



interface ThreadedConversation {
  conversationId: string;
  created: boolean;
  version: number;
  assigneeId: string;
  contactId: string | null;
  /** The chat's bot, while it has one. */
  bot: { chatflowId: string; state: BotState | null; handedOff: boolean } | null;
}


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


export class StoreInboundMessage {
  constructor(
    private readonly pool: Pool,
    private readonly contacts: EmailContacts,
    private readonly onCommitted: () => void = () => undefined,
    private readonly chatflows?: ChatflowsRepository,
    /** Named prepared statements: PostgreSQL plans each statement of this hot path once per connection. */
    private readonly prepared = true,
  ) {}

  async execute(input: InboundMessage): Promise<StoreResult> {
    const event = withoutNulCharacters(input);
    const result = await withTransaction(this.pool, async (client) => {
      const tx = this.prepared ? preparing(client) : client;
      const ledger = await tx.query<{ inserted: boolean }>(
        `INSERT INTO inbound_receipts (event_id, account_id, channel_type, received_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (event_id) DO UPDATE SET deliveries = inbound_receipts.deliveries + 1
         RETURNING (xmax = 0) AS inserted`,
        [event.eventId, event.accountId, channelNameOf(event.channelType), event.receivedAt ?? new Date()],
      );
      if (!ledger.rows[0].inserted) return { duplicate: true };
      const channel = await tx.query<{ inbox_id: string; name: string; settings: InboundChannel['settings'] }>(
        'SELECT inbox_id, name, settings FROM channels WHERE id = $1 AND account_id = $2',
        [event.channelId, event.accountId],
      );
      if (channel.rowCount === 0) throw new PermanentError(`channel ${event.channelId} does not exist in account ${event.accountId}`);
      const row = channel.rows[0];
      return this.dispatch(tx, event, { inboxId: row.inbox_id, name: row.name, settings: row.settings });
    });
    if (!result.duplicate) this.onCommitted();
    return result;
  }

  /** Stores an event whose receipt the caller recorded in this transaction (the batch path, for channels it does not store set-based). */
  async storeRecorded(client: PoolClient, event: InboundMessage, channel: InboundChannel): Promise<StoreResult> {
    return this.dispatch(this.prepared ? preparing(client) : client, event, channel);
  }

  private async dispatch(tx: PoolClient, event: InboundMessage, channel: InboundChannel): Promise<StoreResult> {
    // One sender's or thread's events are stored one at a time, across consumer replicas too.
    const lockKey = inboundLockKey(event);
    if (lockKey) await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lockKey]);
    if (event.email) return this.storeEmail(tx, event, event.email, channel.inboxId);
    if (event.chat) return this.storeChat(tx, event, event.chat, channel.inboxId);
    if (event.form) return this.storeForm(tx, event, event.form, channel);
    if (event.messenger) return this.storeMessenger(tx, event, event.messenger, channel.inboxId);
    if (event.call) return this.storeCall(tx, event, event.call, channel.inboxId);
    throw new PermanentError('inbound message without a supported payload');
  }

  private async storeEmail(tx: PoolClient, event: InboundMessage, email: EmailReceived, inboxId: string): Promise<StoreResult> {
    const accountId = event.accountId;
    const receivedAt = event.receivedAt ?? new Date();
    const fromAddress = (email.from?.address || email.envelopeFrom || '').trim().toLowerCase();
    const fromName = email.from?.name?.trim() ?? '';

    const contact = fromAddress ? await this.upsertContact(tx, accountId, fromAddress, fromName) : null;
    const blocked = fromAddress
      ? ((await tx.query('SELECT 1 FROM blocked_senders WHERE account_id = $1 AND sender_key = $2', [accountId, `email:${fromAddress}`])).rowCount ?? 0) > 0
      : false;
    // Mail that claims one of our people as its sender is theirs only when its From domain authenticates.
    const claimedAgent = fromAddress
      ? (await tx.query<{ id: string }>('SELECT id FROM users WHERE account_id = $1 AND lower(email) = $2 AND removed_at IS NULL', [accountId, fromAddress])).rows[0]?.id
      : undefined;
    const spoofed = isSpoofedSender(!!claimedAgent, email.authentication);
    const reason = spoofed ? 'spoofed_sender' : filterReason({ blocked, headers: email.headers, fromAddress, knownContact: contact?.known ?? false });

    let conversationId = blocked || spoofed ? null : await this.findThread(tx, accountId, inboxId, email, contact?.id ?? null);
    const text = email.text;
    const reply = visibleReply(text);
    const snippet = preview(reply || text || email.subject);
    const ownAddresses = new Set(email.envelopeTo.map((a) => a.toLowerCase()));
    const participants = new Set([fromAddress, ...email.cc.map((c) => c.address.toLowerCase())].filter((a) => a && !ownAddresses.has(a)));
    let created = false;
    let version: number;
    let assigneeId = '';
    if (conversationId) {
      const updated = await tx.query<{ version: string; assignee_id: string | null }>(
        `UPDATE conversations SET status = 'open', awaiting_first_reply = false, last_message_at = GREATEST(last_message_at, $3),
           last_message_direction = 'inbound', preview = $4, participant_count = GREATEST(participant_count, $5),
           version = version + 1, updated_at = now()
         WHERE id = $1 AND account_id = $2 RETURNING version, assignee_id`,
        [conversationId, accountId, receivedAt, snippet, participants.size || 1],
      );
      version = Number(updated.rows[0].version);
      assigneeId = updated.rows[0].assignee_id ?? '';
    } else {
      conversationId = newId('con');
      created = true;
      version = 1;
      await tx.query(
        `INSERT INTO conversations (id, account_id, inbox_id, channel_id, channel, subject, contact_id, participant_count, preview,
           last_message_at, last_message_direction, filtered, filtered_reason, created_at)
         VALUES ($1, $2, $3, $4, 'email', $5, $6, $7, $8, $9, 'inbound', $10, $11, $9)`,
        [conversationId, accountId, inboxId, event.channelId, email.subject, contact?.id ?? null, participants.size || 1, snippet, receivedAt, reason !== null, reason],
      );
    }

    const messageId = newId('msg');
    await tx.query(
      `INSERT INTO messages (id, account_id, conversation_id, direction, channel, source_event_id, rfc_message_id, in_reply_to, reference_ids,
         from_name, from_address, to_addresses, cc_addresses, subject, text_body, html_body, raw_object_key, created_at, reply_text, authentication, author_user_id,
         raw_message)
       VALUES ($1, $2, $3, 'inbound', 'email', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`,
      [
        messageId,
        accountId,
        conversationId,
        event.eventId,
        email.messageId || null,
        email.inReplyTo,
        email.references,
        fromName,
        fromAddress,
        JSON.stringify(email.to),
        JSON.stringify(email.cc),
        email.subject,
        text,
        email.html ? sanitizeEmailHtml(email.html) : null,
        email.rawObjectKey || null,
        receivedAt,
        reply,
        email.authentication ? JSON.stringify({ spf: email.authentication.spf, dkim: email.authentication.dkim, dmarc: email.authentication.dmarc, aligned: email.authentication.aligned }) : null,
        claimedAgent && !spoofed ? claimedAgent : null,
        email.rawInline.length > 0 ? email.rawInline : null,
      ],
    );
    await this.insertAttachments(tx, accountId, messageId, email.attachments);
    await this.emitInbound(tx, { accountId, inboxId, conversationId, version, created, messageId, assigneeId });
    return { duplicate: false, conversationId, messageId, created };
  }

  /** A chat message joins its session's conversation, or starts it. */
  private async storeChat(tx: PoolClient, event: InboundMessage, chat: ChatMessageReceived, inboxId: string): Promise<StoreResult> {
    const accountId = event.accountId;
    const receivedAt = event.receivedAt ?? new Date();
    const contactId = chat.visitorEmail
      ? (await this.upsertContact(tx, accountId, chat.visitorEmail.toLowerCase(), chat.visitorName)).id
      : await this.upsertVisitor(tx, accountId, chat.visitorId, chat.visitorName);
    const blocked = await this.isBlocked(tx, accountId, [`chat:${chat.visitorId}`, ...(chat.visitorEmail ? [`email:${chat.visitorEmail.toLowerCase()}`] : [])]);
    const thread = await this.threadedConversation(tx, { accountId, inboxId, channelId: event.channelId, channel: 'chat', threadKey: chat.sessionId, contactId, snippet: preview(chat.text), receivedAt, blocked });
    const messageId = newId('msg');
    await tx.query(
      `INSERT INTO messages (id, account_id, conversation_id, direction, channel, source_event_id, from_name, from_address, subject, text_body, reply_text, created_at)
       VALUES ($1, $2, $3, 'inbound', 'chat', $4, $5, $6, '', $7, $7, $8)`,
      [messageId, accountId, thread.conversationId, event.eventId, chat.visitorName, chat.visitorEmail, chat.text, receivedAt],
    );
    await this.emitInbound(tx, { accountId, inboxId, ...thread, messageId });
    await this.runBot(tx, { accountId, inboxId, channelId: event.channelId, sessionId: chat.sessionId, text: chat.text }, thread);
    return { duplicate: false, conversationId: thread.conversationId, messageId, created: thread.created };
  }

  /**
   * The channel's chatflow answers first: a new chat is greeted, and each visitor message moves
   * the bot on until it hands the chat to the team (or a person takes it). The bot's replies are
   * part of the same transaction as the visitor's message, so each is sent exactly once.
   */
  private async runBot(tx: PoolClient, c: { accountId: string; inboxId: string; channelId: string; sessionId: string; text: string }, thread: ThreadedConversation): Promise<void> {
    if (!this.chatflows) return;
    let flow;
    let turn: BotTurn;
    if (thread.created) {
      flow = await this.chatflows.ofChannel(tx, c.accountId, c.channelId);
      if (!flow?.enabled) return;
      turn = startChatflow(flow);
    } else {
      if (!thread.bot || thread.bot.handedOff || thread.assigneeId) return;
      const state = thread.bot.state;
      flow = await this.chatflows.byId(tx, c.accountId, thread.bot.chatflowId);
      // The bot was removed mid-chat: the visitor goes to the team.
      turn = flow ? advanceChatflow(flow, state ?? { step: flow.steps[0].id, answers: {} }, c.text) : { state: state ?? { step: '', answers: {} }, say: [], handoff: true };
    }
    const conversationId = thread.conversationId;
    if (turn.answer && thread.contactId) await this.keepAnswer(tx, c.accountId, conversationId, thread.contactId, turn.answer);
    const botName = flow?.name ?? 'Bot';
    const messageIds: string[] = [];
    for (const line of turn.say) {
      messageIds.push(
        await sendOnChat(tx, { id: conversationId, accountId: c.accountId, sessionId: c.sessionId }, { name: botName, userId: null }, withNumberedOptions(line), {
          options: line.options,
          visitorText: line.text,
          fields: { bot: flow?.id ?? thread.bot?.chatflowId ?? '' },
        }),
      );
    }
    const updated = await tx.query<{ version: string }>(
      `UPDATE conversations SET bot_chatflow_id = COALESCE(bot_chatflow_id, $2), bot_state = $3, handed_off = $4, version = version + 1, updated_at = now()
       WHERE id = $1 RETURNING version`,
      [conversationId, flow?.id ?? null, JSON.stringify(turn.state), turn.handoff],
    );
    const base = { accountId: c.accountId, inboxId: c.inboxId, conversationId, version: updated.rows[0].version };
    await appendEvents(tx, [
      ...messageIds.map((id) => ({ ...base, type: ConversationEventType.CONVERSATION_EVENT_TYPE_MESSAGE_CREATED, messageId: id, messageDirection: 'outbound' })),
      { ...base, type: ConversationEventType.CONVERSATION_EVENT_TYPE_UPDATED },
    ]);
  }

  /** An answer the bot collected: the visitor's email (joining a contact we already know), name, or a contact property. */
  private async keepAnswer(tx: PoolClient, accountId: string, conversationId: string, contactId: string, answer: { key: string; value: string }): Promise<void> {
    if (answer.key === 'email') {
      const email = answer.value.toLowerCase();
      const known = await this.contacts.byEmail(tx, accountId, email);
      if (known && known !== contactId) {
        await tx.query('UPDATE conversations SET contact_id = $2 WHERE id = $1', [conversationId, known]);
      } else if (!known) {
        await tx.query('UPDATE contacts SET email = $2 WHERE id = $1 AND email IS NULL', [contactId, email]);
      }
    } else if (answer.key === 'name') {
      await tx.query("UPDATE contacts SET name = $2 WHERE id = $1 AND name = ''", [contactId, answer.value]);
    } else {
      await tx.query('UPDATE contacts SET properties = properties || jsonb_build_object($2::text, $3::text) WHERE id = $1', [contactId, answer.key, answer.value]);
    }
  }

  /** A Messenger message or postback joins the conversation with that person on that page, or starts it. */
  private async storeMessenger(tx: PoolClient, event: InboundMessage, messenger: MessengerMessageReceived, inboxId: string): Promise<StoreResult> {
    const accountId = event.accountId;
    const receivedAt = event.receivedAt ?? new Date();
    const threadKey = `${messenger.pageId}:${messenger.senderPsid}`;
    const contactId = await this.upsertVisitor(tx, accountId, `fb:${messenger.senderPsid}`, '');
    const blocked = await this.isBlocked(tx, accountId, [`messenger:fb:${messenger.senderPsid}`]);
    const text = messenger.text || messenger.attachments.map((a) => `[${a.filename}]`).join(' ');
    const thread = await this.threadedConversation(tx, { accountId, inboxId, channelId: event.channelId, channel: 'messenger', threadKey, contactId, snippet: preview(text), receivedAt, blocked });
    const messageId = newId('msg');
    await tx.query(
      `INSERT INTO messages (id, account_id, conversation_id, direction, channel, source_event_id, external_id, from_name, from_address, subject, text_body, reply_text, fields, created_at)
       VALUES ($1, $2, $3, 'inbound', 'messenger', $4, $5, '', '', '', $6, $6, $7, $8)`,
      [messageId, accountId, thread.conversationId, event.eventId, messenger.mid, text, messenger.postbackPayload ? JSON.stringify({ postback: messenger.postbackPayload }) : null, receivedAt],
    );
    await this.insertAttachments(tx, accountId, messageId, messenger.attachments);
    await this.emitInbound(tx, { accountId, inboxId, ...thread, messageId });
    return { duplicate: false, conversationId: thread.conversationId, messageId, created: thread.created };
  }

  /**
   * A provider callback about a call: the call's row follows it (its status never goes back), and
   * what an agent needs to see becomes a message: the incoming call, a missed call, the end of a
   * call, a voicemail, its transcript. Each call is one conversation in Calls; a call we placed
   * is logged where it was placed.
   */
  private async storeCall(tx: PoolClient, event: InboundMessage, call: CallEvent, inboxId: string): Promise<StoreResult> {
    const accountId = event.accountId;
    const receivedAt = event.receivedAt ?? new Date();
    let row = (
      await tx.query<CallRow>(
        `SELECT * FROM calls WHERE account_id = $1 AND (call_sid = $2 OR id = $3) ORDER BY (id = $3) DESC LIMIT 1`,
        [accountId, call.callSid, call.callId],
      )
    ).rows[0];
    const lines: string[] = [];
    let conversationId: string;
    let created = false;
    if (!row) {
      const customer = call.direction === 'outbound' ? call.to : call.from;
      const contactId = customer ? await this.upsertPhoneContact(tx, accountId, customer) : await this.upsertVisitor(tx, accountId, `call:${call.callSid}`, '');
      const blocked = customer ? await this.isBlocked(tx, accountId, [`phone:tel:${customer}`]) : false;
      const subject = call.direction === 'outbound' ? `Call to ${customer || 'unknown number'}` : `Call from ${customer || 'unknown number'}`;
      const thread = await this.threadedConversation(tx, { accountId, inboxId, channelId: event.channelId, channel: 'phone', threadKey: call.callSid, contactId, snippet: subject, receivedAt, blocked, subject });
      conversationId = thread.conversationId;
      created = thread.created;
      row = (
        await tx.query<CallRow>(
          `INSERT INTO calls (id, account_id, conversation_id, channel_id, call_sid, direction, from_number, to_number, status, started_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
          [newId('cal'), accountId, conversationId, event.channelId, call.callSid, call.direction || 'inbound', call.from, call.to, call.status || 'ringing', receivedAt],
        )
      ).rows[0];
      if (row.direction === 'inbound') lines.push(`Incoming call from ${row.from_number || 'an unknown number'}`);
    } else {
      conversationId = row.conversation_id;
      if (!row.call_sid) await tx.query('UPDATE calls SET call_sid = $2 WHERE id = $1', [row.id, call.callSid]);
    }

    const customer = row.direction === 'outbound' ? row.to_number : row.from_number;
    let answeredBy = '';
    if (call.kind === 'status' && call.status && statusRank(call.status) >= statusRank(row.status) && call.status !== row.status) {
      const ended = isEnded(call.status);
      await tx.query('UPDATE calls SET status = $2, duration_seconds = GREATEST(duration_seconds, $3), ended_at = CASE WHEN $4 THEN $5 ELSE ended_at END WHERE id = $1', [
        row.id,
        call.status,
        call.durationSeconds,
        ended,
        receivedAt,
      ]);
      if (call.status === 'completed') lines.push(`Call ${row.direction === 'outbound' ? 'to' : 'from'} ${customer} ended after ${clock(call.durationSeconds)}`);
      else if (ended && row.direction === 'inbound') lines.push(`Missed call from ${customer} (${call.status})`);
      else if (ended) lines.push(`Call to ${customer} not answered (${call.status})`);
    } else if (call.kind === 'recording') {
      await tx.query('UPDATE calls SET recording_url = $2 WHERE id = $1', [row.id, call.recordingUrl]);
      lines.push(`Voicemail from ${customer} (${clock(call.durationSeconds)}): ${call.recordingUrl}`);
    } else if (call.kind === 'answered' && call.answeredByUserId && !row.answered_by) {
      answeredBy = call.answeredByUserId;
      await tx.query(`UPDATE calls SET answered_by = $2, status = CASE WHEN status IN ('queued', 'initiated', 'ringing') THEN 'in-progress' ELSE status END WHERE id = $1`, [
        row.id,
        answeredBy,
      ]);
      const agent = await tx.query<{ name: string }>('SELECT name FROM users WHERE account_id = $1 AND id = $2', [accountId, answeredBy]);
      lines.push(`Answered by ${agent.rows[0]?.name || 'an agent'}`);
    } else if (call.kind === 'transcription' && call.transcript.trim()) {
      await tx.query('UPDATE calls SET transcript = $2 WHERE id = $1', [row.id, call.transcript]);
      lines.push(`Transcript: ${call.transcript}`);
    }

    // Whoever picks up the call takes its conversation, unless someone already has it.
    const assigned = answeredBy
      ? (await tx.query(`UPDATE conversations SET assignee_id = $3 WHERE id = $1 AND account_id = $2 AND assignee_id IS NULL AND status = 'open'`, [conversationId, accountId, answeredBy])).rowCount === 1
      : false;
    const conversation = (
      await tx.query<{ version: string; assignee_id: string | null }>(
        `UPDATE conversations SET version = version + 1, updated_at = now() WHERE id = $1 AND account_id = $2 RETURNING version, assignee_id`,
        [conversationId, accountId],
      )
    ).rows[0];
    const base = { accountId, inboxId, conversationId, version: conversation.version };
    if (assigned) await appendEvents(tx, [{ ...base, type: ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED, assigneeId: answeredBy, previousAssigneeId: '' }]);
    if (lines.length === 0 || row.message_id) {
      // A call we placed is logged by its outbound message; the provider's news only updates it.
      if (lines.length > 0 && row.message_id) {
        await tx.query('UPDATE messages SET text_body = text_body || $2, reply_text = reply_text || $2 WHERE id = $1', [row.message_id, `\n${lines.join('\n')}`]);
      }
      await appendEvents(tx, [{ ...base, type: created ? ConversationEventType.CONVERSATION_EVENT_TYPE_CREATED : ConversationEventType.CONVERSATION_EVENT_TYPE_UPDATED }]);
      return { duplicate: false, conversationId, created };
    }
    const text = lines.join('\n');
    await tx.query(
      `UPDATE conversations SET status = 'open', last_message_at = GREATEST(last_message_at, $3), last_message_direction = 'inbound', preview = $4
       WHERE id = $1 AND account_id = $2`,
      [conversationId, accountId, receivedAt, preview(text)],
    );
    const messageId = newId('msg');
    await tx.query(
      `INSERT INTO messages (id, account_id, conversation_id, direction, channel, source_event_id, external_id, from_name, from_address, subject, text_body, reply_text, created_at)
       VALUES ($1, $2, $3, 'inbound', 'phone', $4, $5, '', $6, '', $7, $7, $8)`,
      [messageId, accountId, conversationId, event.eventId, call.callSid, customer, text, receivedAt],
    );
    await this.emitInbound(tx, { accountId, inboxId, conversationId, version: Number(conversation.version), created, messageId, assigneeId: conversation.assignee_id ?? '' });
    return { duplicate: false, conversationId, messageId, created };
  }

  /** The contact of a calling number, or a new one identified by it. */
  private async upsertPhoneContact(tx: PoolClient, accountId: string, phone: string): Promise<string> {
    const known = await this.contacts.byPhone(tx, accountId, phone);
    if (known) return known;
    const result = await tx.query<{ id: string }>(
      `INSERT INTO contacts (id, account_id, name, phone, external_id) VALUES ($1, $2, '', $3, $4)
       ON CONFLICT (account_id, external_id) WHERE external_id IS NOT NULL DO UPDATE SET phone = EXCLUDED.phone RETURNING id`,
      [newId('ctc'), accountId, phone, `tel:${phone}`],
    );
    return result.rows[0].id;
  }

  /** The conversation of a channel thread (chat session, Messenger person, call), reopened and updated, or started. */
  private async threadedConversation(
    tx: PoolClient,
    t: { accountId: string; inboxId: string; channelId: string; channel: string; threadKey: string; contactId: string; snippet: string; receivedAt: Date; blocked: boolean; subject?: string },
  ): Promise<ThreadedConversation> {
    const existing = await tx.query<{ id: string }>(
      `SELECT id FROM conversations WHERE account_id = $1 AND channel = $2 AND thread_key = $3 AND trashed_at IS NULL`,
      [t.accountId, t.channel, t.threadKey],
    );
    const found = existing.rows[0]?.id;
    if (found) {
      const updated = await tx.query<{ version: string; assignee_id: string | null; contact_id: string | null; bot_chatflow_id: string | null; bot_state: BotState | null; handed_off: boolean }>(
        `UPDATE conversations SET status = 'open', last_message_at = GREATEST(last_message_at, $3), last_message_direction = 'inbound',
           preview = $4, filtered = filtered OR $5, filtered_reason = CASE WHEN $5 THEN 'blocked_sender' ELSE filtered_reason END,
           version = version + 1, updated_at = now()
         WHERE id = $1 AND account_id = $2 RETURNING version, assignee_id, contact_id, bot_chatflow_id, bot_state, handed_off`,
        [found, t.accountId, t.receivedAt, t.snippet, t.blocked],
      );
      const row = updated.rows[0];
      return {
        conversationId: found,
        created: false,
        version: Number(row.version),
        assigneeId: row.assignee_id ?? '',
        contactId: row.contact_id,
        bot: row.bot_chatflow_id ? { chatflowId: row.bot_chatflow_id, state: row.bot_state, handedOff: row.handed_off } : null,
      };
    }
    const conversationId = newId('con');
    await tx.query(
      `INSERT INTO conversations (id, account_id, inbox_id, channel_id, channel, subject, contact_id, preview, last_message_at,
         last_message_direction, filtered, filtered_reason, thread_key, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'inbound', $10, $11, $12, $9)`,
      [conversationId, t.accountId, t.inboxId, t.channelId, t.channel, t.subject ?? '', t.contactId, t.snippet, t.receivedAt, t.blocked, t.blocked ? 'blocked_sender' : null, t.threadKey],
    );
    return { conversationId, created: true, version: 1, assigneeId: '', contactId: t.contactId, bot: null };
  }

  /** Every form submission starts a conversation of its own, with the fields kept as structured data. */
  private async storeForm(tx: PoolClient, event: InboundMessage, form: FormSubmitted, channel: InboundChannel): Promise<StoreResult> {
    const inboxId = channel.inboxId;
    const accountId = event.accountId;
    const receivedAt = event.receivedAt ?? new Date();
    const email = form.email.toLowerCase();
    const contactId = email ? (await this.upsertContact(tx, accountId, email, form.name)).id : await this.upsertVisitor(tx, accountId, `form:${form.submissionId}`, form.name);
    const blocked = email ? await this.isBlocked(tx, accountId, [`email:${email}`]) : false;
    const filteredReason = blocked ? 'blocked_sender' : form.honeypotTripped ? 'honeypot' : null;
    const subject = (form.fields.subject ?? form.fields.Subject ?? '').trim() || channel.name || 'Form';
    const text = Object.entries(form.fields)
      .map(([name, value]) => `${name}: ${value}`)
      .join('\n');
    const body = form.fields.message ?? form.fields.Message ?? text;
    const conversationId = newId('con');
    await tx.query(
      `INSERT INTO conversations (id, account_id, inbox_id, channel_id, channel, subject, contact_id, preview, last_message_at,
         last_message_direction, filtered, filtered_reason, created_at)
       VALUES ($1, $2, $3, $4, 'form', $5, $6, $7, $8, 'inbound', $9, $10, $8)`,
      [conversationId, accountId, inboxId, event.channelId, subject, contactId, preview(body), receivedAt, filteredReason !== null, filteredReason],
    );
    if (channel.settings.createTicket && !filteredReason) {
      await tx.query('INSERT INTO tickets (id, account_id, conversation_id, title) VALUES ($1, $2, $3, $4)', [newId('tkt'), accountId, conversationId, subject]);
    }
    const messageId = newId('msg');
    await tx.query(
      `INSERT INTO messages (id, account_id, conversation_id, direction, channel, source_event_id, from_name, from_address, subject, text_body, reply_text, fields, created_at)
       VALUES ($1, $2, $3, 'inbound', 'form', $4, $5, $6, $7, $8, $8, $9, $10)`,
      [messageId, accountId, conversationId, event.eventId, form.name, email, subject, text, JSON.stringify(form.fields), receivedAt],
    );
    await this.emitInbound(tx, { accountId, inboxId, conversationId, version: 1, created: true, messageId, assigneeId: '' });
    return { duplicate: false, conversationId, messageId, created: true };
  }

  private async emitInbound(
    tx: PoolClient,
    e: { accountId: string; inboxId: string; conversationId: string; version: number; created: boolean; messageId: string; assigneeId: string },
  ): Promise<void> {
    const base = { accountId: e.accountId, inboxId: e.inboxId, conversationId: e.conversationId, version: String(e.version) };
    await appendEvents(tx, [
      { ...base, type: e.created ? ConversationEventType.CONVERSATION_EVENT_TYPE_CREATED : ConversationEventType.CONVERSATION_EVENT_TYPE_UPDATED },
      { ...base, type: ConversationEventType.CONVERSATION_EVENT_TYPE_MESSAGE_CREATED, messageId: e.messageId, assigneeId: e.assigneeId, messageDirection: 'inbound' },
    ]);
  }

  private async insertAttachments(tx: PoolClient, accountId: string, messageId: string, attachments: Attachment[]): Promise<void> {
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

  private async isBlocked(tx: PoolClient, accountId: string, senderKeys: string[]): Promise<boolean> {
    const found = await tx.query('SELECT 1 FROM blocked_senders WHERE account_id = $1 AND sender_key = ANY($2::text[]) LIMIT 1', [accountId, senderKeys]);
    return (found.rowCount ?? 0) > 0;
  }

  /** A contact known only by a channel's own id (a chat visitor without email, an anonymous form). */
  private async upsertVisitor(tx: PoolClient, accountId: string, externalId: string, name: string): Promise<string> {
    const result = await tx.query<{ id: string }>(
      `INSERT INTO contacts (id, account_id, name, external_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (account_id, external_id) WHERE external_id IS NOT NULL
       DO UPDATE SET name = CASE WHEN contacts.name = '' THEN EXCLUDED.name ELSE contacts.name END RETURNING id`,
      [newId('ctc'), accountId, name, externalId],
    );
    return result.rows[0].id;
  }

  private async linkCompany(tx: PoolClient, accountId: string, contactId: string, email: string): Promise<void> {
    const domain = companyDomainOf(email);
    if (!domain) return;
    const company = await tx.query<{ id: string }>(
      `INSERT INTO companies (id, account_id, name, domain) VALUES ($1, $2, $3, $4)
       ON CONFLICT (account_id, domain) DO UPDATE SET domain = EXCLUDED.domain RETURNING id`,
      [newId('cmp'), accountId, companyNameFor(domain), domain],
    );
    await tx.query('UPDATE contacts SET company_id = $2 WHERE id = $1', [contactId, company.rows[0].id]);
  }

  private async upsertContact(tx: PoolClient, accountId: string, email: string, name: string): Promise<{ id: string; known: boolean }> {
    const row = await this.contacts.upsert(tx, accountId, email, name);
    if (row.inserted) {
      await this.linkCompany(tx, accountId, row.id, email);
      return { id: row.id, known: false };
    }
    // Known means we have talked before: an unfiltered conversation with this contact exists.
    const talked = await tx.query('SELECT 1 FROM conversations WHERE account_id = $1 AND contact_id = $2 AND NOT filtered LIMIT 1', [accountId, row.id]);
    return { id: row.id, known: (talked.rowCount ?? 0) > 0 };
  }

  /** Message-ID headers first, then a reply token, then the conservative subject + contact fallback. */
  private async findThread(tx: PoolClient, accountId: string, inboxId: string, email: EmailReceived, contactId: string | null): Promise<string | null> {
    const ids = [...new Set([...email.inReplyTo, ...email.references])];
    if (ids.length > 0) {
      const byHeaders = await tx.query<{ conversation_id: string }>(
        `SELECT m.conversation_id FROM messages m JOIN conversations c ON c.id = m.conversation_id
         WHERE m.account_id = $1 AND m.rfc_message_id = ANY($2::text[]) AND c.inbox_id = $3 AND c.trashed_at IS NULL
         ORDER BY m.created_at DESC LIMIT 1`,
        [accountId, ids, inboxId],
      );
      if (byHeaders.rowCount) return byHeaders.rows[0].conversation_id;
    }
    const tokens = [...email.envelopeTo, ...email.to.map((t) => t.address)].map(replyTokenFrom).filter((t): t is string => !!t);
    if (tokens.length > 0) {
      const byToken = await tx.query<{ conversation_id: string }>(
        `SELECT t.conversation_id FROM reply_tokens t JOIN conversations c ON c.id = t.conversation_id
         WHERE t.account_id = $1 AND t.token = ANY($2::text[]) AND c.trashed_at IS NULL LIMIT 1`,
        [accountId, tokens],
      );
      if (byToken.rowCount) return byToken.rows[0].conversation_id;
    }
    if (contactId && hasReplyPrefix(email.subject)) {
      const subject = normaliseSubject(email.subject);
      const bySubject = await tx.query<{ id: string; subject: string }>(
        `SELECT id, subject FROM conversations
         WHERE account_id = $1 AND inbox_id = $2 AND contact_id = $3 AND (channel = 'email' OR reply_channel = 'email') AND trashed_at IS NULL
           AND last_message_at > now() - make_interval(days => $4)
         ORDER BY last_message_at DESC LIMIT 20`,
        [accountId, inboxId, contactId, SUBJECT_FALLBACK_DAYS],
      );
      const match = bySubject.rows.find((row) => normaliseSubject(row.subject) === subject);
      if (match) return match.id;
    }
    return null;
  }
}
