// Accounts, users, inboxes and channels as the domain sees them, with the role rules.
import type { WorkingHours } from '@inbox/lib';

export type Role = 'agent' | 'admin' | 'superadmin';
export type ChannelType = 'email' | 'chat' | 'messenger' | 'form' | 'phone';
/** How an inbound call rings the available agents: one after another, or all at once. */
export type RingStrategy = 'sequential' | 'simultaneous';

export interface Account {
  id: string;
  name: string;
  createdAt: Date;
  /** IANA; reports count days in it. */
  timeZone: string;
}

export interface User {
  id: string;
  accountId: string;
  name: string;
  email: string;
  role: Role;
  deactivated: boolean;
  removed: boolean;
  createdAt: Date;
  /** E.164; inbound calls ring them here. */
  phoneNumber: string | null;
}

export interface Inbox {
  id: string;
  accountId: string;
  name: string;
  createdAt: Date;
  memberIds: string[];
  /** The satisfaction survey it sends on close (absent on an inbox just made: off, 30 days, CSAT). */
  survey?: { onClose: boolean; everyDays: number; question: 'csat' | 'nps' };
}

export interface FormField {
  name: string;
  required: boolean;
}

export interface Channel {
  id: string;
  accountId: string;
  inboxId: string;
  type: ChannelType;
  name: string;
  lookupKey: string;
  settings: {
    fields?: FormField[];
    verifyToken?: string;
    mailDomain?: string;
    providerAccountSid?: string;
    businessHours?: WorkingHours;
    preChatEmail?: 'off' | 'optional' | 'required';
    honeypotField?: string;
    createTicket?: boolean;
    signature?: string;
    ringStrategy?: RingStrategy;
    ringSeconds?: number;
  };
  createdAt: Date;
  /** Email: whether the account proved it controls the address (always true on the installation's domain). */
  verified: boolean;
}

/** How long each ring of an agent's phone lasts, unless the phone channel says otherwise. */
export const DEFAULT_RING_SECONDS = 20;
/** A reply's signature is plain text of at most this many characters. */
export const MAX_SIGNATURE_LENGTH = 2000;

/** Who is acting: the tenant every command is scoped to. */
export interface Actor {
  accountId: string;
  userId: string;
}

const RANK: Record<Role, number> = { agent: 0, admin: 1, superadmin: 2 };

export function isAtLeast(role: Role, required: Role): boolean {
  return RANK[role] >= RANK[required];
}

/** An admin manages agents and admins; only a super admin grants or changes super admin. */
export function canAssignRole(actorRole: Role, targetRole: Role): boolean {
  return isAtLeast(actorRole, 'admin') && (targetRole !== 'superadmin' || actorRole === 'superadmin');
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The form of an address that uniqueness is judged by: lower case, without a +tag. */
export function emailAddressKey(address: string): string {
  const lower = address.trim().toLowerCase();
  const at = lower.lastIndexOf('@');
  if (at < 0) return lower;
  return `${lower.slice(0, at).split('+')[0]}${lower.slice(at)}`;
}

export function emailDomainOf(address: string): string {
  return address.trim().toLowerCase().split('@').pop() ?? '';
}
