// Who sees which inbox: admins and super admins see every inbox of their account, agents only
// the inboxes they are members of. The one rule every read and write path asks.
import { isAtLeast, type Role } from './directory';

export interface Viewer {
  role: Role;
  memberInboxIds: ReadonlySet<string>;
}

export function canSeeInbox(viewer: Viewer, inboxId: string): boolean {
  return isAtLeast(viewer.role, 'admin') || viewer.memberInboxIds.has(inboxId);
}

export function seesEveryInbox(viewer: Viewer): boolean {
  return isAtLeast(viewer.role, 'admin');
}
