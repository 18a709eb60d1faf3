// Turns each conversation event into one delivery per subscription of its account that wants
// its type, if it subscribed before the event happened. Idempotent: a redelivered event finds its
// deliveries already written.
import type { ConversationEvent } from '@inbox/lib/gen/inbox/events/v1/events';
import { webhookEventType, webhookPayload } from '../domain/webhooks';
import type { SubscribedEventTypes } from './subscribed-event-types';
import type { WebhooksRepository } from './webhooks.repository';

export class WebhookDeliveries {
  constructor(
    private readonly webhooks: Pick<WebhooksRepository, 'enqueue'>,
    private readonly subscribed: SubscribedEventTypes,
  ) {}

  async queueFor(event: ConversationEvent): Promise<void> {
    const type = webhookEventType(event);
    if (!type || !(await this.subscribed.wants(event.accountId, type))) return;
    await this.webhooks.enqueue({ accountId: event.accountId, eventId: event.eventId, eventType: type, orderingKey: event.conversationId, occurredAt: event.occurredAt ?? new Date(), payload: webhookPayload(event, type) });
  }
}
