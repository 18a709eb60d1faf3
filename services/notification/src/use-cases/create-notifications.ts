// Turns one conversation event into the notifications it causes, each stored once, and tells the
// real-time channel (NOTIFICATION_EVENTS; the message id makes a repeated publish a no-op).
import type { JetStreamClient } from '@nats-io/jetstream';
import { publishDurably } from '@inbox/lib';
import type { ConversationEvent } from '@inbox/lib/gen/inbox/events/v1/events';
import { NotificationCreated } from '@inbox/lib/gen/inbox/events/v1/events';
import type { NotificationStore } from './ports';
import { recipientsOf } from '../domain/notification-rules';

export class CreateNotifications {
  constructor(
    private readonly notifications: NotificationStore,
    private readonly js: JetStreamClient,
  ) {}

  async execute(event: ConversationEvent): Promise<number> {
    const drafts = recipientsOf(event);
    for (const draft of drafts) {
      const id = await this.notifications.insert({
        accountId: event.accountId,
        userId: draft.userId,
        kind: draft.kind,
        conversationId: event.conversationId,
        commentId: event.commentId,
        messageId: event.messageId,
        actorUserId: event.actorUserId,
        sourceEventId: event.eventId,
      });
      const created = NotificationCreated.encode({
        eventId: `notification:${id}`,
        accountId: event.accountId,
        userId: draft.userId,
        notificationId: id,
        kind: draft.kind,
        conversationId: event.conversationId,
        createdAt: new Date(),
      }).finish();
      await publishDurably(this.js, `notification.${event.accountId}.created`, created, { msgId: `notification:${id}` });
    }
    return drafts.length;
  }
}
