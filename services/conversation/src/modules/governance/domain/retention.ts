// Retention rules: how many days a closed conversation of an inbox is kept, from the account's
// setting and the inbox's own.

export const MAX_RETENTION_DAYS = 36_500;

export type InboxRetentionMode = 'account' | 'keep' | 'days';

export interface InboxRetention {
  inboxId: string;
  mode: InboxRetentionMode;
  /** Only with mode "days". */
  days: number | null;
}

export interface RetentionPolicy {
  /** null: closed conversations are kept forever (unless an inbox says otherwise). */
  accountDays: number | null;
  /** Inboxes that do not follow the account. */
  inboxes: InboxRetention[];
}

export type LegalHoldTarget = 'conversation' | 'contact';

export interface LegalHold {
  targetType: LegalHoldTarget;
  targetId: string;
  reason: string;
  placedBy: string;
  placedAt: Date;
}

export function isRetentionDays(days: unknown): days is number {
  return typeof days === 'number' && Number.isInteger(days) && days >= 1 && days <= MAX_RETENTION_DAYS;
}

export function isLegalHoldTarget(value: string): value is LegalHoldTarget {
  return value === 'conversation' || value === 'contact';
}

/** The days an inbox keeps closed conversations; null: forever. */
export function effectiveRetentionDays(policy: RetentionPolicy, inboxId: string): number | null {
  const own = policy.inboxes.find((i) => i.inboxId === inboxId);
  if (!own || own.mode === 'account') return policy.accountDays;
  return own.mode === 'keep' ? null : own.days;
}
