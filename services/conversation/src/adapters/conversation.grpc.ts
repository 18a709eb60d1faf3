import { InvalidArgumentError, NotFoundError, type UnaryHandlers } from '@inbox/lib';
import type { ConversationServiceService } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import type { InboundReceiptStore } from '../use-cases/record-inbound-message';

export function conversationGrpcHandlers(receipts: InboundReceiptStore): UnaryHandlers<typeof ConversationServiceService> {
  return {
    async getInboundReceipt(request) {
      if (!request.eventId) throw new InvalidArgumentError('event_id_required', 'event_id is required');
      const receipt = await receipts.find(request.eventId);
      if (!receipt) throw new NotFoundError('receipt_not_found', 'no inbound message with that event id');
      return { eventId: receipt.eventId, deliveries: receipt.deliveries, storedAt: receipt.storedAt };
    },
  };
}
