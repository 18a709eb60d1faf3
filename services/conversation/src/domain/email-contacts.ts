// Which contact an email address is (a port; the records module implements it): one of a
// contact's further addresses names that contact, otherwise the contact whose primary address it
// is. Every path that turns an address into a contact (inbound mail, a chat visitor's email, a new
// outbound email) asks here, so an address merged or added to a contact never becomes a new one.
import type { PoolClient } from '@inbox/lib';

export interface EmailContacts {
  /** The address's contact, created (with this name) when there is none; a nameless one takes the name. */
  upsert(tx: PoolClient, accountId: string, email: string, name?: string): Promise<{ id: string; name: string; inserted: boolean }>;
  /** The contact the address names, if any. */
  byEmail(tx: PoolClient, accountId: string, email: string): Promise<string | null>;
  /** The contact a phone number calls as, if any: the one first called from it, else one with the number among its phones. */
  byPhone(tx: PoolClient, accountId: string, phone: string): Promise<string | null>;
}
