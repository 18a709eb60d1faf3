// JetStream handler for ingest.inbound.*: decodes the versioned InboundMessage and stores it.
// Messages that may share a conversation are handled in order; the use case is idempotent per event id.
import { PermanentError, type EventHandler, type HandlerContext } from '@inbox/lib';
import { ChannelType } from '@inbox/lib/gen/inbox/common/v1/common';
import { InboundMessage } from '@inbox/lib/gen/inbox/events/v1/events';
import type { StoreInboundBatch, StoreInboundMessage } from '..';

/** Where attachment bytes that travelled inside an event are kept (content-addressed, so idempotent). */
export interface AttachmentBytes {
  put(kind: 'att', data: Uint8Array): Promise<string>;
}

export class InboundMessageHandler implements EventHandler<InboundMessage> {
  constructor(
    private readonly storeInbound: StoreInboundMessage,
    private readonly attachmentBytes: AttachmentBytes,
    private readonly storeBatch?: StoreInboundBatch,
  ) {
    if (!storeBatch) this.handleBatch = undefined;
  }

  decode(data: Uint8Array): InboundMessage {
    const event = InboundMessage.decode(data);
    if (!event.eventId) throw new PermanentError('inbound message without event_id');
    if (!event.accountId) throw new PermanentError('inbound message without account_id');
    if (!event.channelId) throw new PermanentError('inbound message without channel_id');
    if (event.channelType === ChannelType.CHANNEL_TYPE_UNSPECIFIED) throw new PermanentError('inbound message without channel type');
    return event;
  }

  /**
   * Messages that could land in the same conversation are stored one after another; the rest in
   * parallel. Email: by thread root (first reference), or by sender when it starts a thread; chat:
   * by session; Messenger: by the customer; calls: by call; every form submission is its own
   * conversation. (A whole channel in one queue capped a busy inbox at one message at a time.)
   */
  orderingKey(event: InboundMessage): string {
    const channel = `${event.accountId}:${event.channelId}`;
    if (event.email) {
      const root = event.email.references[0] ?? event.email.inReplyTo[0];
      return root ? `${channel}:thread:${root}` : `${channel}:from:${(event.email.from?.address ?? '').toLowerCase()}`;
    }
    if (event.chat) return `${channel}:chat:${event.chat.sessionId}`;
    if (event.messenger) return `${channel}:psid:${event.messenger.senderPsid}`;
    if (event.call) return `${channel}:call:${event.call.callSid}`;
    return `${channel}:event:${event.eventId}`;
  }

  async handle(event: InboundMessage, context: HandlerContext): Promise<void> {
    await this.keepInlineAttachments(event);
    let result;
    try {
      // A lone email takes the set-based path as well: it needs fewer statements than the one-event path.
      result = event.email && this.storeBatch ? (await this.storeBatch.execute([event]))[0] : await this.storeInbound.execute(event);
    } catch (error) {
      throw asPermanentWhenDataRejected(error);
    }
    if (result.duplicate) context.logger.debug({ eventId: event.eventId, deliveryCount: context.deliveryCount }, 'inbound message already stored');
  }

  /** A batch is stored in one transaction; if anything in it fails, the consumer stores each event alone. */
  handleBatch? = async (events: { event: InboundMessage; context: HandlerContext }[]): Promise<void> => {
    for (const { event } of events) await this.keepInlineAttachments(event);
    await this.storeBatch!.execute(events.map((e) => e.event));
  };

  /** Attachments of a small message arrive with their bytes; they join the object store before the message is stored. */
  private async keepInlineAttachments(event: InboundMessage): Promise<void> {
    for (const attachment of event.email?.attachments ?? []) {
      if (attachment.objectKey || attachment.content.length === 0) continue;
      attachment.objectKey = await this.attachmentBytes.put('att', attachment.content);
      attachment.content = Buffer.alloc(0);
    }
  }
}

/** PostgreSQL class 22 (data exception): the same data fails the same way on every retry. */
function asPermanentWhenDataRejected(error: unknown): unknown {
  const code = (error as { code?: string }).code;
  if (typeof code === 'string' && code.startsWith('22')) return new PermanentError(`data rejected by the database (${code}): ${(error as Error).message}`);
  return error;
}
