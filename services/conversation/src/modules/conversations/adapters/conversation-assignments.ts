import type { PoolClient } from '@inbox/lib';
import { ConversationEventType } from '@inbox/lib/gen/inbox/events/v1/events';
import type { InboxConversations, UserOffboarding } from '../../directory';
import { appendEvents } from '../../../adapters/outbox';

/**
 * What the directory's changes do to conversations: a deactivated or removed user's open
 * conversations (or a leaving member's, in one inbox) become unassigned, so they show in
 * Unassigned; a deleted inbox's conversations move to another. Each change is announced with an
 * event routing, search and real time act on.
 */
export class ConversationAssignments implements UserOffboarding, InboxConversations {
  async releaseAssignments(accountId: string, userId: string, tx: PoolClient, inboxId?: string): Promise<void> {
    const released = await tx.query<{ id: string; inbox_id: string; version: string }>(
      `UPDATE conversations SET assignee_id = NULL, version = version + 1, updated_at = now()
       WHERE account_id = $1 AND assignee_id = $2 AND status = 'open' AND ($3::text IS NULL OR inbox_id = $3) RETURNING id, inbox_id, version`,
      [accountId, userId, inboxId ?? null],
    );
    await appendEvents(
      tx,
      released.rows.map((row) => ({
        accountId,
        inboxId: row.inbox_id,
        conversationId: row.id,
        version: row.version,
        type: ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED,
        assigneeId: '',
        previousAssigneeId: userId,
      })),
    );
  }

  async countConversations(tx: PoolClient, accountId: string, inboxId: string): Promise<number> {
    const result = await tx.query<{ n: string }>('SELECT count(*) AS n FROM conversations WHERE account_id = $1 AND inbox_id = $2', [accountId, inboxId]);
    return Number(result.rows[0].n);
  }

  async moveConversations(tx: PoolClient, accountId: string, fromInboxId: string, toInboxId: string): Promise<number> {
    // A channel stays with its inbox (and goes with it): moved conversations no longer name one.
    const moved = await tx.query<{ id: string; version: string }>(
      `UPDATE conversations SET inbox_id = $3, channel_id = NULL, version = version + 1, updated_at = now()
       WHERE account_id = $1 AND inbox_id = $2 RETURNING id, version`,
      [accountId, fromInboxId, toInboxId],
    );
    await appendEvents(
      tx,
      moved.rows.map((row) => ({ accountId, inboxId: toInboxId, conversationId: row.id, version: row.version, type: ConversationEventType.CONVERSATION_EVENT_TYPE_UPDATED })),
    );
    return moved.rowCount ?? 0;
  }
}
