import { decodeConversationEvent, type EventHandler } from '@inbox/lib';
import { ConversationEventType, type ConversationEvent } from '@inbox/lib/gen/inbox/events/v1/events';
import type { ConversationIndexer } from '../use-cases/index-conversations';

/** Every conversation event means "this conversation changed": index its current state. */
export class ConversationEventHandler implements EventHandler<ConversationEvent> {
  constructor(
    private readonly indexer: ConversationIndexer,
    private readonly onIndexed: (event: ConversationEvent) => void = () => undefined,
  ) {}

  decode(data: Uint8Array): ConversationEvent {
    return decodeConversationEvent(data);
  }

  // Versioned writes make order irrelevant, so events are not serialised per conversation;
  // several events of one conversation in a batch become one document write.
  orderingKey(event: ConversationEvent): string {
    return event.eventId;
  }

  async handle(event: ConversationEvent): Promise<void> {
    // A breach changes nothing a document holds; a service-level change moves the list item's target.
    if (event.type === ConversationEventType.CONVERSATION_EVENT_TYPE_SLA_BREACHED) return;
    await this.indexer.submit({ accountId: event.accountId, conversationId: event.conversationId, version: Number(event.version) });
    this.onIndexed(event);
  }
}
