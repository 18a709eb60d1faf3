// An email joins the conversation its headers, reply token or subject thread it into (or starts
// one), after the filtering and spoofing rules; it is stored with its attachments.
import { newId } from '@inbox/lib';
import type { EmailReceived, InboundMessage } from '@inbox/lib/gen/inbox/events/v1/events';
import type { Transaction } from '../../../use-cases/unit-of-work';
import { filterReason, hasReplyPrefix, isSpoofedSender, normaliseSubject, preview, replyTokenFrom } from '../../../domain/email-rules';
import { sanitizeEmailHtml } from '../../../domain/html';
import { visibleReply } from '../../../domain/visible-reply';
import { SUBJECT_FALLBACK_DAYS } from '../domain/threading';
import type { StoreResult } from './store-inbound-batch';
import type { InboundMessageStore } from './inbound-message-store';
import type { InboundThreads } from './inbound-threads';

export class StoreInboundEmail {
  constructor(
    private readonly store: InboundMessageStore,
    private readonly threads: InboundThreads,
  ) {}

  async execute(tx: Transaction, event: InboundMessage, email: EmailReceived, inboxId: string): Promise<StoreResult> {
    const accountId = event.accountId;
    const receivedAt = event.receivedAt ?? new Date();
    const fromAddress = (email.from?.address || email.envelopeFrom || '').trim().toLowerCase();
    const fromName = email.from?.name?.trim() ?? '';

    const contact = fromAddress ? await this.threads.upsertContact(tx, accountId, fromAddress, fromName) : null;
    const blocked = fromAddress ? await this.store.isBlocked(tx, accountId, [`email:${fromAddress}`]) : false;
    // Mail that claims one of our people as its sender is theirs only when its From domain authenticates.
    const claimedAgent = fromAddress ? await this.store.userWithEmail(tx, accountId, fromAddress) : undefined;
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
      ({ version, assigneeId } = await this.store.touchEmailConversation(tx, { id: conversationId, accountId, receivedAt, preview: snippet, participants: participants.size || 1 }));
    } else {
      conversationId = newId('con');
      created = true;
      version = 1;
      await this.store.insertConversation(tx, {
        id: conversationId,
        accountId,
        inboxId,
        channelId: event.channelId,
        channel: 'email',
        subject: email.subject,
        contactId: contact?.id ?? null,
        participants: participants.size || 1,
        preview: snippet,
        receivedAt,
        filteredReason: reason,
      });
    }

    const messageId = newId('msg');
    const auth = email.authentication;
    await this.store.insertEmailMessage(tx, {
      id: messageId,
      accountId,
      conversationId,
      channel: 'email',
      sourceEventId: event.eventId,
      rfcMessageId: email.messageId || null,
      inReplyTo: email.inReplyTo,
      references: email.references,
      fromName,
      fromAddress,
      to: email.to,
      cc: email.cc,
      subject: email.subject,
      text,
      html: email.html ? sanitizeEmailHtml(email.html) : null,
      rawObjectKey: email.rawObjectKey || null,
      receivedAt,
      replyText: reply,
      authentication: auth ? { spf: auth.spf, dkim: auth.dkim, dmarc: auth.dmarc, aligned: auth.aligned } : null,
      authorUserId: claimedAgent && !spoofed ? claimedAgent : null,
      rawInline: email.rawInline.length > 0 ? email.rawInline : null,
    });
    await this.store.insertAttachments(tx, accountId, messageId, email.attachments);
    await this.threads.emitInbound(tx, { accountId, inboxId, conversationId, version, created, messageId, assigneeId });
    return { duplicate: false, conversationId, messageId, created };
  }

  /** Message-ID headers first, then a reply token, then the conservative subject + contact fallback. */
  private async findThread(tx: Transaction, accountId: string, inboxId: string, email: EmailReceived, contactId: string | null): Promise<string | null> {
    const ids = [...new Set([...email.inReplyTo, ...email.references])];
    if (ids.length > 0) {
      const byHeaders = await this.store.conversationByMessageIds(tx, accountId, inboxId, ids);
      if (byHeaders) return byHeaders;
    }
    const tokens = [...email.envelopeTo, ...email.to.map((t) => t.address)].map(replyTokenFrom).filter((t): t is string => !!t);
    if (tokens.length > 0) {
      const byToken = await this.store.conversationByReplyTokens(tx, accountId, tokens);
      if (byToken) return byToken;
    }
    if (contactId && hasReplyPrefix(email.subject)) {
      const subject = normaliseSubject(email.subject);
      const recent = await this.store.recentEmailConversations(tx, accountId, inboxId, contactId, SUBJECT_FALLBACK_DAYS);
      const match = recent.find((row) => normaliseSubject(row.subject) === subject);
      if (match) return match.id;
    }
    return null;
  }
}
