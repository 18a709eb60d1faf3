// Single sign-on with OpenID Connect. Super admins connect the account to their identity
// provider; the gateway runs the protocol (PKCE, state, nonce, the ID token's signature) and hands
// over the verified identity, which is matched to a user of the account by verified email, or
// becomes a new user with the default role when the account allows it. Every sign-in and refusal
// is audited; the client secret never is.
import { FailedPreconditionError, InvalidArgumentError, NotFoundError, PermissionDeniedError, changedFields, newId, withTransaction, type AuditTrail } from '@inbox/lib';
import { normaliseEmail, type Actor, type Role, type User } from '../domain/directory';
import type { DirectoryStore, Queryable } from './directory-store';
import { requireActor } from './users';

export interface SsoSettings {
  enabled: boolean;
  issuer: string;
  clientId: string;
  hasClientSecret: boolean;
  emailDomains: string[];
  allowSignUp: boolean;
  defaultRole: Exclude<Role, 'superadmin'>;
  passwordSignInDisabled: boolean;
}

export interface SsoStore {
  settings(accountId: string, db?: Queryable): Promise<(SsoSettings & { clientSecret: string | null }) | null>;
  /** clientSecret undefined keeps the stored one. */
  save(db: Queryable, accountId: string, settings: Omit<SsoSettings, 'hasClientSecret'>, clientSecret: string | undefined): Promise<void>;
  /** The account whose enabled provider takes sign-ups from this email domain. */
  accountForDomain(domain: string): Promise<string | null>;
}

/** A user who signs in by SSO only has no password here: this hash matches none. */
export const NO_PASSWORD = '!sso';

const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const NONE: SsoSettings = { enabled: false, issuer: '', clientId: '', hasClientSecret: false, emailDomains: [], allowSignUp: false, defaultRole: 'agent', passwordSignInDisabled: false };

export class SingleSignOn {
  constructor(
    private readonly directory: DirectoryStore,
    private readonly store: SsoStore,
    private readonly audit: AuditTrail,
  ) {}

  async get(actor: Actor): Promise<SsoSettings> {
    await requireActor(this.directory, actor, 'admin');
    const { clientSecret: _secret, ...settings } = (await this.store.settings(actor.accountId)) ?? { ...NONE, clientSecret: null };
    return settings;
  }

  async set(actor: Actor, input: Omit<SsoSettings, 'hasClientSecret'>, clientSecret: string): Promise<SsoSettings> {
    await requireActor(this.directory, actor, 'superadmin');
    const settings = validate(input);
    if (clientSecret.length > 500) throw new InvalidArgumentError('invalid_client_secret', 'the client secret has at most 500 characters');
    return withTransaction(this.directory.pool, async (tx) => {
      const before = (await this.store.settings(actor.accountId, tx)) ?? { ...NONE, clientSecret: null };
      if (settings.enabled && !clientSecret && !before.clientSecret) throw new InvalidArgumentError('client_secret_required', 'the client secret is required to turn single sign-on on');
      await this.store.save(tx, actor.accountId, settings, clientSecret || undefined);
      const after = (await this.store.settings(actor.accountId, tx))!;
      const fields: (keyof SsoSettings)[] = ['enabled', 'issuer', 'clientId', 'emailDomains', 'allowSignUp', 'defaultRole', 'passwordSignInDisabled'];
      await this.audit.record(tx, {
        accountId: actor.accountId,
        actorUserId: actor.userId,
        action: 'sso.settings_changed',
        targetType: 'account',
        targetId: actor.accountId,
        changes: changedFields(before, after, fields),
        detail: clientSecret ? { clientSecretChanged: true } : {},
      });
      const { clientSecret: _secret, ...shown } = after;
      return shown;
    });
  }

  /** The provider for this email: its user's account's, else the account that takes its domain. */
  async resolve(email: string): Promise<{ accountId: string; issuer: string; clientId: string; clientSecret: string }> {
    const address = normaliseEmail(email);
    const user = await this.directory.findLoginCandidate(address);
    const accountId = user ? user.accountId : await this.store.accountForDomain(address.split('@')[1] ?? '');
    const settings = accountId ? await this.store.settings(accountId) : null;
    if (!accountId || !settings?.enabled || !settings.clientSecret) throw new NotFoundError('sso_not_configured', 'single sign-on is not set up for this email');
    return { accountId, issuer: settings.issuer, clientId: settings.clientId, clientSecret: settings.clientSecret };
  }

