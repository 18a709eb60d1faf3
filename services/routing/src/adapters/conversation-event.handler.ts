import { decodeConversationEvent, type EventHandler } from '@inbox/lib';
import { ConversationEventType, type ConversationEvent } from '@inbox/lib/gen/inbox/events/v1/events';
import type { RouteConversations } from '../use-cases/route-conversations';

export class ConversationEventHandler implements EventHandler<ConversationEvent> {
  constructor(private readonly routing: RouteConversations) {}

  decode(data: Uint8Array): ConversationEvent {
    return decodeConversationEvent(data);
  }

  orderingKey(event: ConversationEvent): string {
    return event.conversationId;
  }

  async handle(event: ConversationEvent): Promise<void> {
    const released = event.type === ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED && !event.assigneeId;
    const previous = event.type === ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED ? event.previousAssigneeId : '';
    // An automatic assignment (no acting user) whose decision was lost with a crashed replica is still explained.
    if (event.type === ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED && event.assigneeId && !event.actorUserId) {
      await this.routing.explainAutomaticAssignment(event.accountId, event.inboxId, event.conversationId, event.assigneeId);
    }
    await this.routing.onConversationChanged(event.accountId, event.conversationId, released ? 'released' : 'new', previous);
  }
}
