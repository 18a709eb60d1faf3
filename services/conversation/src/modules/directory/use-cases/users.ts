// Admins add, change, deactivate and remove users of their own account.
import { AlreadyExistsError, FailedPreconditionError, InvalidArgumentError, NotFoundError, PermissionDeniedError, changedFields, newId, withTransaction, type AuditTrail, type Pool, type PoolClient } from '@inbox/lib';
import { canAssignRole, isAtLeast, normaliseEmail, type Actor, type Role, type User } from '../domain/directory';
import type { DirectoryStore } from './directory-store';
import { E164 } from '../../../domain/calls';
import { isUniqueViolation, validateNewUser, type PasswordHasher } from './accounts';

/** Loads the acting user, who must exist, be active and hold at least the given role. */
export async function requireActor(directory: DirectoryStore, actor: Actor, role: Role): Promise<User> {
  const user = await directory.findUser(actor.accountId, actor.userId);
  if (!user || user.removed || user.deactivated) throw new PermissionDeniedError('actor_inactive', 'the acting user is not active');
  if (!isAtLeast(user.role, role)) throw new PermissionDeniedError('forbidden', `this needs the ${role} role`);
  return user;
}

/** Called when a user is deactivated or removed: their open conversations become unassigned. */
export interface UserOffboarding {
  releaseAssignments(accountId: string, userId: string, tx: PoolClient): Promise<void>;
}

/** An account always keeps one active super admin: the last one cannot be demoted, deactivated or removed. */
async function requireAnotherSuperadmin(tx: PoolClient, directory: DirectoryStore, accountId: string, userId: string): Promise<void> {
  if ((await directory.otherActiveSuperadmins(tx, accountId, userId)) === 0) {
    throw new FailedPreconditionError('last_superadmin', 'the account needs at least one active super admin; promote another user first');
  }
}

export class CreateUser {
  constructor(
    private readonly pool: Pool,
    private readonly directory: DirectoryStore,
    private readonly passwords: PasswordHasher,
    private readonly audit: AuditTrail,
  ) {}

  async execute(actor: Actor, input: { name: string; email: string; password: string; role: Role }): Promise<User> {
    const acting = await requireActor(this.directory, actor, 'admin');
    if (!canAssignRole(acting.role, input.role)) throw new PermissionDeniedError('forbidden', 'only a super admin can create a super admin');
    validateNewUser(input);
    const user: User = {
      id: newId('usr'),
      phoneNumber: null,
      accountId: actor.accountId,
      name: input.name.trim(),
      email: normaliseEmail(input.email),
      role: input.role,
      deactivated: false,
      removed: false,
      createdAt: new Date(),
    };
    const passwordHash = await this.passwords.hash(input.password);
    try {
      await withTransaction(this.pool, async (tx) => {
        await this.directory.insertUser(tx, user, passwordHash);
        await this.audit.record(tx, {
          accountId: actor.accountId,
          actorUserId: actor.userId,
          action: 'user.created',
          targetType: 'user',
          targetId: user.id,
          changes: changedFields({} as Partial<User>, user, ['name', 'email', 'role']),
        });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AlreadyExistsError('email_taken', 'a user with this email already exists');
      throw error;
    }
    return user;
  }
}

export class UpdateUser {
  constructor(
    private readonly pool: Pool,
    private readonly directory: DirectoryStore,
    private readonly offboarding: UserOffboarding,
    private readonly audit: AuditTrail,
  ) {}

  async execute(actor: Actor, userId: string, changes: { name?: string; role?: Role; deactivated?: boolean; phoneNumber?: string }): Promise<User> {
    // Anyone changes their own name and phone number; everything else about a user is for admins.
    const ownProfile = userId === actor.userId && changes.role === undefined && changes.deactivated === undefined;
    const acting = await requireActor(this.directory, actor, ownProfile ? 'agent' : 'admin');
    if (changes.phoneNumber && !E164.test(changes.phoneNumber)) throw new InvalidArgumentError('invalid_phone_number', 'phoneNumber must be in E.164 form, e.g. +4712345678');
    const target = await this.directory.findUser(actor.accountId, userId);
    if (!target || target.removed) throw new NotFoundError('user_not_found', 'no such user');
    if (target.role === 'superadmin' && acting.role !== 'superadmin') throw new PermissionDeniedError('forbidden', 'only a super admin can change a super admin');
    if (changes.role && !canAssignRole(acting.role, changes.role)) throw new PermissionDeniedError('forbidden', 'only a super admin can grant super admin');
    if (changes.deactivated && target.id === acting.id) throw new FailedPreconditionError('cannot_deactivate_self', 'you cannot deactivate yourself');
    return withTransaction(this.pool, async (tx) => {
      const losesSuperadmin = target.role === 'superadmin' && ((changes.role && changes.role !== 'superadmin') || changes.deactivated);
      if (losesSuperadmin) await requireAnotherSuperadmin(tx, this.directory, actor.accountId, userId);
      const updated = await this.directory.updateUser(tx, actor.accountId, userId, { ...changes, phoneNumber: changes.phoneNumber === undefined ? undefined : changes.phoneNumber || null });
      if (!updated) throw new NotFoundError('user_not_found', 'no such user');
      if (changes.deactivated && !target.deactivated) {
        await this.offboarding.releaseAssignments(actor.accountId, userId, tx);
        // Revoked now, so reactivating the user later does not revive old tokens.
        await this.directory.revokeSessions(tx, actor.accountId, userId);
      }
      const fieldChanges = changedFields(target, updated, ['name', 'phoneNumber', 'role', 'deactivated']);
      if (Object.keys(fieldChanges).length > 0) {
        await this.audit.record(tx, { accountId: actor.accountId, actorUserId: actor.userId, action: userChangeAction(fieldChanges), targetType: 'user', targetId: userId, changes: fieldChanges });
      }
      return updated;
    });
  }
}

/** One entry per change, named by what matters most in it: access first, then the role. */
function userChangeAction(changes: Record<string, unknown>): string {
  const deactivated = changes.deactivated as { after: boolean } | undefined;
  if (deactivated) return deactivated.after ? 'user.deactivated' : 'user.reactivated';
  if (changes.role) return 'user.role_changed';
  return 'user.updated';
}

export class RemoveUser {
  constructor(
    private readonly pool: Pool,
    private readonly directory: DirectoryStore,
    private readonly offboarding: UserOffboarding,
    private readonly audit: AuditTrail,
  ) {}

  async execute(actor: Actor, userId: string): Promise<void> {
    const acting = await requireActor(this.directory, actor, 'admin');
    const target = await this.directory.findUser(actor.accountId, userId);
    if (!target || target.removed) throw new NotFoundError('user_not_found', 'no such user');
    if (target.id === acting.id) throw new FailedPreconditionError('cannot_remove_self', 'you cannot remove yourself');
    if (target.role === 'superadmin' && acting.role !== 'superadmin') throw new PermissionDeniedError('forbidden', 'only a super admin can remove a super admin');
    await withTransaction(this.pool, async (tx) => {
      if (target.role === 'superadmin') await requireAnotherSuperadmin(tx, this.directory, actor.accountId, userId);
      await this.directory.updateUser(tx, actor.accountId, userId, { removed: true });
      await this.offboarding.releaseAssignments(actor.accountId, userId, tx);
      await this.directory.revokeSessions(tx, actor.accountId, userId);
      await this.audit.record(tx, {
        accountId: actor.accountId,
        actorUserId: actor.userId,
        action: 'user.removed',
        targetType: 'user',
        targetId: userId,
        detail: { name: target.name, email: target.email, role: target.role },
      });
    });
  }
}
