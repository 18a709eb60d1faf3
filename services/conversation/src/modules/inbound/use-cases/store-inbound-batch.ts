// Stores a batch of inbound events in one transaction with set-based statements, each a round
// trip, so as few as the rules allow: one admits the batch (its channels, and the receipts ledger
// dropping what was stored before), every sender lock is taken up front in one sorted pass, one
// upserts the senders with what the account knows of them, emails are threaded in memory (stream
// order, each seeing the ones before it) from a handful of lookups for the whole batch, and one
// writes new conversations with every message, then attachments and outbox events a statement
// each. Channels without a set-based path are stored one by one inside the same transaction. Any
// failure rolls back the whole batch; the caller then stores each event alone, so one poison
// event is retried and dead-lettered by itself.
import { MessageDirection } from '@inbox/lib/gen/inbox/common/v1/common';
import { PermanentError, channelNameOf, newId } from '@inbox/lib';
import { ConversationEventType, type Attachment, type InboundMessage } from '@inbox/lib/gen/inbox/events/v1/events';
import { companyDomainOf, companyNameFor } from '../../../domain/companies';
import { filterReason, isSpoofedSender, preview, type FilterReason } from '../../../domain/email-rules';
import { sanitizeEmailHtml } from '../../../domain/html';
import { visibleReply } from '../../../domain/visible-reply';
import { SUBJECT_FALLBACK_DAYS, ThreadIndex, threadLookups, type KnownMessage, type RecentConversation, type ThreadedEmail } from '../domain/threading';
import { inboundLockKey, withoutNulCharacters } from '../domain/inbound-events';

export interface StoreResult {
  duplicate: boolean;
  conversationId?: string;
  messageId?: string;
  created?: boolean;
}

export interface InboundChannel {
  inboxId: string;
  name: string;
  settings: { createTicket?: boolean };
}

export interface NewEmailConversation {
  id: string;
  accountId: string;
  inboxId: string;
  channelId: string;
  subject: string;
  contactId: string | null;
  participantCount: number;
  preview: string;
  firstMessageAt: Date;
  lastMessageAt: Date;
  filteredReason: FilterReason | 'spoofed_sender' | null;
  version: number;
  continued: boolean;
}

export interface ContinuedConversation {
  id: string;
  accountId: string;
  lastMessageAt: Date;
  preview: string;
  participantCount: number;
  messages: number;
}

export interface NewEmailMessage {
  id: string;
  accountId: string;
  conversationId: string;
  sourceEventId: string;
  rfcMessageId: string | null;
  inReplyTo: string[];
  referenceIds: string[];
  fromName: string;
  fromAddress: string;
  to: unknown;
  cc: unknown;
  subject: string;
  text: string;
  html: string | null;
  rawObjectKey: string | null;
  createdAt: Date;
  replyText: string;
  authentication: { spf: string; dkim: string; dmarc: string; aligned: boolean } | null;
  authorUserId: string | null;
  rawMessage: Uint8Array | null;
}

export interface InboundEventDraft {
  accountId: string;
  inboxId: string;
  conversationId: string;
  type: ConversationEventType;
  version: string;
  messageId?: string;
  assigneeId?: string;
  messageDirection?: MessageDirection;
}

export interface EmailSender {
  accountId: string;
  /** The sender address, lower-cased. */
  email: string;
  contactId: string;
  /** The contact was created by this upsert. */
  inserted: boolean;
  /** An unfiltered conversation with this contact existed before the batch. */
  talkedWith: boolean;
  /** The address is on the account's blocked-sender list. */
  blocked: boolean;
  /** The active user of the account with this address, if any (whose mail may be spoofed). */
  userId: string | null;
}

/** The store of the inbound module: every statement the batch path runs, inside one unit of work. */
export interface InboundBatchStore {
  inTransaction<T>(work: (unit: InboundBatchUnit) => Promise<T>): Promise<T>;
}

