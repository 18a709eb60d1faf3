// What the directory's use cases, and other modules' use cases, need of its storage. The
// PostgreSQL adapter implements it; methods that take a Queryable join the caller's transaction.
import type { Pool, PoolClient } from '@inbox/lib';
import type { Account, Channel, ChannelType, Inbox, Role, User } from '../domain/directory';

export type Queryable = Pool | PoolClient;

export interface DirectoryStore {
  /** For a use case's own transaction (withTransaction) around several writes. */
  readonly pool: Pool;
  insertAccount(db: Queryable, account: Account): Promise<void>;
  findAccount(accountId: string): Promise<Account | null>;
  updateAccount(accountId: string, change: { name?: string; timeZone?: string }, db?: Queryable): Promise<Account | null>;
  insertUser(db: Queryable, user: User, passwordHash: string): Promise<void>;
  findLoginCandidate(email: string): Promise<(User & { passwordHash: string }) | null>;
  findUser(accountId: string, userId: string, db?: Queryable): Promise<User | null>;
  listUsers(accountId: string): Promise<User[]>;
  updateUser(db: Queryable, accountId: string, userId: string, changes: { name?: string; role?: Role; deactivated?: boolean; removed?: boolean; phoneNumber?: string | null }): Promise<User | null>;
  insertSession(db: Queryable, session: { id: string; accountId: string; userId: string; expiresAt: Date; ip: string; userAgent: string }): Promise<void>;
  /** The user of a live session, when that user is still active. */
  findSessionUser(accountId: string, sessionId: string): Promise<User | null>;
  /** Moves a live session's expiry; null when the session has ended (or its user is no longer active). */
  extendSession(db: Queryable, accountId: string, userId: string, sessionId: string, expiresAt: Date): Promise<Date | null>;
  /** Revokes a user's live sessions: all of them, all but one, or only one. */
  revokeSessions(db: Queryable, accountId: string, userId: string, which?: { only?: string; except?: string }): Promise<void>;
  passwordHash(accountId: string, userId: string): Promise<string | null>;
  setPasswordHash(db: Queryable, accountId: string, userId: string, hash: string): Promise<void>;
  /** Active super admins of the account other than this user, locked so two demotions cannot both pass. */
  otherActiveSuperadmins(db: Queryable, accountId: string, userId: string): Promise<number>;
  /** Whether the user may work in the inbox (canSeeInbox with the user's membership of it). */
  canSeeInboxOf(db: Queryable, user: User, inboxId: string): Promise<boolean>;
  insertInbox(db: Queryable, inbox: Inbox): Promise<void>;
  listInboxes(accountId: string, inboxId?: string): Promise<Inbox[]>;
  renameInbox(accountId: string, inboxId: string, name: string, db?: Queryable): Promise<boolean>;
  /** Locks the inbox for the rest of the transaction; false when the account has no such inbox. */
  lockInbox(db: Queryable, accountId: string, inboxId: string): Promise<boolean>;
  /** Its channels, memberships and custom views go with it (the caller moved its conversations first). */
  deleteInbox(db: Queryable, accountId: string, inboxId: string): Promise<void>;
  removeMember(db: Queryable, accountId: string, inboxId: string, userId: string): Promise<boolean>;
  updateChannel(accountId: string, channelId: string, changes: { name: string; settings: Channel['settings']; secret?: string; sendToken?: string }, db?: Queryable): Promise<void>;
  /** Its conversations stay (they no longer name a channel); its bot goes with it. */
  deleteChannel(accountId: string, channelId: string, db?: Queryable): Promise<boolean>;
  addMember(accountId: string, inboxId: string, userId: string, db?: Queryable): Promise<void>;
  /** Inserts the channel; returns false when its lookup key (or, for email, its address key) is already taken. */
  insertChannel(channel: Channel, secret: string | null, sendToken: string | null, ownership?: { addressKey: string; verificationCodeHash: string | null }, db?: Queryable): Promise<boolean>;
  findChannel(accountId: string, channelId: string): Promise<Channel | null>;
  /** Checks a verification code in one statement: verifies on a match, counts a miss, refuses once attempts run out. */
  tryVerificationCode(accountId: string, channelId: string, codeHash: string, maxAttempts: number): Promise<'verified' | 'wrong' | 'exhausted'>;
  listChannels(accountId: string, inboxId: string): Promise<Channel[]>;
  /** For the channel edge only: the channel with its webhook secret. */
  resolveChannel(type: ChannelType, by: { lookupKey?: string; verifyToken?: string; channelId?: string }): Promise<(Channel & { secret: string }) | null>;
  channelSecrets(type: ChannelType): Promise<string[]>;
}
