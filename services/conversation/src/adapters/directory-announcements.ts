// Every change to an account's users, inboxes, memberships or teams is announced once it is
// committed, so routing's copy of the directory is dropped and open inboxes refresh their teams
// and members (see DirectoryChanged in @inbox/lib).
import type { DirectoryChanged, DirectoryPart, UnaryHandlers } from '@inbox/lib';
import type { DirectoryServiceService } from '@inbox/lib/gen/inbox/conversation/v1/directory';

type Handlers = UnaryHandlers<typeof DirectoryServiceService>;

const CHANGES: Partial<Record<keyof Handlers, DirectoryPart>> = {
  createUser: 'users',
  updateUser: 'users',
  removeUser: 'users',
  createInbox: 'inboxes',
  updateInbox: 'inboxes',
  deleteInbox: 'inboxes',
  addInboxMember: 'inboxes',
  removeInboxMember: 'inboxes',
  createTeam: 'teams',
  updateTeam: 'teams',
  deleteTeam: 'teams',
};

export function announcingDirectoryChanges(handlers: Handlers, announce: (change: DirectoryChanged) => void): Handlers {
  const wrapped = { ...handlers } as Record<string, (request: { tenant?: { accountId: string } }, ...rest: unknown[]) => Promise<unknown>>;
  for (const [name, part] of Object.entries(CHANGES) as [string, DirectoryPart][]) {
    const handler = wrapped[name];
    wrapped[name] = async (request, ...rest) => {
      const response = await handler(request, ...rest);
      if (request.tenant?.accountId) announce({ accountId: request.tenant.accountId, part });
      return response;
    };
  }
  return wrapped as unknown as Handlers;
}
