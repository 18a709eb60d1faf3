// Delete forever (only from the trash) and the automatic purge of the trash after 30 days: the
// conversation, its messages, attachments, comments and tickets are gone; attachment and raw
// bytes no other message uses are removed from the blob store.
import { FailedPreconditionError, withTransaction, type Logger, type Pool, type PoolClient } from '@inbox/lib';
import { ConversationEventType } from '@inbox/lib/gen/inbox/events/v1/events';
import { lockConversation, type LockedConversation } from '../../../adapters/conversation-rows';
import type { DirectoryRepository } from '../../directory/adapters';
import { appendEvents } from '../../../adapters/outbox';
import type { Actor } from '../../directory';
import { requireActor } from '../../directory';

export const TRASH_RETENTION_DAYS = 30;

export interface BlobRemover {
  delete(key: string): Promise<void>;
}

async function deleteRows(tx: PoolClient, conversation: LockedConversation, actorUserId: string): Promise<string[]> {
  const keys = await tx.query<{ key: string }>(
    `SELECT a.object_key AS key FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.conversation_id = $1
     UNION SELECT raw_object_key FROM messages WHERE conversation_id = $1 AND raw_object_key IS NOT NULL`,
    [conversation.id],
  );
  await tx.query('DELETE FROM conversations WHERE account_id = $1 AND id = $2', [conversation.accountId, conversation.id]);
  await appendEvents(tx, [
    {
      accountId: conversation.accountId,
      inboxId: conversation.inboxId,
      conversationId: conversation.id,
      version: String(conversation.version + 1),
      actorUserId,
      type: ConversationEventType.CONVERSATION_EVENT_TYPE_DELETED,
    },
  ]);
  return keys.rows.map((r) => r.key).filter(Boolean);
}

async function removeUnreferencedBlobs(pool: Pool, blobs: BlobRemover, keys: string[], logger: Logger): Promise<void> {
  for (const key of new Set(keys)) {
    const used = await pool.query('SELECT 1 FROM attachments WHERE object_key = $1 UNION ALL SELECT 1 FROM messages WHERE raw_object_key = $1 LIMIT 1', [key]);
    if (used.rowCount) continue;
    await blobs.delete(key).catch((error: Error) => logger.warn({ key, error: error.message }, 'could not delete blob'));
  }
}

export class DeleteConversation {
  constructor(
    private readonly pool: Pool,
    private readonly directory: DirectoryRepository,
    private readonly blobs: BlobRemover,
    private readonly logger: Logger,
    private readonly onCommitted: () => void,
  ) {}

  async execute(actor: Actor, conversationId: string): Promise<void> {
    await requireActor(this.directory, actor, 'agent');
    const keys = await withTransaction(this.pool, async (tx) => {
      const conversation = await lockConversation(tx, actor.accountId, conversationId);
      if (!conversation.trashedAt) throw new FailedPreconditionError('not_in_trash', 'only a conversation in the trash can be deleted forever');
      return deleteRows(tx, conversation, actor.userId);
    });
    this.onCommitted();
    await removeUnreferencedBlobs(this.pool, this.blobs, keys, this.logger);
  }
}

export class PurgeTrash {
  constructor(
    private readonly pool: Pool,
    private readonly blobs: BlobRemover,
    private readonly logger: Logger,
    private readonly onCommitted: () => void,
  ) {}

  /** Deletes every conversation trashed more than 30 days before `now`; returns how many. */
  async execute(now: Date, batchSize = 100): Promise<number> {
    const cutoff = new Date(now.getTime() - TRASH_RETENTION_DAYS * 24 * 60 * 60 * 1000);
    let purged = 0;
    for (;;) {
      const keys: string[] = [];
      const count = await withTransaction(this.pool, async (tx) => {
        const due = await tx.query<{ id: string; account_id: string }>(
          'SELECT id, account_id FROM conversations WHERE trashed_at IS NOT NULL AND trashed_at < $1 ORDER BY trashed_at LIMIT $2 FOR UPDATE SKIP LOCKED',
          [cutoff, batchSize],
        );
        for (const row of due.rows) keys.push(...(await deleteRows(tx, await lockConversation(tx, row.account_id, row.id), '')));
        return due.rowCount ?? 0;
      });
      purged += count;
      if (count > 0) this.onCommitted();
      await removeUnreferencedBlobs(this.pool, this.blobs, keys, this.logger);
      if (count < batchSize) break;
    }
    if (purged > 0) this.logger.info({ purged }, 'purged conversations from the trash');
    return purged;
  }
}
