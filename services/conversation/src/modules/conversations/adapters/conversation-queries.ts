// Read side of conversations: view counts, keyset-paginated lists, and one conversation with
// its messages, attachments and comments. Every query is scoped by account.
import { InvalidArgumentError, NotFoundError, queryWithCachedPlan, statementName, withCachedPlans, channelType, conversationStatus, decodeCursor, encodeCursor, messageDirection, type Pool, type PoolClient } from '@inbox/lib';
import type { CallRecord, Comment, ConversationSummary, Message } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import { isMissed } from '../../../domain/calls';
import { dealFromRow } from '../../records';
import { feedbackFromRow } from '../../records';
import { CONTACT_OF_PHONE_SQL, moreAddressesOf } from '../../../adapters/contact-addresses';
import { CUSTOM_VIEW_ID, customViewDefinition, type CustomView } from '../domain/custom-views';
import { VIEWS, findView, predicateSql, type ViewDefinition } from '../domain/views';
import { CustomViewsRepository } from './custom-views.repository';
import { ViewCountsRepository } from './view-counts.repository';

export interface SummaryRow {
  id: string;
  inbox_id: string;
  status: string;
  channel: string;
  reply_channel: string | null;
  team_id: string | null;
  subject: string;
  preview: string;
  contact_id: string | null;
  contact_name: string | null;
  contact_email: string | null;
  contact_phone: string | null;
  participant_count: number;
  assignee_id: string | null;
  assignee_name: string | null;
  assignee_deactivated: boolean | null;
  last_message_at: Date;
  last_message_direction: string;
  comment_preview: string | null;
  filtered: boolean;
  filtered_reason: string | null;
  trashed_at: Date | null;
  awaiting_first_reply: boolean;
  version: string;
  created_at: Date;
  sla_target: string | null;
  sla_due_at: Date | null;
  sla_warn_at: Date | null;
  sla_paused: boolean;
}

export const SUMMARY_COLUMNS = `c.id, c.inbox_id, c.status, c.channel, c.reply_channel, c.team_id, c.subject, c.preview, c.contact_id,
  ct.name AS contact_name, ct.email AS contact_email, ct.phone AS contact_phone, c.participant_count,
  c.assignee_id, u.name AS assignee_name, (u.deactivated_at IS NOT NULL OR u.removed_at IS NOT NULL) AS assignee_deactivated,
  c.last_message_at, c.last_message_direction, c.comment_preview, c.filtered, c.filtered_reason, c.trashed_at,
  c.awaiting_first_reply, c.version, c.created_at, c.sla_target, c.sla_due_at, c.sla_warn_at, c.sla_paused`;
export const SUMMARY_JOINS = 'LEFT JOIN contacts ct ON ct.id = c.contact_id LEFT JOIN users u ON u.id = c.assignee_id';
const SUMMARIES_SQL = `SELECT ${SUMMARY_COLUMNS} FROM conversations c ${SUMMARY_JOINS} WHERE c.account_id = $1 AND c.id = ANY($2::text[])`;

export function toSummary(row: SummaryRow): ConversationSummary {
  return {
    id: row.id,
    inboxId: row.inbox_id,
    status: conversationStatus.toProto(row.status),
    statusName: row.status,
    channel: channelType.toProto(row.channel),
    channelName: row.channel,
    replyChannel: channelType.toProto(row.reply_channel),
    replyChannelName: row.reply_channel ?? '',
    teamId: row.team_id ?? '',
    subject: row.subject,
    preview: row.preview,
    contact: row.contact_id ? { id: row.contact_id, name: row.contact_name ?? '', email: row.contact_email ?? '', phone: row.contact_phone ?? '' } : undefined,
    participantCount: row.participant_count,
    assignee: row.assignee_id ? { id: row.assignee_id, name: row.assignee_name ?? '', deactivated: !!row.assignee_deactivated } : undefined,
    lastMessageAt: row.last_message_at,
    lastMessageDirection: messageDirection.toProto(row.last_message_direction),
    lastMessageDirectionName: row.last_message_direction,
    commentPreview: row.comment_preview ?? '',
    filtered: row.filtered,
    filteredReason: row.filtered_reason ?? '',
    trashedAt: row.trashed_at ?? undefined,
    awaitingFirstReply: row.awaiting_first_reply,
    version: row.version,
    createdAt: row.created_at,
    slaTarget: row.sla_target ?? '',
    slaDueAt: row.sla_due_at ?? undefined,
    slaWarnAt: row.sla_warn_at ?? undefined,
    slaPaused: row.sla_paused,
  };
}

