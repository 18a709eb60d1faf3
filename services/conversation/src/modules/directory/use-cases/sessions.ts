// Sessions behind bearer tokens: one per sign-in, checked on every request, revoked by logout,
// password change, deactivation and removal so a token stops working at once.
import { randomBytes } from 'node:crypto';
import { NotFoundError, UnauthenticatedError, withTransaction, type AuditTrail, type Pool } from '@inbox/lib';
import type { Actor, User } from '../domain/directory';
import type { DirectoryStore } from './directory-store';
import { requireAcceptablePassword, type PasswordHasher } from './accounts';

const MAX_TTL_SECONDS = 30 * 24 * 60 * 60;

export class Sessions {
  constructor(
    private readonly pool: Pool,
    private readonly directory: DirectoryStore,
    private readonly passwords: PasswordHasher,
    private readonly audit: AuditTrail,
  ) {}

  async create(actor: Actor, input: { ttlSeconds: number; ip: string; userAgent: string }): Promise<{ sessionId: string; expiresAt: Date }> {
    const user = await this.directory.findUser(actor.accountId, actor.userId);
    if (!user || user.removed || user.deactivated) throw new UnauthenticatedError('user_inactive', 'this user is deactivated or removed');
    const ttl = Math.min(Math.max(Math.trunc(input.ttlSeconds) || 0, 60), MAX_TTL_SECONDS);
    const sessionId = `ses_${randomBytes(18).toString('base64url')}`;
    const expiresAt = new Date(Date.now() + ttl * 1000);
    await this.directory.insertSession(this.pool, { id: sessionId, accountId: actor.accountId, userId: actor.userId, expiresAt, ip: input.ip.slice(0, 64), userAgent: input.userAgent.slice(0, 300) });
    return { sessionId, expiresAt };
  }

  /** The active user behind a live session, or NOT_FOUND. */
  async resolve(accountId: string, sessionId: string): Promise<User> {
    const user = sessionId ? await this.directory.findSessionUser(accountId, sessionId) : null;
    if (!user) throw new NotFoundError('session_not_found', 'the session is unknown, expired or revoked');
    return user;
  }

  /** A live session goes on for ttlSeconds from now; an ended one stays ended. */
  async renew(actor: Actor, sessionId: string, ttlSeconds: number): Promise<Date> {
    const ttl = Math.min(Math.max(Math.trunc(ttlSeconds) || 0, 60), MAX_TTL_SECONDS);
    const expiresAt = await this.directory.extendSession(this.pool, actor.accountId, actor.userId, sessionId, new Date(Date.now() + ttl * 1000));
    if (!expiresAt) throw new NotFoundError('session_not_found', 'the session is unknown, expired or revoked');
    return expiresAt;
  }

  async revoke(actor: Actor, sessionId: string): Promise<void> {
    await this.directory.revokeSessions(this.pool, actor.accountId, actor.userId, { only: sessionId });
  }

  async changePassword(actor: Actor, input: { sessionId: string; currentPassword: string; newPassword: string }): Promise<void> {
    const user = await this.directory.findUser(actor.accountId, actor.userId);
    if (!user || user.removed || user.deactivated) throw new UnauthenticatedError('user_inactive', 'this user is deactivated or removed');
    const hash = await this.directory.passwordHash(actor.accountId, actor.userId);
    if (!(await this.passwords.verify(hash, input.currentPassword))) throw new UnauthenticatedError('invalid_credentials', 'the current password is wrong');
    requireAcceptablePassword(input.newPassword, user.email);
    const newHash = await this.passwords.hash(input.newPassword);
    await withTransaction(this.pool, async (tx) => {
      await this.directory.setPasswordHash(tx, actor.accountId, actor.userId, newHash);
      await this.directory.revokeSessions(tx, actor.accountId, actor.userId, { except: input.sessionId });
      await this.audit.record(tx, { accountId: actor.accountId, actorUserId: actor.userId, action: 'user.password_changed', targetType: 'user', targetId: actor.userId });
    });
  }
}
