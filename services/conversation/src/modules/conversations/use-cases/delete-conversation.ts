// Delete forever (only from the trash) and the automatic purge of the trash after 30 days: the
// conversation, its messages, attachments, comments and tickets are gone; attachment and raw
// bytes no other message uses are removed from the blob store. A conversation under a legal hold
// (its own or its contact's) is never deleted. Every deletion is audited.
import { FailedPreconditionError, type AuditTrail, type Logger } from '@inbox/lib';
import { ConversationEventType } from '@inbox/lib/gen/inbox/events/v1/events';
import type { LockedConversation, Transaction, UnitOfWork } from '../../../use-cases/unit-of-work';
import type { DirectoryStore } from '../../directory';
import type { ConversationWorkStore } from './ports';
import type { Actor } from '../../directory';
import { requireActor } from '../../directory';

export const TRASH_RETENTION_DAYS = 30;

export interface BlobRemover {
  delete(key: string): Promise<void>;
}

/** Whether a legal hold keeps the conversation (the governance module answers). */
export interface DeletionHolds {
  isHeld(tx: Transaction, accountId: string, conversationId: string): Promise<boolean>;
}

type DeletionStore = Pick<ConversationWorkStore, 'blobKeysOf' | 'deleteConversation' | 'blobInUse'>;

/** How every deletion of a conversation happens, whoever asks for it. */
export class ConversationDeletion {
  constructor(
    private readonly work: UnitOfWork,
    private readonly store: DeletionStore,
    private readonly holds: DeletionHolds,
    private readonly audit: AuditTrail,
    private readonly blobs: BlobRemover,
    private readonly logger: Logger,
    private readonly onCommitted: () => void,
  ) {}

  /** Deletes its rows and announces it, in the caller's transaction; returns the blob keys it used. */
  async deleteInTransaction(tx: Transaction, conversation: LockedConversation, by: { userId: string | null; action: string }): Promise<string[]> {
    if (await this.holds.isHeld(tx, conversation.accountId, conversation.id)) {
      throw new FailedPreconditionError('legal_hold', 'a legal hold keeps this conversation; it cannot be deleted until the hold is released');
    }
    const keys = await this.store.blobKeysOf(tx, conversation.id);
    await this.store.deleteConversation(tx, conversation.accountId, conversation.id);
    await this.audit.record(tx, {
      accountId: conversation.accountId,
      actorUserId: by.userId,
      actorLabel: by.userId ? '' : 'system',
      action: by.action,
      targetType: 'conversation',
      targetId: conversation.id,
      // Never the subject: the trail is append-only, and it may name a contact who is later erased.
      detail: { inboxId: conversation.inboxId, trashedAt: conversation.trashedAt, attachments: keys.length },
    });
    await this.work.emit(tx, [
      {
        accountId: conversation.accountId,
        inboxId: conversation.inboxId,
        conversationId: conversation.id,
        version: String(conversation.version + 1),
        actorUserId: by.userId ?? '',
        type: ConversationEventType.CONVERSATION_EVENT_TYPE_DELETED,
      },
    ]);
    return keys;
  }

  /** After the commit: the outbox relay is nudged. */
  committed(): void {
    this.onCommitted();
  }

  /** After the commit: bytes no other message uses leave the blob store. */
  async removeUnusedBlobs(keys: string[]): Promise<void> {
    for (const key of new Set(keys)) {
      if (await this.store.blobInUse(key)) continue;
      await this.blobs.delete(key).catch((error: Error) => this.logger.warn({ key, error: error.message }, 'could not delete blob'));
    }
  }
}

export class DeleteConversation {
  constructor(
    private readonly work: UnitOfWork,
    private readonly directory: DirectoryStore,
    private readonly deletion: ConversationDeletion,
  ) {}

  async execute(actor: Actor, conversationId: string): Promise<void> {
    await requireActor(this.directory, actor, 'agent');
    const keys = await this.work.run(async (tx) => {
      const conversation = await this.work.lockConversation(tx, actor.accountId, conversationId);
      if (!conversation.trashedAt) throw new FailedPreconditionError('not_in_trash', 'only a conversation in the trash can be deleted forever');
      return this.deletion.deleteInTransaction(tx, conversation, { userId: actor.userId, action: 'conversation.deleted_forever' });
    });
    this.deletion.committed();
    await this.deletion.removeUnusedBlobs(keys);
  }
}

export class PurgeTrash {
  constructor(
    private readonly work: UnitOfWork,
    /** Claims skip conversations under a legal hold. */
    private readonly store: Pick<ConversationWorkStore, 'claimTrashedBefore'>,
    private readonly deletion: ConversationDeletion,
    private readonly logger: Logger,
  ) {}

  /** Deletes every conversation trashed more than 30 days before `now`; returns how many. */
  async execute(now: Date, batchSize = 100): Promise<number> {
    const cutoff = new Date(now.getTime() - TRASH_RETENTION_DAYS * 24 * 60 * 60 * 1000);
    let purged = 0;
    for (;;) {
      const keys: string[] = [];
      const count = await this.work.run(async (tx) => {
        const due = await this.store.claimTrashedBefore(tx, cutoff, batchSize);
        for (const row of due) {
          const conversation = await this.work.lockConversation(tx, row.accountId, row.id);
          keys.push(...(await this.deletion.deleteInTransaction(tx, conversation, { userId: null, action: 'conversation.purged' })));
        }
        return due.length;
      });
      purged += count;
      if (count > 0) this.deletion.committed();
      await this.deletion.removeUnusedBlobs(keys);
      if (count < batchSize) break;
    }
    if (purged > 0) this.logger.info({ purged }, 'purged conversations from the trash');
    return purged;
  }
}