const INBOX_EXISTS_SQL = 'SELECT 1 FROM inboxes WHERE account_id = $1 AND id = $2';

export class ConversationQueries {
  private readonly customViews: CustomViewsRepository;
  private readonly counts: ViewCountsRepository;

  /** readPool: where list views and counts read (a replica, whose lag they tolerate); the rest reads the primary. */
  constructor(
    private readonly pool: Pool,
    private readonly readPool: Pool = pool,
  ) {
    this.customViews = new CustomViewsRepository(pool);
    this.counts = new ViewCountsRepository(readPool);
  }

  /** A built-in view, or a custom view this user may see in this inbox. */
  private async viewFor(accountId: string, userId: string, inboxId: string, id: string): Promise<ViewDefinition> {
    const builtIn = findView(id);
    if (builtIn) return builtIn;
    const custom = CUSTOM_VIEW_ID.test(id) ? await this.customViews.findVisible(accountId, id, userId) : null;
    if (custom && custom.inboxId === inboxId) return customViewDefinition(custom);
    throw new InvalidArgumentError('unknown_view', `unknown view ${id}`, { views: VIEWS.map((v) => v.id) });
  }

  async requireInbox(accountId: string, inboxId: string): Promise<void> {
    const found = await this.pool.query({ name: statementName(INBOX_EXISTS_SQL), text: INBOX_EXISTS_SQL, values: [accountId, inboxId] });
    if (!found.rowCount) throw new NotFoundError('inbox_not_found', 'no such inbox');
  }

  /** Counts of views that depend on the time (service levels), from the conversations' own indexed columns. */
  private async liveCounts(accountId: string, inboxId: string, userId: string, views: ViewDefinition[]): Promise<number[]> {
    if (views.length === 0) return [];
    const columns = views.map((v, i) => `count(*) FILTER (WHERE ${predicateSql(v.predicate)}) AS v${i}`).join(', ');
    const text = `SELECT ${columns} FROM conversations c WHERE c.account_id = $2 AND c.inbox_id = $3 AND c.status = 'open' AND c.sla_warn_at IS NOT NULL AND $1::text IS NOT NULL`;
    // Only built-in views depend on the time: one fixed statement, run with a plan cached on the connection.
    const result = await queryWithCachedPlan<Record<string, string>>(this.readPool, text, [userId, accountId, inboxId]);
    return views.map((_, i) => Number(result.rows[0][`v${i}`]));
  }

  async viewCounts(accountId: string, userId: string, inboxId: string): Promise<{ id: string; name: string; count: number; custom?: CustomView }[]> {
    await this.requireInbox(accountId, inboxId);
    const custom = await this.customViews.visibleTo(accountId, userId, inboxId);
    const customViews = custom.map(customViewDefinition);
    const predicates = (views: ViewDefinition[]) => views.map((v) => predicateSql(v.predicate));
    // The built-in views' counts are one fixed statement with a plan cached on the connection;
    // custom views' predicates differ from user to user, so theirs are counted apart, unnamed.
    const [builtInCounts, customCounts, liveCounts] = await Promise.all([
      this.counts.count(accountId, inboxId, userId, predicates(VIEWS.filter((v) => !v.timeDependent)), { fixed: true }),
      customViews.length > 0 ? this.counts.count(accountId, inboxId, userId, predicates(customViews)) : [],
      this.liveCounts(accountId, inboxId, userId, VIEWS.filter((v) => v.timeDependent)),
    ]);
    const views = [...VIEWS, ...customViews];
    // Custom views narrow a built-in one and are never counted live.
    const counts = [...VIEWS.map((v) => (v.timeDependent ? liveCounts.shift()! : builtInCounts.shift()!)), ...customCounts];
    return views.map((v, i) => ({ id: v.id, name: v.name, count: counts[i], custom: custom[i - VIEWS.length] }));
  }

