// Retention: super admins set how long closed conversations are kept, see what applying it now
// would delete (the dry run), and apply it; a scheduled run applies every account's policy.
// Conversations under a legal hold are never deleted. Each deletion is audited.
import { FailedPreconditionError, InvalidArgumentError, NotFoundError, changedFields, type AuditTrail, type Logger } from '@inbox/lib';
import type { Actor } from '../../directory';
import { requireActor } from '../../directory';
import type { ConversationDeletion } from '../../conversations';
import type { Transaction, UnitOfWork } from '../../../use-cases/unit-of-work';
import { isRetentionDays, type InboxRetention, type RetentionPolicy } from '../domain/retention';

export interface RetentionCount {
  inboxId: string;
  days: number;
  conversations: number;
}

export interface RetentionStore {
  policy(accountId: string, db?: Transaction): Promise<RetentionPolicy>;
  /** Replaces the account's days and every inbox's own setting; false when an inbox is not the account's. */
  savePolicy(tx: Transaction, accountId: string, policy: RetentionPolicy): Promise<boolean>;
  /** What is due at `now`, per inbox, and how many more a legal hold keeps. */
  countDue(accountId: string, now: Date): Promise<{ inboxes: RetentionCount[]; held: number }>;
  /** Locks up to `limit` due conversations (skipping those another run holds). */
  claimDue(tx: Transaction, accountId: string, now: Date, limit: number): Promise<string[]>;
  /** Accounts with any retention set. */
  accountsWithRetention(): Promise<string[]>;
}

const BATCH = 100;

export class Retention {
  constructor(
    private readonly directory: Parameters<typeof requireActor>[0],
    private readonly work: UnitOfWork,
    private readonly store: RetentionStore,
    private readonly deletion: ConversationDeletion,
    private readonly audit: AuditTrail,
    private readonly logger: Logger,
  ) {}

  async policy(actor: Actor): Promise<RetentionPolicy> {
    await requireActor(this.directory, actor, 'admin');
    return this.store.policy(actor.accountId);
  }

  async setPolicy(actor: Actor, input: RetentionPolicy): Promise<RetentionPolicy> {
    await requireActor(this.directory, actor, 'superadmin');
    const policy = validatePolicy(input);
    return this.work.run(async (tx) => {
      const before = await this.store.policy(actor.accountId, tx);
      if (!(await this.store.savePolicy(tx, actor.accountId, policy))) throw new NotFoundError('inbox_not_found', 'no such inbox in this account');
      const saved = await this.store.policy(actor.accountId, tx);
      const changes = changedFields(before, saved, ['accountDays', 'inboxes']);
      if (Object.keys(changes).length > 0) {
        await this.audit.record(tx, { accountId: actor.accountId, actorUserId: actor.userId, action: 'retention.policy_changed', targetType: 'account', targetId: actor.accountId, changes });
      }
      return saved;
    });
  }

  async preview(actor: Actor, now = new Date()): Promise<{ total: number; inboxes: RetentionCount[]; held: number; asOf: Date }> {
    await requireActor(this.directory, actor, 'admin');
    const { inboxes, held } = await this.store.countDue(actor.accountId, now);
    return { total: inboxes.reduce((sum, i) => sum + i.conversations, 0), inboxes, held, asOf: now };
  }

  /** Deletes exactly what a preview now counts, or nothing when that is not `expected`. */
  async apply(actor: Actor, expected: number, now = new Date()): Promise<number> {
    await requireActor(this.directory, actor, 'superadmin');
    const { total } = await this.preview(actor, now);
    if (total !== expected) {
      throw new FailedPreconditionError('retention_count_changed', `${total} conversations are due now, not ${expected}; preview again`, { due: total });
    }
    // Never more than counted: one that fell due since the count waits for the next run.
    return this.deleteDue(actor.accountId, now, actor.userId, expected);
  }

  /** The scheduled run: every account's due conversations, as the system. */
  async run(now = new Date()): Promise<number> {
    let deleted = 0;
    for (const accountId of await this.store.accountsWithRetention()) deleted += await this.deleteDue(accountId, now, null);
    if (deleted > 0) this.logger.info({ deleted }, 'deleted closed conversations past their retention');
    return deleted;
  }

  private async deleteDue(accountId: string, now: Date, userId: string | null, max = Infinity): Promise<number> {
    let deleted = 0;
    for (;;) {
      const keys: string[] = [];
      const batch = Math.min(BATCH, max - deleted);
      if (batch <= 0) return deleted;
      const count = await this.work.run(async (tx) => {
        const due = await this.store.claimDue(tx, accountId, now, batch);
        for (const id of due) keys.push(...(await this.deleteOne(tx, accountId, id, userId)));
        return due.length;
      });
      deleted += count;
      if (count > 0) this.deletion.committed();
      await this.deletion.removeUnusedBlobs(keys);
      if (count < batch) return deleted;
    }
  }

  private async deleteOne(tx: Transaction, accountId: string, conversationId: string, userId: string | null): Promise<string[]> {
    const conversation = await this.work.lockConversation(tx, accountId, conversationId);
    return this.deletion.deleteInTransaction(tx, conversation, { userId, action: 'conversation.retention_deleted' });
  }
}

function validatePolicy(input: RetentionPolicy): RetentionPolicy {
  if (input.accountDays !== null && !isRetentionDays(input.accountDays)) throw new InvalidArgumentError('invalid_retention_days', 'days are a whole number from 1 to 36500, or none');
  const seen = new Set<string>();
  const inboxes: InboxRetention[] = [];
  for (const inbox of input.inboxes) {
    if (seen.has(inbox.inboxId)) throw new InvalidArgumentError('duplicate_inbox', `inbox ${inbox.inboxId} is listed twice`);
    seen.add(inbox.inboxId);
    if (inbox.mode === 'days' && !isRetentionDays(inbox.days)) throw new InvalidArgumentError('invalid_retention_days', 'days are a whole number from 1 to 36500');
    if (inbox.mode !== 'days' && inbox.mode !== 'keep' && inbox.mode !== 'account') throw new InvalidArgumentError('invalid_retention_mode', 'an inbox follows the account, keeps forever, or has its own days');
    if (inbox.mode !== 'account') inboxes.push({ inboxId: inbox.inboxId, mode: inbox.mode, days: inbox.mode === 'days' ? inbox.days : null });
  }
  return { accountDays: input.accountDays, inboxes };
}
