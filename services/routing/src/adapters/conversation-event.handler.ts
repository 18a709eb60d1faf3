import { decodeConversationEvent, type EventHandler } from '@inbox/lib';
import { ConversationEventType, type ConversationEvent } from '@inbox/lib/gen/inbox/events/v1/events';
import type { ConversationChange, RouteConversations } from '../use-cases/route-conversations';

export class ConversationEventHandler implements EventHandler<ConversationEvent> {
  constructor(private readonly routing: RouteConversations) {}

  decode(data: Uint8Array): ConversationEvent {
    return decodeConversationEvent(data);
  }

  orderingKey(event: ConversationEvent): string {
    return event.conversationId;
  }

  // New conversations are routed per account and inbox together; every other change is handled
  // as handle() does, with the facts of an account's conversations fetched in one call.
  async handleBatch(items: { event: ConversationEvent }[]): Promise<void> {
    const created = new Map<string, string[]>();
    const changed = new Map<string, ConversationEvent[]>();
    for (const { event } of items) {
      if (event.type === ConversationEventType.CONVERSATION_EVENT_TYPE_CREATED) addTo(created, event.accountId, event.conversationId);
      else addTo(changed, event.accountId, event);
    }
    // The changes one account after another: the consumer's concurrency already bounds how many batches run.
    const handleChanges = async () => {
      for (const [accountId, events] of changed) {
        for (const event of events) await this.explainIfAutomatic(event);
        await this.routing.onConversationsChanged(accountId, events.map(changeOf));
      }
    };
    await Promise.all([...[...created].map(([accountId, conversationIds]) => this.routing.onConversationsCreated(accountId, conversationIds)), handleChanges()]);
  }

  async handle(event: ConversationEvent): Promise<void> {
    await this.explainIfAutomatic(event);
    await this.routing.onConversationsChanged(event.accountId, [changeOf(event)]);
  }

  // An automatic assignment (no acting user) whose decision was lost with a crashed replica is still explained.
  private async explainIfAutomatic(event: ConversationEvent): Promise<void> {
    if (event.type === ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED && event.assigneeId && !event.actorUserId) {
      await this.routing.explainAutomaticAssignment(event.accountId, event.inboxId, event.conversationId, event.assigneeId);
    }
  }
}

function changeOf(event: ConversationEvent): ConversationChange {
  const assignment = event.type === ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED;
  return { conversationId: event.conversationId, trigger: assignment && !event.assigneeId ? 'released' : 'new', previousAssigneeId: assignment ? event.previousAssigneeId : '' };
}

function addTo<T>(groups: Map<string, T[]>, key: string, value: T): void {
  const group = groups.get(key);
  if (group) group.push(value);
  else groups.set(key, [value]);
}
