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
    const result = await this.storeInbound.execute(event);
    if (result.duplicate) context.logger.debug({ eventId: event.eventId, deliveryCount: context.deliveryCount }, 'inbound message already stored');
  }
}
