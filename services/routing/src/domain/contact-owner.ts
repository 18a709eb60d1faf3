// Contact-owner routing: the contact's owner is asked first; when there is none, or they are away,
// full, deactivated or not in the inbox, the inbox's other candidates are asked in round-robin
// order, and the decision says why the owner was passed over.
import { rotation } from './rotation';

export type CandidateRole = 'contact_owner' | 'fallback';
export type FallbackReason = '' | 'no_owner' | 'owner_away' | 'owner_over_capacity' | 'owner_deactivated' | 'owner_not_inbox_member';

/** The owner first (when there is one), then everyone else of the pool in rotation after the last one assigned. */
export function ownerFirst(ownerId: string, pool: string[], lastAssigned: string | null): { userId: string; role: CandidateRole }[] {
  const others = rotation(
    pool.filter((id) => id !== ownerId),
    lastAssigned,
  ).map((userId) => ({ userId, role: 'fallback' as const }));
  return ownerId ? [{ userId: ownerId, role: 'contact_owner' }, ...others] : others;
}

/** Why a contact-owner decision did not go to the owner, from its candidates; empty when it did or the rule is another. */
export function fallbackReason(mode: string, candidates: { outcome: string; role?: string }[]): FallbackReason {
  if (mode !== 'contact_owner') return '';
  const owner = candidates.find((c) => c.role === 'contact_owner');
  if (!owner) return 'no_owner';
  switch (owner.outcome) {
    case 'away':
      return 'owner_away';
    case 'over_capacity':
      return 'owner_over_capacity';
    case 'deactivated':
      return 'owner_deactivated';
    case 'not_inbox_member':
      return 'owner_not_inbox_member';
    default:
      return '';
  }
}
