import type { PoolClient } from '@inbox/lib';
import { ConversationEventType } from '@inbox/lib/gen/inbox/events/v1/events';
import type { UserOffboarding } from '../../directory';
import { appendEvents } from '../../../adapters/outbox';

/**
 * A deactivated or removed user's open conversations become unassigned (so they show in
 * Unassigned), each with an assignment event routing can act on.
 */
export class ConversationAssignments implements UserOffboarding {
  async releaseAssignments(accountId: string, userId: string, tx: PoolClient): Promise<void> {
    const released = await tx.query<{ id: string; inbox_id: string; version: string }>(
      `UPDATE conversations SET assignee_id = NULL, version = version + 1, updated_at = now()
       WHERE account_id = $1 AND assignee_id = $2 AND status = 'open' RETURNING id, inbox_id, version`,
      [accountId, userId],
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
}
