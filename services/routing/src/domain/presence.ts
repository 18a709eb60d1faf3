// Who could answer a chat now: the active users who see the inbox (its members, and the
// account's admins, who see every inbox) and are not away.
export interface MemberFacts {
  deactivated: boolean;
  removed: boolean;
  /** Admins and super admins see every inbox, members or not. */
  seesEveryInbox: boolean;
}

export function countAvailable(
  memberIds: string[],
  users: Map<string, MemberFacts>,
  statusOf: (id: string) => 'available' | 'away',
): { available: number; members: number } {
  const members = new Set(memberIds);
  const eligible = [...users].filter(([id, user]) => !user.deactivated && !user.removed && (members.has(id) || user.seesEveryInbox)).map(([id]) => id);
  return { members: eligible.length, available: eligible.filter((id) => statusOf(id) === 'available').length };
}
