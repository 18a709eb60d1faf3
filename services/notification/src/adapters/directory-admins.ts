// The admins of an account, from the conversation service's directory.
import type { ServiceClient } from '@inbox/lib';
import { Role } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import type { DirectoryServiceService } from '@inbox/lib/gen/inbox/conversation/v1/directory';
import type { AccountAdmins } from '../use-cases/notice-webhook-paused';

export class DirectoryAdmins implements AccountAdmins {
  constructor(private readonly directory: ServiceClient<typeof DirectoryServiceService>) {}

  async of(accountId: string): Promise<string[]> {
    const { users } = await this.directory.call.listUsers({ tenant: { accountId, userId: 'svc_notification' } });
    return users.filter((u) => !u.deactivated && !u.removed && (u.role === Role.ROLE_ADMIN || u.role === Role.ROLE_SUPERADMIN)).map((u) => u.id);
  }
}
