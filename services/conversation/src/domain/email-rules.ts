// Pure rules for inbound email: which mail is filtered (and why), subject normalisation for the
// conservative threading fallback, previews.

/**
 * Local parts of role-based addresses: mail from them is not a business conversation and lands
 * in Spam unless the sender is already a known contact. Documented in the README.
 */
export const ROLE_BASED_LOCAL_PARTS = new Set([
  'marketing',
  'sales',
  'noreply',
  'no-reply',
  'no_reply',
  'donotreply',
  'do-not-reply',
  'do_not_reply',
  'newsletter',
  'newsletters',
  'news',
  'notification',
  'notifications',
  'mailer-daemon',
  'postmaster',
  'bounce',
  'bounces',
  'unsubscribe',
  'promo',
  'promotions',
  'offers',
]);

export type FilterReason = 'blocked_sender' | 'auto_reply' | 'role_address';

export function isRoleBasedAddress(address: string): boolean {
  const local = address.toLowerCase().split('@')[0]?.split('+')[0] ?? '';
  return ROLE_BASED_LOCAL_PARTS.has(local);
}

/** RFC 3834 Auto-Submitted, the common X-Autoreply/X-Autorespond flags, and bulk precedence. */
export function isAutoReply(headers: Record<string, string>): boolean {
  const autoSubmitted = headers['auto-submitted']?.trim().toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return true;
  if (headers['x-autoreply'] !== undefined || headers['x-autorespond'] !== undefined) return true;
  const precedence = headers['precedence']?.trim().toLowerCase();
  return precedence === 'bulk' || precedence === 'junk' || precedence === 'auto_reply';
}

/**
 * Mail whose From is one of our own people is theirs only when its From domain authenticates
 * (DMARC, or an aligned SPF/DKIM pass); otherwise anyone could post as an agent.
 */
export function isSpoofedSender(claimsOurPerson: boolean, authentication: { aligned: boolean } | undefined): boolean {
  return claimsOurPerson && !authentication?.aligned;
}

export function filterReason(input: { blocked: boolean; headers: Record<string, string>; fromAddress: string; knownContact: boolean }): FilterReason | null {
  if (input.blocked) return 'blocked_sender';
  if (isAutoReply(input.headers)) return 'auto_reply';
  if (!input.knownContact && isRoleBasedAddress(input.fromAddress)) return 'role_address';
  return null;
}

const REPLY_PREFIX = /^\s*(?:(?:re|fw|fwd|aw|wg|sv|vs|antw|tr|rv|ref|odp|r)\s*(?:\[\d+\])?\s*:\s*)+/i;

export function hasReplyPrefix(subject: string): boolean {
  return REPLY_PREFIX.test(subject);
}

export function normaliseSubject(subject: string): string {
  return subject.replace(REPLY_PREFIX, '').replace(/\s+/g, ' ').trim().toLowerCase();
}

export function preview(text: string, length = 200): string {
  const withoutQuotes = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('>'))
    .join(' ');
  const collapsed = withoutQuotes.replace(/\s+/g, ' ').trim();
  return collapsed.length > length ? `${collapsed.slice(0, length - 1)}…` : collapsed;
}

/** A reply token in a plus-address, e.g. support-1a2b+r-Abc123@inbox.example. */
export function replyTokenFrom(address: string): string | null {
  const match = /\+r-([A-Za-z0-9_-]{8,64})@/.exec(address);
  return match ? match[1] : null;
}
