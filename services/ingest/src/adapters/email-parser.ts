// MIME parsing with postal-mime: decoded addresses, subject, bodies (text derived from HTML
// when the message has none) and attachments with their bytes.
import { convert } from 'html-to-text';
import PostalMime, { type Address, type Email } from 'postal-mime';

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

export class MalformedEmailError extends Error {}

/** Headers kept on the event: the ones filtering and threading look at. */
const KEPT_HEADERS = new Set([
  'auto-submitted',
  'x-autoreply',
  'x-autorespond',
  'x-auto-response-suppress',
  'precedence',
  'list-id',
  'list-unsubscribe',
  'return-path',
  'delivered-to',
  'x-original-to',
  'x-failed-recipients',
  'content-type',
]);

const MESSAGE_ID = /<([^<>\s]+)>/g;

export function messageIds(value: string | undefined): string[] {
  if (!value) return [];
  const found = [...value.matchAll(MESSAGE_ID)].map((m) => m[1]);
  if (found.length > 0) return found;
  return value.split(/[\s,]+/).filter((token) => token.includes('@'));
}

function flatten(addresses: Address[] | Address | undefined): ParsedAddress[] {
  if (!addresses) return [];
  const list = Array.isArray(addresses) ? addresses : [addresses];
  return list.flatMap((a) => (a.group ? a.group : [a])).filter((a) => !!a.address).map((a) => ({ name: a.name ?? '', address: a.address!.trim() }));
}

export async function parseEmail(raw: Uint8Array): Promise<ParsedEmail> {
  if (raw.length === 0) throw new MalformedEmailError('the message is empty');
  let email: Email;
  try {
    email = await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer', rfc822Attachments: true });
  } catch (error) {
    throw new MalformedEmailError(`the message could not be parsed: ${(error as Error).message}`);
  }
  const MESSAGE_HEADERS = ['from', 'sender', 'to', 'subject', 'date', 'message-id'];
  if (!email.headers.some((h) => MESSAGE_HEADERS.includes(h.key))) {
    throw new MalformedEmailError('the message has no header section (no From, To, Subject, Date or Message-ID)');
  }
  const headers: Record<string, string> = {};
  for (const header of email.headers) {
    if (KEPT_HEADERS.has(header.key) && headers[header.key] === undefined) headers[header.key] = header.value.slice(0, 1000);
  }
  const html = email.html ?? '';
  const text = email.text ?? (html ? convert(html, { wordwrap: false, selectors: [{ selector: 'img', format: 'skip' }] }) : '');
  const from = flatten(email.from)[0] ?? flatten(email.sender)[0] ?? null;
  return {
    messageId: messageIds(email.messageId)[0] ?? '',
    inReplyTo: messageIds(email.inReplyTo),
    references: messageIds(email.references),
    from,
    to: flatten(email.to),
    cc: flatten(email.cc),
    replyTo: flatten(email.replyTo),
    subject: email.subject ?? '',
    text,
    html,
    date: email.date ?? null,
    headers,
    attachments: email.attachments.map((a, index) => ({
      filename: a.filename ?? `attachment-${index + 1}${a.mimeType === 'message/rfc822' ? '.eml' : ''}`,
      contentType: a.mimeType,
      contentId: a.contentId?.replace(/^<|>$/g, '') ?? '',
      inline: a.disposition === 'inline' || !!a.related,
      content: typeof a.content === 'string' ? new TextEncoder().encode(a.content) : new Uint8Array(a.content as ArrayBuffer),
    })),
  };
}
