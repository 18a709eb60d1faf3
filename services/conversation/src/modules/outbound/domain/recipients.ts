// Who an email reply goes to. Reply-all copies everyone the customer's last email went to (its
// To and Cc) except our own addresses, +tag variants included; explicit Cc and Bcc are added; an
// address appears once, in the most visible field it was given for (To, then Cc, then Bcc).
import { InvalidArgumentError, isEmailAddress } from '@inbox/lib';

export interface Address {
  name: string;
  address: string;
}

export const MAX_RECIPIENTS = 50;

/** The address without its +tag, lower-cased: support+billing@x and Support@x are one mailbox. */
export function mailbox(address: string): string {
  const [local, domain] = address.trim().toLowerCase().split('@');
  return `${local.split('+')[0]}@${domain ?? ''}`;
}

export function parseRecipients(field: 'cc' | 'bcc', raw: string[]): Address[] {
  return raw.map((value) => {
    const address = value.trim().toLowerCase();
    if (!isEmailAddress(address)) throw new InvalidArgumentError('invalid_recipient', `${field} has an address that is not valid: ${value}`, { field });
    return { name: '', address };
  });
}

export function recipients(input: {
  to: Address;
  /** The customer's last email, when replying to all. */
  replyAllTo?: { to: Address[]; cc: Address[] };
  cc: Address[];
  bcc: Address[];
  ownAddresses: string[];
}): { to: Address; cc: Address[]; bcc: Address[] } {
  const own = new Set(input.ownAddresses.map(mailbox));
  const seen = new Set<string>([input.to.address.toLowerCase()]);
  const take = (list: Address[]) =>
    list.filter((a) => {
      const key = a.address.toLowerCase();
      if (seen.has(key) || own.has(mailbox(key))) return false;
      seen.add(key);
      return true;
    });
  const cc = take([...(input.replyAllTo ? [...input.replyAllTo.to, ...input.replyAllTo.cc] : []), ...input.cc]);
  const bcc = take(input.bcc);
  if (1 + cc.length + bcc.length > MAX_RECIPIENTS) throw new InvalidArgumentError('too_many_recipients', `an email goes to at most ${MAX_RECIPIENTS} addresses`);
  return { to: input.to, cc, bcc };
}
