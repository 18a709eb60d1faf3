// Routing's assignment, decided where assignments are stored: under a per-agent advisory lock
// (so concurrent routers cannot both fill the agent's last free slot) and the conversation's row
// lock (so it is assigned at most once), in one transaction with its events.
import { withTransaction, type Pool } from '@inbox/lib';
import { ConversationEventType } from '@inbox/lib/gen/inbox/events/v1/events';
import { lockConversation, updateConversation } from '../../../adapters/conversation-rows';
import type { DirectoryRepository } from '../../directory/adapters';
import { appendEvents } from '../../../adapters/outbox';

export type AutoAssignOutcome = 'assigned' | 'already_assigned' | 'over_capacity' | 'user_inactive' | 'not_assignable';

/** Chat-like channels share one capacity, everything else the other. */
export function capacityBucket(channel: string): 'chat' | 'email' {
  return channel === 'chat' || channel === 'messenger' ? 'chat' : 'email';
}

export class AutoAssign {
  constructor(
    private readonly pool: Pool,
    private readonly directory: DirectoryRepository,
    private readonly onCommitted: () => void,
  ) {}

  async execute(input: { accountId: string; conversationId: string; userId: string; capacity: number }): Promise<{ outcome: AutoAssignOutcome; assigneeId: string; openCount: number }> {
    const result = await withTransaction(this.pool, async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`assign:${input.accountId}:${input.userId}`]);
      const conversation = await lockConversation(tx, input.accountId, input.conversationId).catch(() => null);
      if (!conversation || conversation.status !== 'open' || conversation.trashedAt || conversation.filtered) {
        return { outcome: 'not_assignable' as const, assigneeId: conversation?.assigneeId ?? '', openCount: 0 };
      }
      if (conversation.assigneeId) return { outcome: 'already_assigned' as const, assigneeId: conversation.assigneeId, openCount: 0 };
      const user = await this.directory.findUser(input.accountId, input.userId, tx);
      if (!user || user.removed || user.deactivated) return { outcome: 'user_inactive' as const, assigneeId: '', openCount: 0 };
      // Workload follows where it is answered: a chat continued by email counts as email.
      const bucket = capacityBucket(conversation.replyChannel ?? conversation.channel);
      const open = await tx.query<{ count: string }>(
        `SELECT count(*) FROM conversations WHERE account_id = $1 AND assignee_id = $2 AND status = 'open' AND trashed_at IS NULL
           AND (COALESCE(reply_channel, channel) IN ('chat', 'messenger')) = $3`,
        [input.accountId, input.userId, bucket === 'chat'],
      );
      const openCount = Number(open.rows[0].count);
      if (input.capacity > 0 && openCount >= input.capacity) return { outcome: 'over_capacity' as const, assigneeId: '', openCount };
      const version = await updateConversation(tx, conversation, { assignee_id: input.userId });
      const base = { accountId: input.accountId, inboxId: conversation.inboxId, conversationId: conversation.id, version: String(version) };
      await appendEvents(tx, [
        { ...base, type: ConversationEventType.CONVERSATION_EVENT_TYPE_UPDATED },
        { ...base, type: ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED, assigneeId: input.userId, previousAssigneeId: '' },
      ]);
      return { outcome: 'assigned' as const, assigneeId: input.userId, openCount: openCount + 1 };
    });
    if (result.outcome === 'assigned') this.onCommitted();
    return result;
  }
}
