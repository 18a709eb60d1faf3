// The InboundService of the conversation service's inbound module: validated requests in, use cases, proto responses out.
import { InvalidArgumentError, NotFoundError, type UnaryHandlers } from '@inbox/lib';
import type { InboundServiceService } from '@inbox/lib/gen/inbox/conversation/v1/inbound';
import type { ConversationUseCases } from './use-cases';

export function inboundGrpcHandlers(u: ConversationUseCases): UnaryHandlers<typeof InboundServiceService> {
  return {
    async getInboundReceipt(request) {
      if (!request.eventId) throw new InvalidArgumentError('event_id_required', 'event_id is required');
      const receipt = await u.receipts.find(request.eventId);
      if (!receipt) throw new NotFoundError('receipt_not_found', 'no inbound message with that event id');
      return { eventId: receipt.eventId, deliveries: receipt.deliveries, storedAt: receipt.storedAt };
    },
  };
}
