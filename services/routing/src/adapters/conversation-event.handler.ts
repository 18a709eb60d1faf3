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

  // New conversations are routed per account and inbox together; every other change alone, as handle() does.
  async handleBatch(items: { event: ConversationEvent }[]): Promise<void> {
    const created = new Map<string, string[]>();
    const others: ConversationEvent[] = [];
    for (const { event } of items) {
      if (event.type === ConversationEventType.CONVERSATION_EVENT_TYPE_CREATED) created.set(event.accountId, [...(created.get(event.accountId) ?? []), event.conversationId]);
      else others.push(event);
    }
    // The others one after another: the consumer's concurrency already bounds how many batches run.
    const handleOthers = async () => {
      for (const event of others) await this.handle(event);
    };
    await Promise.all([...[...created].map(([accountId, conversationIds]) => this.routing.onConversationsCreated(accountId, conversationIds)), handleOthers()]);
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
