// Who could answer a chat now: the inbox's members who are active users and not away.
export interface MemberFacts {
  deactivated: boolean;
  removed: boolean;
}

export function countAvailable(memberIds: string[], userOf: (id: string) => MemberFacts | undefined, statusOf: (id: string) => 'available' | 'away'): { available: number; members: number } {
  const active = memberIds.filter((id) => {
    const user = userOf(id);
    return !!user && !user.deactivated && !user.removed;
  });
  return { members: active.length, available: active.filter((id) => statusOf(id) === 'available').length };
}
