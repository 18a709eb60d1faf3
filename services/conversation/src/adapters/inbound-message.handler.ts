// JetStream handler for ingest.inbound.*: decodes the versioned InboundMessage and stores it.
// Messages of one channel are handled in order; the use case is idempotent per event id.
import { PermanentError, type EventHandler, type HandlerContext } from '@inbox/lib';
import { ChannelType } from '@inbox/lib/gen/inbox/common/v1/common';
import { InboundMessage } from '@inbox/lib/gen/inbox/events/v1/events';
import type { StoreInboundMessage } from '../use-cases/store-inbound-message';

export class InboundMessageHandler implements EventHandler<InboundMessage> {
  constructor(private readonly storeInbound: StoreInboundMessage) {}

  decode(data: Uint8Array): InboundMessage {
    const event = InboundMessage.decode(data);
    if (!event.eventId) throw new PermanentError('inbound message without event_id');
    if (!event.accountId) throw new PermanentError('inbound message without account_id');
    if (!event.channelId) throw new PermanentError('inbound message without channel_id');
    if (event.channelType === ChannelType.CHANNEL_TYPE_UNSPECIFIED) throw new PermanentError('inbound message without channel type');
    return event;
  }

  orderingKey(event: InboundMessage): string {
    return `${event.accountId}:${event.channelId}`;
  }

  async handle(event: InboundMessage, context: HandlerContext): Promise<void> {
    let result;
    try {
      result = await this.storeInbound.execute(event);
    } catch (error) {
      // PostgreSQL class 22 (data exception): the same data fails the same way on every retry.
      const code = (error as { code?: string }).code;
      if (typeof code === 'string' && code.startsWith('22')) throw new PermanentError(`data rejected by the database (${code}): ${(error as Error).message}`);
      throw error;
    }
    if (result.duplicate) context.logger.debug({ eventId: event.eventId, deliveryCount: context.deliveryCount }, 'inbound message already stored');
  }
}
