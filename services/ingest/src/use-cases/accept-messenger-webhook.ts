// Facebook Messenger webhooks. The verification handshake answers the challenge only for a
// channel's own verify token. Every delivery is checked against the app secrets of our Messenger
// channels before its body is parsed; then each customer message or postback becomes one
// InboundMessage keyed by Meta's message id (so Meta's retries are stored once), and the webhook
// is answered only after JetStream has them all. Echoes of our own sends, deliveries and reads
// are ignored.
import { createHash } from 'node:crypto';
import type { JetStreamClient } from '@nats-io/jetstream';
import { HttpError, OutboundRefusedError, publishDurably, type BlobStore, type GuardedFetch, type Logger } from '@inbox/lib';
import { ChannelType } from '@inbox/lib/gen/inbox/common/v1/common';
import { InboundMessage, type Attachment } from '@inbox/lib/gen/inbox/events/v1/events';
import type { ChannelDirectory } from './ports';
import { isWellFormedMetaSignature, metaSignatureMatches } from '../domain/webhook-signatures';


interface MessagingItem {
  sender?: { id?: string };
  recipient?: { id?: string };
  timestamp?: number;
  message?: { mid?: string; text?: string; is_echo?: boolean; attachments?: { type?: string; payload?: { url?: string } }[]; quick_reply?: { payload?: string } };
  postback?: { mid?: string; title?: string; payload?: string };
}

export class MessengerWebhook {
  constructor(
    private readonly channels: ChannelDirectory,
    private readonly blobs: BlobStore,
    private readonly js: JetStreamClient,
    private readonly logger: Logger,
    private readonly fetchAttachment: GuardedFetch,
  ) {}

  /** The subscription handshake: the challenge, echoed only for a verify token we issued. */
  async verify(mode: string, verifyToken: string, challenge: string): Promise<string> {
    if (mode !== 'subscribe') throw new HttpError(400, 'invalid_mode', 'hub.mode must be subscribe');
    if (!challenge || challenge.length > 1000) throw new HttpError(400, 'invalid_challenge', 'hub.challenge is required');
    const channel = verifyToken ? await this.channels.resolve(ChannelType.CHANNEL_TYPE_MESSENGER, { verifyToken }) : null;
    if (!channel) throw new HttpError(403, 'invalid_verify_token', 'hub.verify_token does not belong to any Messenger channel');
    return challenge;
  }

  async accept(rawBody: Uint8Array, signature: string | undefined): Promise<{ accepted: number; duplicates: number; ignored: number }> {
    if (!signature) throw new HttpError(401, 'signature_required', 'the X-Hub-Signature-256 header is missing');
    if (!isWellFormedMetaSignature(signature)) throw new HttpError(401, 'invalid_signature', 'X-Hub-Signature-256 must be sha256=<hex>');
    const secret = await this.matchingSecret(rawBody, signature);
    if (!secret) throw new HttpError(401, 'invalid_signature', 'X-Hub-Signature-256 does not match the body');

    let body: { object?: unknown; entry?: unknown };
    try {
      body = JSON.parse(Buffer.from(rawBody).toString('utf8'));
    } catch {
      throw new HttpError(400, 'invalid_json', 'the body is not JSON');
    }
    if (body?.object !== 'page' || !Array.isArray(body.entry)) throw new HttpError(400, 'unsupported_object', 'only page webhooks with entries are accepted');

    const events: InboundMessage[] = [];
    let ignored = 0;
    for (const entry of body.entry as { id?: unknown; messaging?: unknown }[]) {
      const pageId = typeof entry?.id === 'string' ? entry.id : '';
      const channel = pageId ? await this.channels.resolve(ChannelType.CHANNEL_TYPE_MESSENGER, pageId) : null;
      // The signature proves the sender knows this secret; it speaks only for pages connected with it.
      if (!channel || channel.secret !== secret) {
        this.logger.warn({ pageId }, 'messenger entry for a page not connected with this app secret ignored');
        ignored += Array.isArray(entry?.messaging) ? entry.messaging.length : 1;
        continue;
      }
      for (const item of Array.isArray(entry.messaging) ? (entry.messaging as MessagingItem[]) : []) {
        const event = await this.toEvent(channel, pageId, item);
        if (event) events.push(event);
        else ignored += 1;
      }
    }
    let duplicates = 0;
    for (const event of events) {
      const ack = await publishDurably(this.js, 'ingest.inbound.messenger', InboundMessage.encode(event).finish(), { msgId: event.eventId });
      if (ack.duplicate) duplicates += 1;
    }
    return { accepted: events.length, duplicates, ignored };
  }

