// JetStream handler for ingest.inbound.*: decodes the versioned InboundMessage, orders by the
// conversation-defining key, and hands it to the use case.
import { PermanentError, type EventHandler, type HandlerContext } from '@inbox/lib';
import { ChannelType, channelTypeToJSON } from '@inbox/lib/gen/inbox/common/v1/common';
import { InboundMessage } from '@inbox/lib/gen/inbox/events/v1/events';
import type { RecordInboundMessage } from '../use-cases/record-inbound-message';

export class InboundMessageHandler implements EventHandler<InboundMessage> {
  constructor(private readonly recordInbound: RecordInboundMessage) {}

  decode(data: Uint8Array): InboundMessage {
    const event = InboundMessage.decode(data);
    if (!event.eventId) throw new PermanentError('inbound message without event_id');
    if (!event.accountId) throw new PermanentError('inbound message without account_id');
    if (event.channelType === ChannelType.CHANNEL_TYPE_UNSPECIFIED) throw new PermanentError('inbound message without channel type');
    return event;
  }

  orderingKey(event: InboundMessage): string {
    return `${event.accountId}:${event.channelId}`;
  }

  async handle(event: InboundMessage, context: HandlerContext): Promise<void> {
    const { stored } = await this.recordInbound.execute({
      eventId: event.eventId,
      accountId: event.accountId,
      channelType: channelTypeToJSON(event.channelType),
      receivedAt: event.receivedAt ?? new Date(),
    });
    if (!stored) context.logger.debug({ eventId: event.eventId, deliveryCount: context.deliveryCount }, 'inbound message already stored');
  }
}