  async complete(identity: { accountId: string; email: string; emailVerified: boolean; name: string; subject: string; issuer: string }): Promise<User> {
    const email = normaliseEmail(identity.email);
    const settings = await this.store.settings(identity.accountId);
    if (!settings?.enabled || settings.issuer !== identity.issuer) throw new PermissionDeniedError('sso_not_configured', 'single sign-on is not set up for this account');
    const refuse = async (reason: string, targetId: string, error: Error): Promise<never> => {
      await this.audit.record(this.directory.pool, {
        accountId: identity.accountId,
        actorUserId: null,
        actorLabel: email,
        action: 'auth.sign_in_failed',
        targetType: 'user',
        targetId,
        detail: { reason, method: 'sso', issuer: identity.issuer, subject: identity.subject },
      });
      throw error;
    };
    if (!identity.emailVerified) return refuse('email_unverified', '', new PermissionDeniedError('sso_email_unverified', 'the identity provider has not verified this email address'));
    const existing = await this.directory.findLoginCandidate(email);
    if (existing && existing.accountId !== identity.accountId) return refuse('other_account', '', new PermissionDeniedError('sso_account_mismatch', 'this email belongs to a user of another account'));
    if (existing?.deactivated) return refuse('deactivated', existing.id, new PermissionDeniedError('user_inactive', 'this user is deactivated'));
    return withTransaction(this.directory.pool, async (tx) => {
      let user: User;
      if (existing) {
        const { passwordHash: _hash, ...found } = existing;
        user = found;
      } else {
        const domain = email.split('@')[1] ?? '';
        if (!settings.allowSignUp || (settings.emailDomains.length > 0 && !settings.emailDomains.includes(domain))) {
          throw new FailedPreconditionError('sso_sign_up_disabled', 'there is no user with this email, and single sign-on does not create users here');
        }
        user = { id: newId('usr'), accountId: identity.accountId, name: identity.name.trim().slice(0, 200) || email.split('@')[0], email, role: settings.defaultRole, phoneNumber: null, deactivated: false, removed: false, createdAt: new Date() };
        await this.directory.insertUser(tx, user, NO_PASSWORD);
        await this.audit.record(tx, {
          accountId: identity.accountId,
          actorUserId: null,
          actorLabel: 'sso',
          action: 'user.created',
          targetType: 'user',
          targetId: user.id,
          changes: changedFields({} as Partial<User>, user, ['name', 'email', 'role']),
          detail: { method: 'sso', issuer: identity.issuer },
        });
      }
      await this.audit.record(tx, {
        accountId: identity.accountId,
        actorUserId: user.id,
        actorLabel: email,
        action: 'auth.signed_in',
        targetType: 'user',
        targetId: user.id,
        detail: { method: 'sso', issuer: identity.issuer, subject: identity.subject },
      });
      return user;
    }).catch(async (error: unknown) => {
      if (error instanceof FailedPreconditionError && error.code === 'sso_sign_up_disabled') return refuse('no_user', '', error);
      throw error;
    });
  }

  /** Whether this user must sign in by SSO (super admins never must: their password is the way back in). */
  async passwordSignInRefused(user: Pick<User, 'accountId' | 'role'>): Promise<boolean> {
    if (user.role === 'superadmin') return false;
    const settings = await this.store.settings(user.accountId);
    return !!settings?.enabled && settings.passwordSignInDisabled;
  }
}

function validate(input: Omit<SsoSettings, 'hasClientSecret'>): Omit<SsoSettings, 'hasClientSecret'> {
  let issuer: URL;
  try {
    issuer = new URL(input.issuer);
  } catch {
    throw new InvalidArgumentError('invalid_issuer', 'the issuer is the identity provider URL, e.g. https://login.example.com/realms/acme');
  }
  if (issuer.protocol !== 'https:' && issuer.protocol !== 'http:') throw new InvalidArgumentError('invalid_issuer', 'the issuer is an https URL');
  const clientId = input.clientId.trim();
  if (!clientId || clientId.length > 300) throw new InvalidArgumentError('invalid_client_id', 'the client id has 1 to 300 characters');
  const emailDomains = [...new Set(input.emailDomains.map((d) => d.trim().toLowerCase()).filter(Boolean))];
  const bad = emailDomains.find((d) => !DOMAIN.test(d));
  if (bad) throw new InvalidArgumentError('invalid_email_domain', `${bad} is not a domain`);
  if (emailDomains.length > 50) throw new InvalidArgumentError('invalid_email_domain', 'at most 50 domains');
  if (input.defaultRole !== 'agent' && input.defaultRole !== 'admin') throw new InvalidArgumentError('invalid_role', 'users created by SSO are agents or admins');
  return { ...input, issuer: input.issuer.replace(/\/$/, ''), clientId, emailDomains };
}