export interface InboundBatchUnit {
  /**
   * In one statement: the channels the events name (by account and id), and each event recorded in
   * the receipts ledger, with the ids recorded now (the rest were stored before).
   */
  admit(
    channels: { accountId: string; channelId: string }[],
    receipts: { eventId: string; accountId: string; channelType: string; receivedAt: Date }[],
  ): Promise<{ channels: Map<string, InboundChannel>; recorded: Set<string> }>;
  lock(keys: string[]): Promise<void>;
  /** The contact of each sender address (created when new), with what the account knows of the sender. */
  upsertEmailSenders(senders: { accountId: string; email: string; name: string }[]): Promise<EmailSender[]>;
  linkCompanies(links: { accountId: string; contactId: string; domain: string; name: string }[]): Promise<void>;
  messagesByRfcId(ids: { accountId: string; rfcMessageId: string }[]): Promise<KnownMessage[]>;
  replyTokens(tokens: { accountId: string; token: string }[]): Promise<{ accountId: string; token: string; conversationId: string }[]>;
  recentEmailConversations(contacts: { accountId: string; inboxId: string; contactId: string }[], days: number): Promise<RecentConversation[]>;
  /** Applies each conversation's inbound messages; returns its new version and assignee. */
  continueConversations(rows: ContinuedConversation[]): Promise<Map<string, { version: number; assigneeId: string }>>;
  /** The conversations the batch starts and every message it stores, in one statement. */
  insertEmails(conversations: NewEmailConversation[], messages: NewEmailMessage[]): Promise<void>;
  insertAttachments(rows: { accountId: string; messageId: string; attachments: Attachment[] }[]): Promise<void>;
  appendEvents(drafts: InboundEventDraft[]): Promise<void>;
  /** Stores one recorded event of a channel without a set-based path, in this transaction. */
  storeRecorded(event: InboundMessage, channel: InboundChannel): Promise<StoreResult>;
}

export class StoreInboundBatch {
  constructor(
    private readonly store: InboundBatchStore,
    private readonly onCommitted: () => void = () => undefined,
  ) {}

  /** Results in the order of the events given. */
  async execute(input: InboundMessage[]): Promise<StoreResult[]> {
    const events = input.map(withoutNulCharacters);
    const results = await this.store.inTransaction(async (unit) => {
      const firstOfEach = unique(events, (e) => e.eventId);
      // An event of a channel that does not exist fails the batch, and with it the receipts just recorded.
      const { channels, recorded } = await unit.admit(
        unique(events.map((e) => ({ accountId: e.accountId, channelId: e.channelId })), (r) => channelKey(r.accountId, r.channelId)),
        firstOfEach.map((e) => ({ eventId: e.eventId, accountId: e.accountId, channelType: channelNameOf(e.channelType) ?? 'unknown', receivedAt: e.receivedAt ?? new Date() })),
      );
      for (const event of events) {
        if (!channels.has(channelKey(event.accountId, event.channelId))) throw new PermanentError(`channel ${event.channelId} does not exist in account ${event.accountId}`);
      }
      const fresh = firstOfEach.filter((e) => recorded.has(e.eventId));
      await unit.lock([...new Set(fresh.map(inboundLockKey).filter((k): k is string => k !== null))].sort());
      const stored = new Map<InboundMessage, StoreResult>();
      const emails = fresh.filter((e) => e.email);
      if (emails.length > 0) for (const [event, result] of await this.storeEmails(unit, emails, channels)) stored.set(event, result);
      for (const event of fresh) {
        if (event.email) continue;
        stored.set(event, await unit.storeRecorded(event, channels.get(channelKey(event.accountId, event.channelId))!));
      }
      return events.map((event) => stored.get(event) ?? { duplicate: true });
    });
    if (results.some((r) => !r.duplicate)) this.onCommitted();
    return results;
  }

