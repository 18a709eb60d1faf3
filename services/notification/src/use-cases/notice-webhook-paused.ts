// A webhook the server paused (a day without one successful delivery) is a notification for
// every admin and super admin of its account, once per pause, in the app and in email digests.
import type { JetStreamClient } from '@nats-io/jetstream';
import type { NotificationStore } from './ports';
import { announceNotification } from './create-notifications';

export interface AccountAdmins {
  /** The active admins and super admins of the account. */
  of(accountId: string): Promise<string[]>;
}

export class NoticeWebhookPaused {
  constructor(
    private readonly notifications: NotificationStore,
    private readonly admins: AccountAdmins,
    private readonly js: JetStreamClient,
  ) {}

  async execute(accountId: string, webhookId: string, failingSince: Date | null): Promise<number> {
    const admins = await this.admins.of(accountId);
    // One notice per pause: the same failing stretch never notifies twice.
    const sourceEventId = `webhook-paused:${webhookId}:${failingSince?.toISOString() ?? ''}`;
    for (const userId of admins) {
      const id = await this.notifications.insert({ accountId, userId, kind: 'webhook_paused', conversationId: '', commentId: '', messageId: '', actorUserId: '', sourceEventId, webhookId });
      await announceNotification(this.js, { id, accountId, userId, kind: 'webhook_paused', conversationId: '' });
    }
    return admins.length;
  }
}