  private async matchingSecret(rawBody: Uint8Array, signature: string): Promise<string | undefined> {
    const arrived = Date.now();
    const find = (secrets: string[]) => secrets.find((secret) => metaSignatureMatches(rawBody, signature, secret));
    return find(await this.channels.secrets(ChannelType.CHANNEL_TYPE_MESSENGER)) ?? find(await this.channels.secrets(ChannelType.CHANNEL_TYPE_MESSENGER, arrived));
  }

  private async toEvent(channel: { accountId: string; inboxId: string; channelId: string }, pageId: string, item: MessagingItem): Promise<InboundMessage | null> {
    const psid = item.sender?.id;
    if (typeof psid !== 'string' || !psid || psid === pageId) return null;
    const receivedAt = typeof item.timestamp === 'number' ? new Date(item.timestamp) : new Date();
    let mid: string;
    let text: string;
    let postbackPayload: string;
    let attachments: Attachment[] = [];
    if (item.message) {
      if (item.message.is_echo || typeof item.message.mid !== 'string') return null;
      mid = item.message.mid;
      text = typeof item.message.text === 'string' ? item.message.text : '';
      postbackPayload = item.message.quick_reply?.payload ?? '';
      attachments = await this.download(item.message.attachments ?? []);
      if (!text && attachments.length === 0) return null;
    } else if (item.postback) {
      mid = item.postback.mid || `postback:${psid}:${item.timestamp ?? ''}:${item.postback.payload ?? ''}`;
      text = item.postback.title ?? item.postback.payload ?? '';
      postbackPayload = item.postback.payload ?? '';
    } else {
      return null;
    }
    const eventId = `fb_${createHash('sha256').update(`${pageId}\u0000${mid}`).digest('hex').slice(0, 40)}`;
    return {
      eventId,
      accountId: channel.accountId,
      inboxId: channel.inboxId,
      channelId: channel.channelId,
      channelType: ChannelType.CHANNEL_TYPE_MESSENGER,
      receivedAt: Number.isNaN(receivedAt.getTime()) ? new Date() : receivedAt,
      messenger: { pageId, senderPsid: psid, mid, text: text.slice(0, 20_000), attachments, postbackPayload },
    } as InboundMessage;
  }

  /**
   * Meta's attachment URLs expire, so the bytes are kept now, through the guarded client: the URL
   * is the sender's to choose. A URL the client refuses (a private address, a plain-HTTP or
   * oversized response) is recorded as an unavailable attachment with the reason and never
   * fetched; a provider failure (5xx, timeout, connection) makes Meta retry the delivery.
   */
  private async download(list: { type?: string; payload?: { url?: string } }[]): Promise<Attachment[]> {
    const attachments: Attachment[] = [];
    for (const [index, item] of list.slice(0, 10).entries()) {
      const url = item.payload?.url;
      if (typeof url !== 'string' || !url) continue;
      const name = (() => {
        try {
          return decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
        } catch {
          return '';
        }
      })() || `${item.type ?? 'file'}-${index + 1}`;
      const unavailable = (reason: string): Attachment => ({ filename: name.slice(0, 200), contentType: 'application/octet-stream', size: '0', objectKey: '', content: Buffer.alloc(0), contentId: '', inline: false, unavailableReason: reason });
      let response;
      try {
        response = await this.fetchAttachment(url);
      } catch (error) {
        if (error instanceof OutboundRefusedError && error.reason !== 'timeout' && error.reason !== 'connection_failed') {
          this.logger.warn({ reason: error.reason }, 'messenger attachment refused');
          attachments.push(unavailable(`refused: ${error.message}`));
          continue;
        }
        throw new HttpError(502, 'attachment_unavailable', `could not fetch a Messenger attachment: ${(error as Error).message}`);
      }
      if (response.status >= 500) throw new HttpError(502, 'attachment_unavailable', `fetching a Messenger attachment answered ${response.status}`);
      if (response.status !== 200) {
        attachments.push(unavailable(`the attachment URL answered ${response.status}`));
        continue;
      }
      const contentType = String(response.headers['content-type'] ?? 'application/octet-stream').split(';')[0].trim();
      const bytes = new Uint8Array(response.body);
      attachments.push({ filename: name.slice(0, 200), contentType, size: String(bytes.length), objectKey: await this.blobs.put('att', bytes), content: Buffer.alloc(0), contentId: '', inline: false, unavailableReason: '' });
    }
    return attachments;
  }
}
