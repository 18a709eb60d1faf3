import { PermanentError, type EventHandler } from '@inbox/lib';
import { ConversationEvent } from '@inbox/lib/gen/inbox/events/v1/events';
import type { CreateNotifications } from '../use-cases/create-notifications';

export class ConversationEventHandler implements EventHandler<ConversationEvent> {
  constructor(private readonly createNotifications: CreateNotifications) {}

  decode(data: Uint8Array): ConversationEvent {
    const event = ConversationEvent.decode(data);
    if (!event.eventId || !event.accountId || !event.conversationId) throw new PermanentError('conversation event without ids');
    return event;
  }

  orderingKey(event: ConversationEvent): string {
    return event.conversationId;
  }

  async handle(event: ConversationEvent): Promise<void> {
    await this.createNotifications.execute(event);
  }
}