  private async storeEmails(unit: InboundBatchUnit, events: InboundMessage[], channels: Map<string, InboundChannel>): Promise<Map<InboundMessage, StoreResult>> {
    const now = new Date();
    const mails = events.map((event) => {
      const email = event.email!;
      return {
        event,
        email,
        accountId: event.accountId,
        inboxId: channels.get(channelKey(event.accountId, event.channelId))!.inboxId,
        receivedAt: event.receivedAt ?? now,
        fromAddress: (email.from?.address || email.envelopeFrom || '').trim().toLowerCase(),
        fromName: email.from?.name?.trim() ?? '',
      };
    });
    const senders = unique(mails.filter((m) => m.fromAddress), (m) => senderKey(m.accountId, m.fromAddress));

    // One statement answers for every sender: its contact, and whether it is known, blocked or one of our people.
    const senderRows = await unit.upsertEmailSenders(
      senders.map((m) => ({ accountId: m.accountId, email: m.fromAddress, name: m.fromName })).sort((a, b) => compare(senderKey(a.accountId, a.email), senderKey(b.accountId, b.email))),
    );
    const standing = new Map(senderRows.map((c) => [senderKey(c.accountId, c.email), c]));
    const companies = senderRows
      .filter((c) => c.inserted)
      .flatMap((c) => {
        const domain = companyDomainOf(c.email);
        return domain ? [{ accountId: c.accountId, contactId: c.contactId, domain, name: companyNameFor(domain) }] : [];
      });
    if (companies.length > 0) await unit.linkCompanies(companies);

    const threaded = mails.map((m) => {
      const sender = m.fromAddress ? standing.get(senderKey(m.accountId, m.fromAddress)) : undefined;
      const email: ThreadedEmail = {
        accountId: m.accountId,
        inboxId: m.inboxId,
        contactId: sender?.contactId ?? null,
        subject: m.email.subject,
        inReplyTo: m.email.inReplyTo,
        references: m.email.references,
        envelopeTo: m.email.envelopeTo,
        to: m.email.to.map((t) => t.address),
      };
      return { ...m, sender, threadedEmail: email, lookups: threadLookups(email) };
    });
    const index = new ThreadIndex({
      messages: await lookupIf(
        unique(threaded.flatMap((t) => t.lookups.messageIds.map((rfcMessageId) => ({ accountId: t.accountId, rfcMessageId }))), (r) => `${r.accountId}\u0000${r.rfcMessageId}`),
        (ids) => unit.messagesByRfcId(ids),
      ),
      tokens: await lookupIf(
        unique(threaded.flatMap((t) => t.lookups.tokens.map((token) => ({ accountId: t.accountId, token }))), (r) => `${r.accountId}\u0000${r.token}`),
        (tokens) => unit.replyTokens(tokens),
      ),
      recent: await lookupIf(
        unique(
          threaded.filter((t) => t.lookups.subjectFallback).map((t) => ({ accountId: t.accountId, inboxId: t.inboxId, contactId: t.sender!.contactId })),
          (r) => `${r.accountId}\u0000${r.inboxId}\u0000${r.contactId}`,
        ),
        (wanted) => unit.recentEmailConversations(wanted, SUBJECT_FALLBACK_DAYS),
      ),
    });

    const startedHere = new Map<string, NewEmailConversation>();
    const continued = new Map<string, ContinuedConversation>();
    const talkedInBatch = new Set<string>();
    const messages: NewEmailMessage[] = [];
    const steps: { event: InboundMessage; conversationId: string; messageId: string; accountId: string; inboxId: string; startsConversation: boolean; ordinal: number }[] = [];
    for (const m of threaded) {
      const contactId = m.sender?.contactId ?? null;
      const known = !!contactId && (talkedInBatch.has(contactId) || (!m.sender!.inserted && m.sender!.talkedWith));
      const isBlocked = m.sender?.blocked ?? false;
      const claimedUser = m.sender?.userId ?? undefined;
      const spoofed = isSpoofedSender(!!claimedUser, m.email.authentication);
      const reason = spoofed ? 'spoofed_sender' : filterReason({ blocked: isBlocked, headers: m.email.headers, fromAddress: m.fromAddress, knownContact: known });
      const text = m.email.text;
      const reply = visibleReply(text);
      const snippet = preview(reply || text || m.email.subject);
      const ownAddresses = new Set(m.email.envelopeTo.map((a) => a.toLowerCase()));
      const participants = new Set([m.fromAddress, ...m.email.cc.map((c) => c.address.toLowerCase())].filter((a) => a && !ownAddresses.has(a))).size || 1;

      const threadId = isBlocked || spoofed ? null : index.threadOf(m.threadedEmail, now);
      let conversationId: string;
      let ordinal: number;
      let startsConversation = false;
      const started = threadId ? startedHere.get(threadId) : undefined;
      if (started) {
        conversationId = started.id;
        started.version += 1;
        started.continued = true;
        if (m.receivedAt > started.lastMessageAt) started.lastMessageAt = m.receivedAt;
        started.preview = snippet;
        started.participantCount = Math.max(started.participantCount, participants);
        ordinal = started.version;
      } else if (threadId) {
        conversationId = threadId;
        const existing = continued.get(threadId) ?? { id: threadId, accountId: m.accountId, lastMessageAt: m.receivedAt, preview: snippet, participantCount: participants, messages: 0 };
        existing.messages += 1;
        if (m.receivedAt > existing.lastMessageAt) existing.lastMessageAt = m.receivedAt;
        existing.preview = snippet;
        existing.participantCount = Math.max(existing.participantCount, participants);
        continued.set(threadId, existing);
        ordinal = existing.messages;
      } else {
        conversationId = newId('con');
        startsConversation = true;
        ordinal = 1;
        startedHere.set(conversationId, {
          id: conversationId,
          accountId: m.accountId,
          inboxId: m.inboxId,
          channelId: m.event.channelId,
          subject: m.email.subject,
          contactId,
          participantCount: participants,
          preview: snippet,
          firstMessageAt: m.receivedAt,
          lastMessageAt: m.receivedAt,
          filteredReason: reason,
          version: 1,
          continued: false,
        });
        if (contactId && reason === null) talkedInBatch.add(contactId);
        if (contactId) index.touchConversation({ accountId: m.accountId, inboxId: m.inboxId, contactId, conversationId, subject: m.email.subject, lastMessageAt: m.receivedAt });
      }
      if (!startsConversation && contactId) {
        const conversation = startedHere.get(conversationId);
        if (conversation?.contactId) index.touchConversation({ accountId: m.accountId, inboxId: m.inboxId, contactId: conversation.contactId, conversationId, subject: conversation.subject, lastMessageAt: m.receivedAt });
      }

      const messageId = newId('msg');
      index.addMessage({ accountId: m.accountId, rfcMessageId: m.email.messageId, conversationId, inboxId: m.inboxId, createdAt: m.receivedAt });
      const auth = m.email.authentication;
      messages.push({
        id: messageId,
        accountId: m.accountId,
        conversationId,
        sourceEventId: m.event.eventId,
        rfcMessageId: m.email.messageId || null,
        inReplyTo: m.email.inReplyTo,
        referenceIds: m.email.references,
        fromName: m.fromName,
        fromAddress: m.fromAddress,
        to: m.email.to,
        cc: m.email.cc,
        subject: m.email.subject,
        text,
        html: m.email.html ? sanitizeEmailHtml(m.email.html) : null,
        rawObjectKey: m.email.rawObjectKey || null,
        createdAt: m.receivedAt,
        replyText: reply,
        authentication: auth ? { spf: auth.spf, dkim: auth.dkim, dmarc: auth.dmarc, aligned: auth.aligned } : null,
        authorUserId: claimedUser && !spoofed ? claimedUser : null,
        rawMessage: m.email.rawInline.length > 0 ? m.email.rawInline : null,
      });
      steps.push({ event: m.event, conversationId, messageId, accountId: m.accountId, inboxId: m.inboxId, startsConversation, ordinal });
    }

    const versions = continued.size > 0 ? await unit.continueConversations([...continued.values()].sort((a, b) => compare(a.id, b.id))) : new Map<string, { version: number; assigneeId: string }>();
    await unit.insertEmails([...startedHere.values()], messages);
    const withAttachments = threaded.flatMap((t, i) => (t.email.attachments.length > 0 ? [{ accountId: t.accountId, messageId: messages[i].id, attachments: t.email.attachments }] : []));
    if (withAttachments.length > 0) await unit.insertAttachments(withAttachments);

    const drafts: InboundEventDraft[] = [];
    const results = new Map<InboundMessage, StoreResult>();
    for (const step of steps) {
      let version: number;
      let assigneeId = '';
      const after = versions.get(step.conversationId);
      if (after) {
        version = after.version - continued.get(step.conversationId)!.messages + step.ordinal;
        assigneeId = after.assigneeId;
      } else {
        version = step.ordinal;
      }
      const base = { accountId: step.accountId, inboxId: step.inboxId, conversationId: step.conversationId, version: String(version) };
      drafts.push(
        { ...base, type: step.startsConversation ? ConversationEventType.CONVERSATION_EVENT_TYPE_CREATED : ConversationEventType.CONVERSATION_EVENT_TYPE_UPDATED },
        { ...base, type: ConversationEventType.CONVERSATION_EVENT_TYPE_MESSAGE_CREATED, messageId: step.messageId, assigneeId, messageDirection: MessageDirection.MESSAGE_DIRECTION_INBOUND },
      );
      results.set(step.event, { duplicate: false, conversationId: step.conversationId, messageId: step.messageId, created: step.startsConversation });
    }
    await unit.appendEvents(drafts);
    return results;
  }
}

export function channelKey(accountId: string, channelId: string): string {
  return `${accountId}\u0000${channelId}`;
}

export function senderKey(accountId: string, sender: string): string {
  return `${accountId}\u0000${sender}`;
}

function unique<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

async function lookupIf<Q, R>(wanted: Q[], lookup: (wanted: Q[]) => Promise<R[]>): Promise<R[]> {
  return wanted.length > 0 ? lookup(wanted) : [];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
