// Every conversation event the notification service takes, from one consumer: first the
// notifications it causes, then its webhook deliveries. Both steps are idempotent, so when the
// second fails, the redelivery repeats the first harmlessly.
import { decodeConversationEvent, type EventHandler } from '@inbox/lib';
import type { ConversationEvent } from '@inbox/lib/gen/inbox/events/v1/events';
import type { CreateNotifications } from '../use-cases/create-notifications';
import type { WebhookDeliveries } from './webhook-deliveries';

export class ConversationEventHandler implements EventHandler<ConversationEvent> {
  constructor(
    private readonly createNotifications: Pick<CreateNotifications, 'execute'>,
    private readonly webhookDeliveries: Pick<WebhookDeliveries, 'queueFor'>,
  ) {}

  decode(data: Uint8Array): ConversationEvent {
    return decodeConversationEvent(data);
  }

  // One conversation's events are handled, and its webhook deliveries queued, in the order they happened.
  orderingKey(event: ConversationEvent): string {
    return event.conversationId;
  }

  async handle(event: ConversationEvent): Promise<void> {
    await this.createNotifications.execute(event);
    await this.webhookDeliveries.queueFor(event);
  }
}
