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
      await announceNotification(this.js, { id, accountId: event.accountId, userId: draft.userId, kind: draft.kind, conversationId: event.conversationId });
    }
    return drafts.length;
  }
}

/** Tells the real-time channel; the message id makes a repeated publish a no-op. */
export async function announceNotification(js: JetStreamClient, n: { id: string; accountId: string; userId: string; kind: string; conversationId: string }): Promise<void> {
  const created = NotificationCreated.encode({
    eventId: `notification:${n.id}`,
    accountId: n.accountId,
    userId: n.userId,
    notificationId: n.id,
    kind: n.kind,
    conversationId: n.conversationId,
    createdAt: new Date(),
  }).finish();
  await publishDurably(js, `notification.${n.accountId}.created`, created, { msgId: `notification:${n.id}` });
}