  async list(input: { accountId: string; userId: string; inboxId: string; view: string; oldestFirst: boolean; limit: number; cursor?: string }) {
    const view = await this.viewFor(input.accountId, input.userId, input.inboxId, input.view);
    const limit = Math.min(Math.max(input.limit || 25, 1), 100);
    const direction = input.oldestFirst ? 'ASC' : 'DESC';
    const comparison = input.oldestFirst ? '>' : '<';
    const params: unknown[] = [input.userId, input.accountId, input.inboxId, limit + 1];
    // $1 may be unused by the view's predicate; the cast keeps its type known to PostgreSQL.
    let keyset = '';
    if (input.cursor) {
      const cursor = decodeCursor(input.cursor);
      params.push(cursor.at, cursor.id);
      keyset = `AND (c.last_message_at, c.id) ${comparison} ($5, $6)`;
    }
    const text = `SELECT ${SUMMARY_COLUMNS} FROM conversations c ${SUMMARY_JOINS}
       WHERE c.account_id = $2 AND c.inbox_id = $3 AND ${predicateSql(view.predicate)} ${keyset}
         AND $1::text IS NOT NULL
       ORDER BY c.last_message_at ${direction}, c.id ${direction} LIMIT $4`;
    // Built-in views are a few fixed statements, run with the plan cached on the connection: planned
    // with the values on every call, the million-conversation inbox's pages took 0.5-2.5 ms, and
    // 0.2-1 ms with the cached plan. Custom views' texts vary from user to user, so they are planned.
    const result = findView(input.view) ? await queryWithCachedPlan<SummaryRow>(this.readPool, text, params) : await this.readPool.query<SummaryRow>({ text, values: params });
    // An empty page may be an unknown inbox; a page with rows proves the inbox (one round trip fewer).
    if (result.rows.length === 0) await this.requireInbox(input.accountId, input.inboxId);
    const rows = result.rows.slice(0, limit);
    const last = rows[rows.length - 1];
    return { items: rows.map(toSummary), nextCursor: result.rows.length > limit && last ? encodeCursor(last.last_message_at, last.id) : '' };
  }

  async blockedSenders(accountId: string) {
    const result = await this.pool.query<{ sender_key: string; blocked_by: string | null; created_at: Date }>(
      'SELECT sender_key, blocked_by, created_at FROM blocked_senders WHERE account_id = $1 ORDER BY created_at DESC',
      [accountId],
    );
    return result.rows.map((r) => ({ senderKey: r.sender_key, blockedBy: r.blocked_by ?? '', createdAt: r.created_at }));
  }

  /** An attachment of a visible (not hidden) message of the account. */
  async attachment(accountId: string, attachmentId: string) {
    const result = await this.pool.query(
      `SELECT a.id, a.filename, a.content_type, a.size, a.content_id, a.inline, a.object_key, a.unavailable_reason FROM attachments a
       JOIN messages m ON m.id = a.message_id WHERE a.account_id = $1 AND a.id = $2 AND m.hidden_at IS NULL`,
      [accountId, attachmentId],
    );
    const a = result.rows[0];
    if (!a) return null;
    return {
      attachment: { id: a.id, filename: a.filename, contentType: a.content_type, size: String(a.size), contentId: a.content_id ?? '', inline: a.inline, unavailableReason: a.unavailable_reason ?? '' },
      objectKey: a.object_key as string,
    };
  }

  async tickets(accountId: string, where: { conversationId?: string; ticketId?: string; contactId?: string }) {
    const result = await this.pool.query(
      `SELECT t.id, t.conversation_id, t.status, t.title, t.created_at, t.closed_at FROM tickets t JOIN conversations c ON c.id = t.conversation_id
       WHERE t.account_id = $1 AND ($2::text IS NULL OR t.conversation_id = $2) AND ($3::text IS NULL OR t.id = $3) AND ($4::text IS NULL OR c.contact_id = $4)
       ORDER BY t.created_at DESC, t.id`,
      [accountId, where.conversationId ?? null, where.ticketId ?? null, where.contactId ?? null],
    );
    return result.rows.map((t) => ({
      id: t.id,
      conversationId: t.conversation_id,
      status: t.status,
      title: t.title,
      createdAt: t.created_at,
      closedAt: t.closed_at ?? undefined,
    }));
  }

  /** A contact with their company, their other conversations (newest first) and their tickets. */
  async chatConversation(accountId: string, sessionId: string): Promise<{ conversationId: string; inboxId: string } | null> {
    const result = await this.pool.query<{ id: string; inbox_id: string }>(
      `SELECT id, inbox_id FROM conversations WHERE account_id = $1 AND channel = 'chat' AND thread_key = $2 AND trashed_at IS NULL`,
      [accountId, sessionId],
    );
    return result.rows[0] ? { conversationId: result.rows[0].id, inboxId: result.rows[0].inbox_id } : null;
  }

