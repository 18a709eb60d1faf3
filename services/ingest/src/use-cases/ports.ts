// What the use cases need of the outside world; the adapters implement these.
import type { WorkingHours } from '@inbox/lib';
import type { ChannelType } from '@inbox/lib/gen/inbox/common/v1/common';
import type { MailAuthentication } from '@inbox/lib/gen/inbox/events/v1/events';

export interface ResolvedChannel {
  accountId: string;
  inboxId: string;
  channelId: string;
  channelType: ChannelType;
  name?: string;
  fields?: { name: string; required: boolean }[];
  /** Messenger app secret or telephony auth token. */
  secret?: string;
  lookupKey?: string;
  /** Chat widgets: when they are online (absent: always), and whether they ask for an email first. */
  businessHours?: WorkingHours;
  preChatEmail?: string;
  /** Forms: a hidden field only bots fill in. */
  honeypotField?: string;
  /** Phone: ring the available agents one after another or all at once, this long each time. */
  ringStrategy?: string;
  ringSeconds?: number;
}

export type ChannelLookup = string | { verifyToken: string } | { channelId: string };

export interface ChannelDirectory {
  resolve(type: ChannelType, key: ChannelLookup): Promise<ResolvedChannel | null>;
  secrets(type: ChannelType, freshSince?: number): Promise<string[]>;
}

export interface ChatSession {
  sessionId: string;
  accountId: string;
  inboxId: string;
  channelId: string;
  widgetId: string;
  visitorId: string;
  name: string;
  email: string;
  createdAt: string;
}

export interface TranscriptEntry {
  id: string;
  from: 'visitor' | 'agent';
  text: string;
  authorName: string;
  at: string;
  /** A bot's choices, offered as buttons. */
  options?: string[];
}

/** Chat sessions and their transcripts, at the edge. */
export interface ChatSessions {
  /** Creates a session; the visitor token is "<sessionId>.<secret>" and only the secret's hash is kept. */
  create(input: Omit<ChatSession, 'sessionId' | 'visitorId' | 'createdAt'> & { visitorId?: string }): Promise<{ session: ChatSession; visitorToken: string }>;
  get(sessionId: string): Promise<(ChatSession & { tokenHash: string }) | null>;
  /** The session a visitor token belongs to, or null when the token is unknown or wrong. */
  authenticate(visitorToken: string): Promise<ChatSession | null>;
  /** Appends to the transcript (once per entry id) and tells every replica's sockets. */
  append(sessionId: string, entry: TranscriptEntry): Promise<void>;
  transcript(sessionId: string): Promise<TranscriptEntry[]>;
}

export interface ParsedAddress {
  name: string;
  address: string;
}

export interface ParsedAttachment {
  filename: string;
  contentType: string;
  contentId: string;
  inline: boolean;
  content: Uint8Array;
}

export interface ParsedEmail {
  messageId: string;
  inReplyTo: string[];
  references: string[];
  from: ParsedAddress | null;
  to: ParsedAddress[];
  cc: ParsedAddress[];
  replyTo: ParsedAddress[];
  subject: string;
  text: string;
  html: string;
  date: string | null;
  headers: Record<string, string>;
  attachments: ParsedAttachment[];
}

/** Turns raw MIME into what the inbound event carries; throws MalformedEmailError on what is not an email. */
export type EmailParser = (raw: Uint8Array) => Promise<ParsedEmail>;

export interface SmtpContext {
  ip?: string;
  helo?: string;
  sender?: string;
}

export interface MailVerifier {
  verify(raw: Uint8Array, smtp: SmtpContext): Promise<MailAuthentication>;
}

/** A fixed-window counter per key; take() answers how many were taken in the window so far. */
export interface RateLimits {
  take(key: string): Promise<number>;
}
