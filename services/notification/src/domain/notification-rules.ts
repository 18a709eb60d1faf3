// Who is notified of a conversation event, and of what: each mentioned member (never the
// author), the new owner of an assignment (unless they assigned themselves), and the owner of a
// conversation that received an inbound message; a service-level breach, whoever the conversation
// service names (its owner, or the admins when nobody owns it).
import { MessageDirection } from '@inbox/lib/gen/inbox/common/v1/common';
import { ConversationEventType, type ConversationEvent } from '@inbox/lib/gen/inbox/events/v1/events';

/** An event of the previous release carries the direction by name only. */
const isInbound = (event: ConversationEvent) =>
  event.messageDirection === MessageDirection.MESSAGE_DIRECTION_INBOUND || (!event.messageDirection && event.messageDirectionName === 'inbound');

export type NotificationKind = 'mention' | 'assignment' | 'new_message' | 'sla_breached' | 'webhook_paused';

export interface NotificationDraft {
  userId: string;
  kind: NotificationKind;
}

export function recipientsOf(event: ConversationEvent): NotificationDraft[] {
  switch (event.type) {
    case ConversationEventType.CONVERSATION_EVENT_TYPE_COMMENT_CREATED:
      return [...new Set(event.mentionedUserIds)].filter((id) => id && id !== event.actorUserId).map((userId) => ({ userId, kind: 'mention' }));
    case ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED:
      return event.assigneeId && event.assigneeId !== event.actorUserId ? [{ userId: event.assigneeId, kind: 'assignment' }] : [];
    case ConversationEventType.CONVERSATION_EVENT_TYPE_MESSAGE_CREATED:
      return isInbound(event) && event.assigneeId ? [{ userId: event.assigneeId, kind: 'new_message' }] : [];
    case ConversationEventType.CONVERSATION_EVENT_TYPE_SLA_BREACHED:
      return [...new Set(event.recipientUserIds)].filter(Boolean).map((userId) => ({ userId, kind: 'sla_breached' }));
    default:
      return [];
  }
}