  async contact(accountId: string, contactId: string) {
    const found = await this.pool.query(
      `SELECT ct.id, ct.name, ct.email, ct.phone, ct.owner_id, ct.properties, ct.created_at, ${moreAddressesOf('ct')}, co.id AS company_id, co.name AS company_name, co.domain AS company_domain
       FROM contacts ct LEFT JOIN companies co ON co.id = ct.company_id WHERE ct.account_id = $1 AND ct.id = $2`,
      [accountId, contactId],
    );
    const row = found.rows[0];
    if (!row) throw new NotFoundError('contact_not_found', 'no such contact');
    const conversations = await this.pool.query<SummaryRow>(
      `SELECT ${SUMMARY_COLUMNS} FROM conversations c ${SUMMARY_JOINS} WHERE c.account_id = $1 AND c.contact_id = $2 ORDER BY c.last_message_at DESC LIMIT 50`,
      [accountId, contactId],
    );
    return {
      id: row.id,
      name: row.name,
      email: row.email ?? '',
      phone: row.phone ?? '',
      ownerId: row.owner_id ?? '',
      emails: [...(row.email ? [row.email] : []), ...row.more_emails],
      phones: [...(row.phone ? [row.phone] : []), ...row.more_phones],
      createdAt: row.created_at,
      company: row.company_id ? { id: row.company_id, name: row.company_name, domain: row.company_domain ?? '' } : undefined,
      conversations: conversations.rows.map(toSummary),
      tickets: await this.tickets(accountId, { contactId }),
      feedback: (
        await this.pool.query(
          `SELECT s.conversation_id, c.subject, s.score, s.comment, s.answered_at, s.question FROM surveys s JOIN conversations c ON c.id = s.conversation_id
           WHERE s.account_id = $1 AND s.contact_id = $2 AND s.answered_at IS NOT NULL ORDER BY s.answered_at DESC LIMIT 50`,
          [accountId, contactId],
        )
      ).rows.map(feedbackFromRow),
      deals: (await this.pool.query('SELECT * FROM deals WHERE account_id = $1 AND contact_id = $2 ORDER BY created_at DESC, id DESC LIMIT 50', [accountId, contactId])).rows.map(dealFromRow),
      properties: Object.fromEntries(Object.entries((row.properties ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)])),
    };
  }

  async summary(accountId: string, conversationId: string, db: Pool | PoolClient = this.pool): Promise<ConversationSummary> {
    const result = await db.query<SummaryRow>(`SELECT ${SUMMARY_COLUMNS} FROM conversations c ${SUMMARY_JOINS} WHERE c.account_id = $1 AND c.id = $2`, [accountId, conversationId]);
    if (!result.rowCount) throw new NotFoundError('conversation_not_found', 'no such conversation');
    return toSummary(result.rows[0]);
  }

  /** List items of the named conversations of the account, in the order asked; unknown ids are left out. */
  async summaries(accountId: string, conversationIds: string[]): Promise<ConversationSummary[]> {
    if (conversationIds.length === 0) return [];
    // Every search page and every new conversation an agent sees asks for this: planned once per connection.
    const result = await queryWithCachedPlan<SummaryRow>(this.pool, SUMMARIES_SQL, [accountId, conversationIds]);
    const byId = new Map(result.rows.map((row) => [row.id, toSummary(row)]));
    return conversationIds.flatMap((id) => byId.get(id) ?? []);
  }

  /** The owner of the contact a number's calls land on. */
  async callerOwner(accountId: string, phoneNumber: string): Promise<string | null> {
    const result = await this.pool.query<{ owner_id: string | null }>(`SELECT owner_id FROM contacts WHERE id = (${CONTACT_OF_PHONE_SQL})`, [accountId, phoneNumber]);
    return result.rows[0]?.owner_id ?? null;
  }

  async routingFacts(accountId: string, conversationIds: string[]) {
    if (conversationIds.length === 0) return [];
    // Routing asks for these on every event it routes: planned once per connection.
    const result = await queryWithCachedPlan(
      this.pool,
      `SELECT c.id, c.inbox_id, COALESCE(c.reply_channel, c.channel) AS channel, c.status, c.assignee_id, c.filtered, c.trashed_at, c.bot_chatflow_id, c.handed_off,
         c.created_at, ct.owner_id
       FROM conversations c LEFT JOIN contacts ct ON ct.id = c.contact_id WHERE c.account_id = $1 AND c.id = ANY($2::text[])`,
      [accountId, conversationIds],
    );
    return result.rows.map((r) => ({
      conversationId: r.id,
      inboxId: r.inbox_id,
      channel: channelType.toProto(r.channel),
      channelName: r.channel,
      status: conversationStatus.toProto(r.status),
      statusName: r.status,
      assigneeId: r.assignee_id ?? '',
      filtered: r.filtered,
      trashed: r.trashed_at !== null,
      inBot: r.bot_chatflow_id !== null && !r.handed_off,
      contactOwnerId: r.owner_id ?? '',
      createdAt: r.created_at,
    }));
  }

  async detail(accountId: string, conversationId: string): Promise<{ conversation: ConversationSummary; messages: Message[]; comments: Comment[]; call?: CallRecord }> {
    // One snapshot for every part, or a change committed between two of the reads would show
    // (say) a call already completed beside the message it has not yet updated. Five keyed reads
    // behind every opened conversation: planned once per connection, not on every open.
    const { conversation, messages, attachments, comments, calls } = await withCachedPlans(this.pool, async (tx) => {
      const conversation = await this.summary(accountId, conversationId, tx);
      const [messages, attachments, comments, calls] = await Promise.all([
        tx.query(
          `SELECT id, direction, channel, from_name, from_address, to_addresses, cc_addresses, bcc_addresses, subject, text_body, html_body, fields,
                  hidden_at, hidden_by, created_at, author_user_id, delivery_status, delivery_error, rfc_message_id,
                  in_reply_to, reference_ids, reply_text, authentication
           FROM messages WHERE account_id = $1 AND conversation_id = $2 ORDER BY created_at, id`,
          [accountId, conversationId],
        ),
        tx.query(
          `SELECT a.id, a.message_id, a.filename, a.content_type, a.size, a.content_id, a.inline, a.unavailable_reason FROM attachments a
           JOIN messages m ON m.id = a.message_id WHERE m.account_id = $1 AND m.conversation_id = $2 ORDER BY a.message_id, a.position, a.id`,
          [accountId, conversationId],
        ),
        tx.query(
          `SELECT c.id, c.author_id, u.name AS author_name, c.text_body, c.mentioned_ids, c.created_at FROM comments c
           LEFT JOIN users u ON u.id = c.author_id WHERE c.account_id = $1 AND c.conversation_id = $2 ORDER BY c.created_at, c.id`,
          [accountId, conversationId],
        ),
        tx.query('SELECT * FROM calls WHERE account_id = $1 AND conversation_id = $2 ORDER BY started_at DESC, id DESC LIMIT 1', [accountId, conversationId]),
      ]);
      return { conversation, messages, attachments, comments, calls };
    }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const call = calls.rows[0];
    return {
      conversation,
      call: call
        ? {
            callSid: call.call_sid ?? '',
            direction: messageDirection.toProto(call.direction),
            directionName: call.direction,
            from: call.from_number,
            to: call.to_number,
            status: call.status,
            durationSeconds: call.duration_seconds,
            recordingUrl: call.recording_url ?? '',
            transcript: call.transcript ?? '',
            missed: isMissed(call.direction, call.status),
            answeredBy: call.answered_by ?? '',
            startedAt: call.started_at,
            endedAt: call.ended_at ?? undefined,
          }
        : undefined,
      messages: messages.rows.map((m) => {
        const hidden = m.hidden_at !== null;
        return {
          id: m.id,
          direction: messageDirection.toProto(m.direction),
          directionName: m.direction,
          channel: channelType.toProto(m.channel),
          channelName: m.channel,
          from: { name: m.from_name, address: m.from_address },
          to: m.to_addresses,
          cc: m.cc_addresses,
          bcc: m.bcc_addresses,
          subject: m.subject,
          // A hidden message's content never leaves the service; clients show "Message is hidden".
          text: hidden ? '' : m.text_body,
          html: hidden ? '' : (m.html_body ?? ''),
          fields: hidden ? {} : (m.fields ?? {}),
          attachments: hidden
            ? []
            : attachments.rows
                .filter((a) => a.message_id === m.id)
                .map((a) => ({ id: a.id, filename: a.filename, contentType: a.content_type, size: String(a.size), contentId: a.content_id ?? '', inline: a.inline, unavailableReason: a.unavailable_reason ?? '' })),
          hidden,
          hiddenBy: m.hidden_by ?? '',
          createdAt: m.created_at,
          authorUserId: m.author_user_id ?? '',
          deliveryStatus: m.delivery_status ?? '',
          deliveryError: m.delivery_error ?? '',
          rfcMessageId: m.rfc_message_id ?? '',
          conversationId,
          inReplyTo: m.in_reply_to,
          references: m.reference_ids,
          replyText: hidden ? '' : (m.reply_text ?? m.text_body),
          authentication: m.authentication ?? undefined,
        };
      }),
      comments: comments.rows.map((c) => ({
        id: c.id,
        authorId: c.author_id,
        authorName: c.author_name ?? '',
        text: c.text_body,
        mentionedUserIds: c.mentioned_ids,
        createdAt: c.created_at,
      })),
    };
  }
}
