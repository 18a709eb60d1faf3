import { InvalidArgumentError, type UnaryHandlers } from '@inbox/lib';
import type { Tenant } from '@inbox/lib/gen/inbox/common/v1/common';
import type { NotificationServiceService } from '@inbox/lib/gen/inbox/notification/v1/notification';
import { isEmailAddress } from '@inbox/lib';
import type { EmailPreferencesRepository } from './email-preferences.repository';
import type { NotificationsRepository } from './notifications.repository';

function tenantOf(tenant: Tenant | undefined): { accountId: string; userId: string } {
  if (!tenant?.accountId || !tenant.userId) throw new InvalidArgumentError('tenant_required', 'tenant account and user are required');
  return { accountId: tenant.accountId, userId: tenant.userId };
}

export function notificationGrpcHandlers(notifications: NotificationsRepository, emailPreferences: EmailPreferencesRepository): UnaryHandlers<typeof NotificationServiceService> {
  return {
    async getEmailPreference(request) {
      const { accountId, userId } = tenantOf(request.tenant);
      return { preference: await emailPreferences.get(accountId, userId) };
    },
    async setEmailPreference(request) {
      const { accountId, userId } = tenantOf(request.tenant);
      if (request.enabled && !isEmailAddress(request.address)) throw new InvalidArgumentError('invalid_address', 'a valid email address is required to turn email on');
      return { preference: await emailPreferences.set(accountId, userId, { enabled: request.enabled, address: request.address, name: request.name.slice(0, 200) }) };
    },
    async listNotifications(request) {
      const { accountId, userId } = tenantOf(request.tenant);
      const page = await notifications.list(accountId, userId, request.page?.limit ?? 25, request.page?.cursor || undefined);
      return { notifications: page.items, nextCursor: page.nextCursor, unreadCount: String(page.unread) };
    },
    async markRead(request) {
      const { accountId, userId } = tenantOf(request.tenant);
      if (!request.all && request.notificationIds.length === 0) throw new InvalidArgumentError('nothing_to_mark', 'name notifications or mark all');
      if (request.notificationIds.length > 500) throw new InvalidArgumentError('too_many', 'at most 500 notifications at once');
      await notifications.markRead(accountId, userId, request.all ? 'all' : request.notificationIds);
      return { unreadCount: String(await notifications.unreadCount(accountId, userId)) };
    },
  };
}
