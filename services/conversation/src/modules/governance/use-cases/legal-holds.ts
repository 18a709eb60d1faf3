// Legal holds (super admins): a held conversation, or every conversation of a held contact, is
// never deleted: not forever from the trash, not by the trash purge, not by retention, and a held
// contact is not erased. Placing and releasing are audited.
import { InvalidArgumentError, NotFoundError, type AuditTrail } from '@inbox/lib';
import type { Actor } from '../../directory';
import { requireActor } from '../../directory';
import type { Transaction, UnitOfWork } from '../../../use-cases/unit-of-work';
import { isLegalHoldTarget, type LegalHold, type LegalHoldTarget } from '../domain/retention';

export interface LegalHoldStore {
  list(accountId: string): Promise<LegalHold[]>;
  targetExists(tx: Transaction, accountId: string, targetType: LegalHoldTarget, targetId: string): Promise<boolean>;
  /** The hold as stored: a repeat keeps the first one's time and author, with the new reason. */
  place(tx: Transaction, accountId: string, hold: Omit<LegalHold, 'placedAt'>): Promise<LegalHold>;
  release(tx: Transaction, accountId: string, targetType: LegalHoldTarget, targetId: string): Promise<LegalHold | null>;
}

const MAX_REASON = 500;

export class LegalHolds {
  constructor(
    private readonly directory: Parameters<typeof requireActor>[0],
    private readonly work: UnitOfWork,
    private readonly store: LegalHoldStore,
    private readonly audit: AuditTrail,
  ) {}

  async list(actor: Actor): Promise<LegalHold[]> {
    await requireActor(this.directory, actor, 'admin');
    return this.store.list(actor.accountId);
  }

  async place(actor: Actor, targetType: string, targetId: string, reason: string): Promise<LegalHold> {
    await requireActor(this.directory, actor, 'superadmin');
    const target = checkTarget(targetType);
    if (reason.length > MAX_REASON) throw new InvalidArgumentError('invalid_reason', `a reason has at most ${MAX_REASON} characters`);
    return this.work.run(async (tx) => {
      if (!(await this.store.targetExists(tx, actor.accountId, target, targetId))) throw new NotFoundError(`${target}_not_found`, `no such ${target}`);
      const hold = await this.store.place(tx, actor.accountId, { targetType: target, targetId, reason: reason.trim(), placedBy: actor.userId });
      await this.audit.record(tx, { accountId: actor.accountId, actorUserId: actor.userId, action: 'legal_hold.placed', targetType: target, targetId, detail: { reason: hold.reason } });
      return hold;
    });
  }

  async release(actor: Actor, targetType: string, targetId: string): Promise<void> {
    await requireActor(this.directory, actor, 'superadmin');
    const target = checkTarget(targetType);
    await this.work.run(async (tx) => {
      const released = await this.store.release(tx, actor.accountId, target, targetId);
      if (!released) throw new NotFoundError('legal_hold_not_found', 'there is no legal hold on it');
      await this.audit.record(tx, {
        accountId: actor.accountId,
        actorUserId: actor.userId,
        action: 'legal_hold.released',
        targetType: target,
        targetId,
        detail: { reason: released.reason, placedBy: released.placedBy, placedAt: released.placedAt },
      });
    });
  }
}

function checkTarget(targetType: string): LegalHoldTarget {
  if (!isLegalHoldTarget(targetType)) throw new InvalidArgumentError('invalid_hold_target', 'a legal hold is on a conversation or a contact');
  return targetType;
}
