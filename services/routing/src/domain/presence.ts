// Who could answer a chat now: the active users who see the inbox (its members, and the
// account's admins, who see every inbox) and are not away.
export interface MemberFacts {
  deactivated: boolean;
  removed: boolean;
  /** Admins and super admins see every inbox, members or not. */
  seesEveryInbox: boolean;
  /** E.164; where an inbound call rings them (empty: it does not). */
  phoneNumber?: string;
}

export function countAvailable(
  memberIds: string[],
  users: Map<string, MemberFacts>,
  statusOf: (id: string) => 'available' | 'away',
): { available: number; members: number } {
  const eligible = [...users].filter(([id, user]) => seesInbox(memberIds, id, user)).map(([id]) => id);
  return { members: eligible.length, available: eligible.filter((id) => statusOf(id) === 'available').length };
}

const seesInbox = (memberIds: string[], id: string, user: MemberFacts) => !user.deactivated && !user.removed && (memberIds.includes(id) || user.seesEveryInbox);

/**
 * Whom an inbound call rings, in order: the available people who see the inbox and gave a phone
 * number, in the inbox's round-robin order (starting after the one assigned last), so calls spread
 * like conversations do.
 */
export function ringTargets(
  memberIds: string[],
  users: Map<string, MemberFacts>,
  statusOf: (id: string) => 'available' | 'away',
  order: (ids: string[]) => string[],
): { userId: string; phoneNumber: string }[] {
  const reachable = [...users].filter(([id, user]) => seesInbox(memberIds, id, user) && statusOf(id) === 'available' && user.phoneNumber).map(([id]) => id);
  return order(reachable).map((userId) => ({ userId, phoneNumber: users.get(userId)!.phoneNumber! }));
}
