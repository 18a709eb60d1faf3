import { decodeConversationEvent, type EventHandler } from '@inbox/lib';
import type { ConversationEvent } from '@inbox/lib/gen/inbox/events/v1/events';
import type { CreateNotifications } from '../use-cases/create-notifications';

export class ConversationEventHandler implements EventHandler<ConversationEvent> {
  constructor(private readonly createNotifications: CreateNotifications) {}

  decode(data: Uint8Array): ConversationEvent {
    return decodeConversationEvent(data);
  }

  orderingKey(event: ConversationEvent): string {
    return event.conversationId;
  }

  async handle(event: ConversationEvent): Promise<void> {
    await this.createNotifications.execute(event);
  }
}
