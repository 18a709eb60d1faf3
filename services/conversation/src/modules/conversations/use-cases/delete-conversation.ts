// Delete forever (only from the trash) and the automatic purge of the trash after 30 days: the
// conversation, its messages, attachments, comments and tickets are gone; attachment and raw
// bytes no other message uses are removed from the blob store.
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

type DeletionStore = Pick<ConversationWorkStore, 'blobKeysOf' | 'deleteConversation' | 'blobInUse'>;

/** Each deletion is audited: by the user who deleted it forever, or by the system's purge. */
async function deleteRows(work: UnitOfWork, store: DeletionStore, audit: AuditTrail, tx: Transaction, conversation: LockedConversation, actorUserId: string): Promise<string[]> {
  const keys = await store.blobKeysOf(tx, conversation.id);
  await store.deleteConversation(tx, conversation.accountId, conversation.id);
  await audit.record(tx, {
    accountId: conversation.accountId,
    actorUserId: actorUserId || null,
    actorLabel: actorUserId ? '' : 'system',
    action: actorUserId ? 'conversation.deleted_forever' : 'conversation.purged',
    targetType: 'conversation',
    targetId: conversation.id,
    detail: { inboxId: conversation.inboxId, subject: conversation.subject, trashedAt: conversation.trashedAt, attachments: keys.length },
  });
  await work.emit(tx, [
    {
      accountId: conversation.accountId,
      inboxId: conversation.inboxId,
      conversationId: conversation.id,
      version: String(conversation.version + 1),
      actorUserId,
      type: ConversationEventType.CONVERSATION_EVENT_TYPE_DELETED,
    },
  ]);
  return keys;
}

async function removeUnreferencedBlobs(store: DeletionStore, blobs: BlobRemover, keys: string[], logger: Logger): Promise<void> {
  for (const key of new Set(keys)) {
    if (await store.blobInUse(key)) continue;
    await blobs.delete(key).catch((error: Error) => logger.warn({ key, error: error.message }, 'could not delete blob'));
  }
}

export class DeleteConversation {
  constructor(
    private readonly work: UnitOfWork,
    private readonly store: DeletionStore,
    private readonly directory: DirectoryStore,
    private readonly blobs: BlobRemover,
    private readonly logger: Logger,
    private readonly onCommitted: () => void,
    private readonly audit: AuditTrail,
  ) {}

  async execute(actor: Actor, conversationId: string): Promise<void> {
    await requireActor(this.directory, actor, 'agent');
    const keys = await this.work.run(async (tx) => {
      const conversation = await this.work.lockConversation(tx, actor.accountId, conversationId);
      if (!conversation.trashedAt) throw new FailedPreconditionError('not_in_trash', 'only a conversation in the trash can be deleted forever');
      return deleteRows(this.work, this.store, this.audit, tx, conversation, actor.userId);
    });
    this.onCommitted();
    await removeUnreferencedBlobs(this.store, this.blobs, keys, this.logger);
  }
}

export class PurgeTrash {
  constructor(
    private readonly work: UnitOfWork,
    private readonly store: DeletionStore & Pick<ConversationWorkStore, 'claimTrashedBefore'>,
    private readonly blobs: BlobRemover,
    private readonly logger: Logger,
    private readonly onCommitted: () => void,
    private readonly audit: AuditTrail,
  ) {}

  /** Deletes every conversation trashed more than 30 days before `now`; returns how many. */
  async execute(now: Date, batchSize = 100): Promise<number> {
    const cutoff = new Date(now.getTime() - TRASH_RETENTION_DAYS * 24 * 60 * 60 * 1000);
    let purged = 0;
    for (;;) {
      const keys: string[] = [];
      const count = await this.work.run(async (tx) => {
        const due = await this.store.claimTrashedBefore(tx, cutoff, batchSize);
        for (const row of due) keys.push(...(await deleteRows(this.work, this.store, this.audit, tx, await this.work.lockConversation(tx, row.accountId, row.id), '')));
        return due.length;
      });
      purged += count;
      if (count > 0) this.onCommitted();
      await removeUnreferencedBlobs(this.store, this.blobs, keys, this.logger);
      if (count < batchSize) break;
    }
    if (purged > 0) this.logger.info({ purged }, 'purged conversations from the trash');
    return purged;
  }
}
