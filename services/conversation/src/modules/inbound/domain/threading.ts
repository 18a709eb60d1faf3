// Which conversation an inbound email belongs to, decided in memory from what the store found
// for a whole batch: Message-ID headers first (the newest message they name, in the same
// inbox), then a reply token in a recipient address, then the conservative fallback of the same
// contact's recent conversation with the same subject, only when the subject carries a reply
// prefix. Messages and conversations stored earlier in the same batch count like stored ones.
import { hasReplyPrefix, normaliseSubject, replyTokenFrom } from '../../../domain/email-rules';

export const SUBJECT_FALLBACK_DAYS = 30;
const SUBJECT_FALLBACK_CANDIDATES = 20;

export interface ThreadedEmail {
  accountId: string;
  inboxId: string;
  contactId: string | null;
  subject: string;
  inReplyTo: string[];
  references: string[];
  envelopeTo: string[];
  to: string[];
}

export interface KnownMessage {
  accountId: string;
  rfcMessageId: string;
  conversationId: string;
  inboxId: string;
  createdAt: Date;
}

export interface RecentConversation {
  accountId: string;
  inboxId: string;
  contactId: string;
  conversationId: string;
  subject: string;
  lastMessageAt: Date;
}

/** The header ids, reply tokens and subject-fallback contact an email's threading needs looked up. */
export function threadLookups(email: ThreadedEmail): { messageIds: string[]; tokens: string[]; subjectFallback: boolean } {
  return {
    messageIds: [...new Set([...email.inReplyTo, ...email.references])].filter((id) => id.length > 0),
    tokens: [...email.envelopeTo, ...email.to].map(replyTokenFrom).filter((t): t is string => !!t),
    subjectFallback: !!email.contactId && hasReplyPrefix(email.subject),
  };
}

export class ThreadIndex {
  private readonly messages = new Map<string, KnownMessage[]>();
  private readonly tokens = new Map<string, string>();
  private readonly recent = new Map<string, RecentConversation[]>();

  constructor(found: { messages?: KnownMessage[]; tokens?: { accountId: string; token: string; conversationId: string }[]; recent?: RecentConversation[] } = {}) {
    for (const message of found.messages ?? []) this.addMessage(message);
    for (const t of found.tokens ?? []) this.tokens.set(`${t.accountId}\u0000${t.token}`, t.conversationId);
    for (const conversation of found.recent ?? []) this.touchConversation(conversation);
  }

  /** A message stored in this batch: later replies in the batch thread to it. */
  addMessage(message: KnownMessage): void {
    if (!message.rfcMessageId) return;
    const key = `${message.accountId}\u0000${message.rfcMessageId}`;
    const list = this.messages.get(key) ?? [];
    list.push(message);
    this.messages.set(key, list);
  }

  /** A conversation started or continued in this batch, as the subject fallback will see it next. */
  touchConversation(conversation: RecentConversation): void {
    const key = recentKey(conversation.accountId, conversation.inboxId, conversation.contactId);
    const list = this.recent.get(key) ?? [];
    const existing = list.find((c) => c.conversationId === conversation.conversationId);
    if (existing) {
      if (conversation.lastMessageAt > existing.lastMessageAt) existing.lastMessageAt = conversation.lastMessageAt;
    } else {
      list.push({ ...conversation });
    }
    this.recent.set(key, list);
  }

  /** The conversation the email threads into, or null when it starts a new one. */
  threadOf(email: ThreadedEmail, now: Date): string | null {
    const wanted = threadLookups(email);
    let newest: KnownMessage | undefined;
    for (const id of wanted.messageIds) {
      for (const message of this.messages.get(`${email.accountId}\u0000${id}`) ?? []) {
        if (message.inboxId !== email.inboxId) continue;
        if (!newest || message.createdAt > newest.createdAt) newest = message;
      }
    }
    if (newest) return newest.conversationId;
    for (const token of wanted.tokens) {
      const conversationId = this.tokens.get(`${email.accountId}\u0000${token}`);
      if (conversationId) return conversationId;
    }
    if (wanted.subjectFallback && email.contactId) {
      const subject = normaliseSubject(email.subject);
      const since = now.getTime() - SUBJECT_FALLBACK_DAYS * 86_400_000;
      const candidates = (this.recent.get(recentKey(email.accountId, email.inboxId, email.contactId)) ?? [])
        .filter((c) => c.lastMessageAt.getTime() > since)
        .sort((a, b) => b.lastMessageAt.getTime() - a.lastMessageAt.getTime())
        .slice(0, SUBJECT_FALLBACK_CANDIDATES);
      const match = candidates.find((c) => normaliseSubject(c.subject) === subject);
      if (match) return match.conversationId;
    }
    return null;
  }
}

function recentKey(accountId: string, inboxId: string, contactId: string): string {
  return `${accountId}\u0000${inboxId}\u0000${contactId}`;
}
