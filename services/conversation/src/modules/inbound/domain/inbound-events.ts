// Pure rules about inbound events as they arrive from ingest.
import type { InboundMessage } from '@inbox/lib/gen/inbox/events/v1/events';

/** PostgreSQL text cannot hold U+0000, which broken mail does contain; it is dropped from every string. */
export function withoutNulCharacters<T>(value: T): T {
  if (typeof value === 'string') return value.replace(/\u0000/g, '') as T;
  if (Array.isArray(value)) return value.map(withoutNulCharacters) as T;
  if (value && typeof value === 'object' && !(value instanceof Date) && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutNulCharacters(v)])) as T;
  }
  return value;
}

/**
 * The lock that serialises an event with others of the same sender or thread, across consumer
 * replicas: one contact's mail, one chat session, one Messenger person, one call. Every form
 * submission is a conversation of its own and needs none.
 */
export function inboundLockKey(event: InboundMessage): string | null {
  const account = event.accountId;
  if (event.email) return emailSenderLockKey(account, event.email.from?.address || event.email.envelopeFrom || '');
  if (event.chat) return `${account}:chat:${event.chat.sessionId}`;
  if (event.messenger) return `${account}:messenger:${event.messenger.pageId}:${event.messenger.senderPsid}`;
  if (event.call) return `${account}:call:${event.call.callId || event.call.callSid}`;
  return null;
}

/** The lock of one email sender: whoever changes which contact an address belongs to takes it too. */
export function emailSenderLockKey(accountId: string, address: string): string {
  return `${accountId}:${address.trim().toLowerCase()}`;
}
