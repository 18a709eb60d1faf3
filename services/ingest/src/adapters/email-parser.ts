// MIME parsing with postal-mime: decoded addresses, subject, bodies (text derived from HTML
// when the message has none) and attachments with their bytes.
import type { ParsedAddress, ParsedEmail } from '../use-cases/ports';
import { convert } from 'html-to-text';
import PostalMime, { type Address, type Email } from 'postal-mime';




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
// RFC 5322 field name: printable US-ASCII except the colon, no spaces.
const HEADER_FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;

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

/** A name for an attachment that has none: an attached email by its subject, a bounce report by its role. */
async function fallbackFilename(attachment: Email['attachments'][number], index: number): Promise<string> {
  if (attachment.mimeType === 'message/rfc822' || attachment.mimeType === 'message/global') {
    try {
      const nested = await PostalMime.parse(attachment.content as ArrayBuffer);
      const subject = (nested.subject ?? '').replace(/[\\/:*?"<>|\x00-\x1f]+/g, ' ').trim().slice(0, 120);
      if (subject) return `${subject}.eml`;
    } catch {
      // fall through to a numbered name
    }
    return `attachment-${index + 1}.eml`;
  }
  if (attachment.mimeType === 'message/delivery-status' || attachment.mimeType === 'message/global-delivery-status') return 'Delivery report.txt';
  return `attachment-${index + 1}`;
}

export async function parseEmail(raw: Uint8Array): Promise<ParsedEmail> {
  if (raw.length === 0) throw new MalformedEmailError('the message is empty');
  let email: Email;
  try {
    email = await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer', rfc822Attachments: true });
  } catch (error) {
    throw new MalformedEmailError(`the message could not be parsed: ${(error as Error).message}`);
  }
  // Broken senders do send MIME-only messages without From or Subject; those are kept. Text
  // without a single well-formed header field is not a message.
  if (!email.headers.some((h) => HEADER_FIELD_NAME.test(h.originalKey))) {
    throw new MalformedEmailError('the message has no header section');
  }
  const headers: Record<string, string> = {};
  for (const header of email.headers) {
    if (KEPT_HEADERS.has(header.key) && headers[header.key] === undefined) headers[header.key] = header.value.slice(0, 1000);
  }
  const html = email.html ?? '';
  const text = email.text ?? (html ? convert(html, { wordwrap: false, selectors: [{ selector: 'img', format: 'skip' }] }) : '');
  // An empty From (<>) is answered where the sender asks for answers.
  const from = flatten(email.from)[0] ?? flatten(email.sender)[0] ?? flatten(email.replyTo)[0] ?? null;
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
    attachments: await Promise.all(email.attachments.map(async (a, index) => ({
      filename: a.filename ?? (await fallbackFilename(a, index)),
      contentType: a.mimeType,
      contentId: a.contentId?.replace(/^<|>$/g, '') ?? '',
      inline: a.disposition === 'inline' || !!a.related,
      content: typeof a.content === 'string' ? new TextEncoder().encode(a.content) : new Uint8Array(a.content as ArrayBuffer),
    }))),
  };
}
