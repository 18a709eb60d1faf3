// What the search service indexes, read from the conversation tables: one document per
// conversation with the text of its visible messages and its comments. The search service asks
// for documents by id (after events) or pages through all of them (backfill, reconcile).
import { channelType, conversationStatus, queryWithCachedPlan, type Pool } from '@inbox/lib';
import type { ConversationRef, SearchDocument } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import { SUMMARY_COLUMNS, SUMMARY_JOINS, toSummary, type SummaryRow } from './conversation-queries';

/** Bounds on what one document carries, so a conversation with thousands of messages stays indexable. */
export const SEARCH_DOCUMENT_LIMITS = { messages: 300, messageChars: 32_000, comments: 300 };

// The list item's columns and a few only the index needs: one read gives the document and the
// row a search answers with.
interface ConversationRow extends SummaryRow {
  account_id: string;
  bot_chatflow_id: string | null;
  handed_off: boolean;
  trashed: boolean;
}

const CONVERSATION_COLUMNS = `${SUMMARY_COLUMNS}, c.account_id, c.bot_chatflow_id, c.handed_off, (c.trashed_at IS NOT NULL) AS trashed`;

// What reconcile compares: no joins and no texts.
interface VersionRow {
  id: string;
  account_id: string;
  version: string;
}

/** What each kind of answer reads: the versions alone, or the list item and what only the index needs. */
const selectFrom = (versionsOnly: boolean) =>
  versionsOnly ? 'SELECT c.id, c.account_id, c.version FROM conversations c' : `SELECT ${CONVERSATION_COLUMNS} FROM conversations c ${SUMMARY_JOINS}`;

export class SearchDocuments {
  constructor(private readonly pool: Pool) {}

  async byRefs(refs: ConversationRef[], options: { versionsOnly: boolean } = { versionsOnly: false }): Promise<{ documents: SearchDocument[]; missing: ConversationRef[] }> {
    if (refs.length === 0) return { documents: [], missing: [] };
    // Asked for after nearly every event: planned once per connection.
    const rows = await queryWithCachedPlan<VersionRow | ConversationRow>(
      this.pool,
      `${selectFrom(options.versionsOnly)} WHERE (c.account_id, c.id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [refs.map((r) => r.accountId), refs.map((r) => r.conversationId)],
    );
    const documents = await this.toDocuments(rows.rows, options.versionsOnly);
    const found = new Set(documents.map((d) => d.conversationId));
    return { documents, missing: refs.filter((r) => !found.has(r.conversationId)) };
  }

  async export(input: { afterId: string; limit: number; versionsOnly: boolean; accountId: string }): Promise<{ documents: SearchDocument[]; nextAfterId: string }> {
    const limit = Math.min(Math.max(input.limit || 500, 1), 2000);
    const { rows } = await this.pool.query<VersionRow | ConversationRow>(
      `${selectFrom(input.versionsOnly)} WHERE c.id > $1 AND ($2::text = '' OR c.account_id = $2) ORDER BY c.id LIMIT $3`,
      [input.afterId, input.accountId, limit],
    );
    const documents = await this.toDocuments(rows, input.versionsOnly);
    return { documents, nextAfterId: rows.length === limit ? rows[rows.length - 1].id : '' };
  }

  private async toDocuments(rows: (VersionRow | ConversationRow)[], versionsOnly: boolean): Promise<SearchDocument[]> {
    if (!versionsOnly) return this.withTexts(rows as ConversationRow[]);
    return rows.map((row) => ({ ...emptyDocument(), conversationId: row.id, accountId: row.account_id, version: row.version }));
  }

  private async withTexts(rows: ConversationRow[]): Promise<SearchDocument[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const [messages, comments] = await Promise.all([
      queryWithCachedPlan<{ conversation_id: string; text: string; from_address: string; first_at: Date }>(
        this.pool,
        `SELECT conversation_id, text, from_address, first_at FROM (
           SELECT conversation_id, left(text_body, $2) AS text, from_address, hidden_at, created_at, id,
                  min(created_at) OVER (PARTITION BY conversation_id) AS first_at,
                  row_number() OVER (PARTITION BY conversation_id, (hidden_at IS NULL) ORDER BY created_at DESC, id DESC) AS recent
           FROM messages WHERE conversation_id = ANY($1::text[])
         ) m WHERE hidden_at IS NULL AND recent <= $3 ORDER BY conversation_id, created_at, id`,
        [ids, SEARCH_DOCUMENT_LIMITS.messageChars, SEARCH_DOCUMENT_LIMITS.messages],
      ),
      queryWithCachedPlan<{ conversation_id: string; text_body: string }>(
        this.pool,
        `SELECT conversation_id, text_body FROM (
           SELECT conversation_id, text_body, created_at, id,
                  row_number() OVER (PARTITION BY conversation_id ORDER BY created_at DESC, id DESC) AS recent
           FROM comments WHERE conversation_id = ANY($1::text[])
         ) c WHERE recent <= $2 ORDER BY conversation_id, created_at, id`,
        [ids, SEARCH_DOCUMENT_LIMITS.comments],
      ),
    ]);
    const texts = new Map<string, { messages: string[]; comments: string[]; addresses: Set<string>; firstAt?: Date }>();
    const entry = (id: string) => {
      let found = texts.get(id);
      if (!found) texts.set(id, (found = { messages: [], comments: [], addresses: new Set() }));
      return found;
    };
    for (const m of messages.rows) {
      const e = entry(m.conversation_id);
      e.messages.push(m.text);
      if (m.from_address) e.addresses.add(m.from_address.toLowerCase());
      e.firstAt ??= m.first_at;
    }
    for (const c of comments.rows) entry(c.conversation_id).comments.push(c.text_body);
    return rows.map((row) => {
      const t = entry(row.id);
      const bot = !row.assignee_id && row.bot_chatflow_id && !row.handed_off;
      return {
        conversationId: row.id,
        accountId: row.account_id,
        inboxId: row.inbox_id,
        version: row.version,
        status: conversationStatus.toProto(row.status),
        statusName: row.status,
        channel: channelType.toProto(row.channel),
        channelName: row.channel,
        subject: row.subject,
        contact: row.contact_id ? { id: row.contact_id, name: row.contact_name ?? '', email: row.contact_email ?? '', phone: row.contact_phone ?? '' } : undefined,
        assigneeKind: row.assignee_id ? 'user' : bot ? 'bot' : 'none',
        assigneeId: row.assignee_id ?? (bot ? `bot:${row.bot_chatflow_id}` : ''),
        messageTexts: t.messages,
        commentTexts: t.comments,
        participantAddresses: [...t.addresses],
        firstMessageAt: t.firstAt ?? row.created_at,
        lastMessageAt: row.last_message_at,
        createdAt: row.created_at,
        filtered: row.filtered,
        trashed: row.trashed,
        summary: toSummary(row),
      };
    });
  }
}

function emptyDocument(): SearchDocument {
  return {
    conversationId: '',
    accountId: '',
    inboxId: '',
    version: '0',
    status: 0,
    statusName: '',
    channel: 0,
    channelName: '',
    subject: '',
    contact: undefined,
    assigneeKind: '',
    assigneeId: '',
    messageTexts: [],
    commentTexts: [],
    participantAddresses: [],
    firstMessageAt: undefined,
    lastMessageAt: undefined,
    createdAt: undefined,
    filtered: false,
    trashed: false,
    summary: undefined,
  };
}
