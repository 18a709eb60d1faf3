// Accepts one raw email for its recipients: every recipient that is a channel address gets one
// InboundMessage (its id derived from the channel and the Message-ID, so a retried delivery is
// the same event), the raw bytes and attachments go to the blob store, and the promise resolves
// only once JetStream has stored every event.
import { createHash } from 'node:crypto';
import type { JetStreamClient } from '@nats-io/jetstream';
import { publishDurably, type BlobStore } from '@inbox/lib';
import { ChannelType } from '@inbox/lib/gen/inbox/common/v1/common';
import { InboundMessage } from '@inbox/lib/gen/inbox/events/v1/events';
import type { ChannelDirectory, ResolvedChannel } from './ports';
import type { EmailParser, ParsedEmail } from './ports';
import type { MailVerifier, SmtpContext } from './ports';

export class UnknownRecipientError extends Error {}

export interface AcceptedEmail {
  eventIds: string[];
  duplicates: number;
}

/**
 * The event id of one email for one channel. A retried delivery (the same Message-ID and the same
 * body; relays only prepend trace headers) gets the same id and is stored once; a different email
 * that reuses a Message-ID (a sender bug seen in the wild) is still a message of its own.
 */
export function emailEventId(channelId: string, parsed: Pick<ParsedEmail, 'messageId'>, raw: Uint8Array): string {
  const bodyDigest = createHash('sha256').update(bodyOf(raw)).digest('hex');
  const identity = `${parsed.messageId}\u0000${bodyDigest}`;
  return `em_${createHash('sha256').update(`${channelId}\u0000${identity}`).digest('hex').slice(0, 40)}`;
}

function bodyOf(raw: Uint8Array): Uint8Array {
  const buffer = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const crlf = buffer.indexOf('\r\n\r\n');
  const lf = buffer.indexOf('\n\n');
  const end = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf + 4 : lf >= 0 ? lf + 2 : buffer.length;
  return buffer.subarray(end);
}

export class AcceptEmail {
  constructor(
    private readonly channels: ChannelDirectory,
    private readonly parse: EmailParser,
    private readonly blobs: BlobStore,
    private readonly js: JetStreamClient,
    private readonly verifier?: MailVerifier,
    /** A raw message up to this size travels whole in its event: one publish, no object-store writes first. */
    private readonly inlineRawBytes = 64 * 1024,
  ) {}

  /** The channels among the recipients; unknown addresses are left out. */
  async resolveRecipients(recipients: string[]): Promise<{ address: string; channel: ResolvedChannel }[]> {
    const unique = [...new Set(recipients.map((r) => r.trim().toLowerCase()).filter(Boolean))];
    // A plus-address (support+r-<reply token>@…) reaches the channel of its base address.
    const lookup = async (address: string) =>
      (await this.channels.resolve(ChannelType.CHANNEL_TYPE_EMAIL, address)) ??
      (address.includes('+') ? await this.channels.resolve(ChannelType.CHANNEL_TYPE_EMAIL, address.replace(/\+[^@]*@/, '@')) : null);
    const resolved = await Promise.all(unique.map(async (address) => ({ address, channel: await lookup(address) })));
    return resolved.filter((r): r is { address: string; channel: ResolvedChannel } => r.channel !== null);
  }

  /**
   * Without envelope recipients (a provider's webhook that sends none), the message's own
   * Delivered-To / X-Original-To / To / Cc headers say where it was going.
   */
  async execute(raw: Uint8Array, envelope: { from: string; recipients: string[] } & Pick<SmtpContext, 'ip' | 'helo'>): Promise<AcceptedEmail> {
    let parsed: ParsedEmail | undefined;
    let recipients = envelope.recipients;
    if (recipients.length === 0) {
      parsed = await this.parse(raw);
      recipients = recipientsFromHeaders(parsed);
    }
    const targets = await this.resolveRecipients(recipients);
    if (targets.length === 0) throw new UnknownRecipientError('no recipient is a channel address of this installation');
    parsed ??= await this.parse(raw);
    const authentication = this.verifier?.verify(raw, { ip: envelope.ip, helo: envelope.helo, sender: envelope.from });
    const inline = raw.length <= this.inlineRawBytes;
    const rawKey = inline ? '' : await this.blobs.put('raw', raw);
    const attachments = await Promise.all(
      parsed.attachments.map(async (a) => {
        // An empty attachment has no bytes to carry; it is stored as before.
        const carried = inline && a.content.length > 0;
        return {
          filename: a.filename,
          contentType: a.contentType,
          size: String(a.content.length),
          objectKey: carried ? '' : await this.blobs.put('att', a.content),
          content: carried ? asBuffer(a.content) : Buffer.alloc(0),
          contentId: a.contentId,
          inline: a.inline,
          unavailableReason: '',
        };
      }),
    );
    const verdict = await authentication;
    const receivedAt = new Date();
    let duplicates = 0;
    const eventIds: string[] = [];
    for (const { channel } of uniqueBy(targets, (t) => t.channel.channelId)) {
      const eventId = emailEventId(channel.channelId, parsed, raw);
      const event = InboundMessage.encode({
        eventId,
        accountId: channel.accountId,
        inboxId: channel.inboxId,
        channelId: channel.channelId,
        channelType: ChannelType.CHANNEL_TYPE_EMAIL,
        receivedAt,
        email: {
          messageId: parsed.messageId,
          inReplyTo: parsed.inReplyTo,
          references: parsed.references,
          from: parsed.from ?? undefined,
          to: parsed.to,
          cc: parsed.cc,
          subject: parsed.subject,
          // Bodies beyond these sizes stay complete in the raw message in the blob store.
          text: parsed.text.slice(0, 1_000_000),
          html: parsed.html.length > 2_000_000 ? '' : parsed.html,
          attachments,
          rawObjectKey: rawKey,
          rawInline: inline ? asBuffer(raw) : Buffer.alloc(0),
          headers: parsed.headers,
          envelopeFrom: envelope.from,
          envelopeTo: targets.filter((t) => t.channel.channelId === channel.channelId).map((t) => t.address),
          authentication: verdict,
        },
      }).finish();
      const ack = await publishDurably(this.js, 'ingest.inbound.email', event, { msgId: eventId });
      if (ack.duplicate) duplicates += 1;
      eventIds.push(eventId);
    }
    return { eventIds, duplicates };
  }
}

/** The same bytes as a Buffer (what the generated event types hold), without copying. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function recipientsFromHeaders(parsed: ParsedEmail): string[] {
  const delivered = [parsed.headers['delivered-to'], parsed.headers['x-original-to']].map((h) => h?.replace(/[<>]/g, '').trim() ?? '');
  return [...delivered, ...parsed.to.map((a) => a.address), ...parsed.cc.map((a) => a.address)].filter(Boolean);
}

function uniqueBy<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
