// Decoding of conversation events, shared by every consumer of CONVERSATION_EVENTS.
import { ConversationEvent } from '../gen/inbox/events/v1/events';
import { PermanentError } from './consumer';

/** Decodes an event; one without its ids can never be handled and goes to the dead-letter stream. */
export function decodeConversationEvent(data: Uint8Array): ConversationEvent {
  const event = ConversationEvent.decode(data);
  if (!event.eventId || !event.accountId || !event.conversationId) throw new PermanentError('conversation event without ids');
  return event;
}
