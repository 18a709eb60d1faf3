/** Round robin: the candidates in a stable order, starting after the one assigned last. */
export function rotation(candidates: string[], lastAssigned: string | null): string[] {
  const ordered = [...new Set(candidates)].sort();
  if (!lastAssigned) return ordered;
  const after = ordered.findIndex((id) => id > lastAssigned);
  return after <= 0 ? ordered : [...ordered.slice(after), ...ordered.slice(0, after)];
}

/** Chat and Messenger share the chat capacity; email, forms and calls the email capacity. */
export function capacityFor(rule: { chatCapacity: number; emailCapacity: number }, channel: string): number {
  return channel === 'chat' || channel === 'messenger' ? rule.chatCapacity : rule.emailCapacity;
}
