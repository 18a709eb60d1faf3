// Sign-up (an account and its first super admin) and sign-in.
import { AlreadyExistsError, InvalidArgumentError, NotFoundError, PermissionDeniedError, UnauthenticatedError, changedFields, newId, withTransaction, type AuditTrail, type Pool, isEmailAddress } from '@inbox/lib';
import { normaliseEmail, type Account, type Actor, type User } from '../domain/directory';
import type { DirectoryStore } from './directory-store';
import { PASSWORD_PROBLEM_MESSAGES, passwordProblem } from '../domain/password-policy';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a null hash, after spending the same time as a real check. */
  verify(hash: string | null, password: string): Promise<boolean>;
}


export function validateNewUser(input: { name: string; email: string; password: string }): void {
  if (!input.name.trim()) throw new InvalidArgumentError('name_required', 'name is required');
  if (!isEmailAddress(input.email.trim())) throw new InvalidArgumentError('invalid_email', 'email is not a valid address');
  requireAcceptablePassword(input.password, input.email);
}

export function requireAcceptablePassword(password: string, email: string): void {
  const problem = passwordProblem(password, email);
  if (problem) throw new InvalidArgumentError('weak_password', PASSWORD_PROBLEM_MESSAGES[problem], { reason: problem });
}

export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === '23505';
}

export class CreateAccount {
  constructor(
    private readonly pool: Pool,
    private readonly directory: DirectoryStore,
    private readonly passwords: PasswordHasher,
    private readonly audit: AuditTrail,
  ) {}

  async execute(input: { accountName: string; name: string; email: string; password: string }): Promise<{ account: Account; user: User }> {
    if (!input.accountName.trim()) throw new InvalidArgumentError('account_name_required', 'accountName is required');
    validateNewUser(input);
    const now = new Date();
    const account: Account = { id: newId('acc'), name: input.accountName.trim(), createdAt: now, timeZone: 'UTC' };
    const user: User = {
      id: newId('usr'),
      phoneNumber: null,
      accountId: account.id,
      name: input.name.trim(),
      email: normaliseEmail(input.email),
      role: 'superadmin',
      deactivated: false,
      removed: false,
      createdAt: now,
    };
    const hash = await this.passwords.hash(input.password);
    try {
      await withTransaction(this.pool, async (tx) => {
        await this.directory.insertAccount(tx, account);
        await this.directory.insertUser(tx, user, hash);
        await this.audit.record(tx, { accountId: account.id, actorUserId: user.id, actorLabel: user.email, action: 'account.created', targetType: 'account', targetId: account.id, changes: { name: { before: null, after: account.name } } });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AlreadyExistsError('email_taken', 'a user with this email already exists');
      throw error;
    }
    return { account, user };
  }
}

/**
 * Every sign-in and failed sign-in of an existing user is audited in that user's account. A
 * failed sign-in with an email nobody has belongs to no account, so it is not (the gateway's
 * throttle and its logs see those).
 */
export class AuthenticateUser {
  constructor(
    private readonly directory: DirectoryStore,
    private readonly passwords: PasswordHasher,
    private readonly audit: AuditTrail,
    /** Accounts that sign in by SSO may turn passwords off. */
    private readonly sso: { passwordSignInRefused(user: Pick<User, 'accountId' | 'role'>): Promise<boolean> },
  ) {}

  async execute(input: { email: string; password: string }): Promise<User> {
    const email = normaliseEmail(input.email);
    const candidate = await this.directory.findLoginCandidate(email);
    const ok = await this.passwords.verify(candidate?.passwordHash ?? null, input.password);
    // Told only to whoever knows the password: it says nothing about who has an account.
    const ssoOnly = !!candidate && ok && !candidate.deactivated && (await this.sso.passwordSignInRefused(candidate));
    if (candidate) {
      const failure = !ok ? 'wrong_password' : candidate.deactivated ? 'deactivated' : ssoOnly ? 'password_sign_in_disabled' : null;
      await this.audit.record(this.directory.pool, {
        accountId: candidate.accountId,
        actorUserId: failure ? null : candidate.id,
        actorLabel: email,
        action: failure ? 'auth.sign_in_failed' : 'auth.signed_in',
        targetType: 'user',
        targetId: candidate.id,
        detail: failure ? { reason: failure, method: 'password' } : { method: 'password' },
      });
    }
    // A deactivated user gets the same answer as a wrong password: sign-in tells nobody who exists.
    if (!candidate || !ok || candidate.deactivated) throw new UnauthenticatedError('invalid_credentials', 'email or password is wrong');
    if (ssoOnly) throw new PermissionDeniedError('password_sign_in_disabled', 'this account signs in with single sign-on');
    const { passwordHash: _hash, ...user } = candidate;
    return user;
  }
}

const MAX_ACCOUNT_NAME = 200;

/** The account's own settings: its name and the time zone its reports count days in. */
export class AccountSettings {
  constructor(
    private readonly directory: DirectoryStore,
    private readonly requireRole: (actor: Actor, role: 'agent' | 'admin') => Promise<unknown>,
    /** Whatever is kept per local day must be counted again. */
    private readonly onTimeZoneChanged: (accountId: string) => Promise<void>,
    private readonly audit: AuditTrail,
  ) {}

  async get(actor: Actor): Promise<Account> {
    await this.requireRole(actor, 'agent');
    const account = await this.directory.findAccount(actor.accountId);
    if (!account) throw new NotFoundError('account_not_found', 'no such account');
    return account;
  }

  async update(actor: Actor, change: { name?: string; timeZone?: string }): Promise<Account> {
    await this.requireRole(actor, 'admin');
    const name = change.name?.trim();
    if (change.name !== undefined && (!name || name.length > MAX_ACCOUNT_NAME)) throw new InvalidArgumentError('account_name_required', `name has 1 to ${MAX_ACCOUNT_NAME} characters`);
    if (change.timeZone !== undefined && !isTimeZone(change.timeZone)) throw new InvalidArgumentError('invalid_time_zone', `unknown time zone ${change.timeZone}`);
    const before = await this.directory.findAccount(actor.accountId);
    if (!before) throw new NotFoundError('account_not_found', 'no such account');
    const account = await withTransaction(this.directory.pool, async (tx) => {
      const updated = await this.directory.updateAccount(actor.accountId, { name, timeZone: change.timeZone }, tx);
      if (!updated) throw new NotFoundError('account_not_found', 'no such account');
      const changes = changedFields(before, updated, ['name', 'timeZone']);
      if (Object.keys(changes).length > 0) {
        await this.audit.record(tx, { accountId: actor.accountId, actorUserId: actor.userId, action: 'account.settings_changed', targetType: 'account', targetId: actor.accountId, changes });
      }
      return updated;
    });
    if (account.timeZone !== before.timeZone) await this.onTimeZoneChanged(actor.accountId);
    return account;
  }
}

function isTimeZone(value: string): boolean {
  if (!value || value.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
