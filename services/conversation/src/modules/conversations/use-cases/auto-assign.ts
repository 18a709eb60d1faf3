// Routing's assignment, decided where assignments are stored: under a per-agent advisory lock
// (so concurrent routers cannot both fill the agent's last free slot) and the conversation's row
// lock (so it is assigned at most once), in one transaction with its events.
import { ConversationEventType } from '@inbox/lib/gen/inbox/events/v1/events';
import type { UnitOfWork } from '../../../use-cases/unit-of-work';
import type { DirectoryStore } from '../../directory';
import type { ConversationWorkStore } from './ports';

export type AutoAssignOutcome = 'assigned' | 'already_assigned' | 'over_capacity' | 'user_inactive' | 'not_assignable';

/** Chat-like channels share one capacity, everything else the other. */
export function capacityBucket(channel: string): 'chat' | 'email' {
  return channel === 'chat' || channel === 'messenger' ? 'chat' : 'email';
}

export class AutoAssign {
  constructor(
    private readonly work: UnitOfWork,
    private readonly store: Pick<ConversationWorkStore, 'lockAssignee' | 'openAssigned'>,
    private readonly directory: DirectoryStore,
    private readonly onCommitted: () => void,
  ) {}

  async execute(input: { accountId: string; conversationId: string; userId: string; capacity: number }): Promise<{ outcome: AutoAssignOutcome; assigneeId: string; openCount: number }> {
    const result = await this.work.run(async (tx) => {
      await this.store.lockAssignee(tx, input.accountId, input.userId);
      const conversation = await this.work.lockConversation(tx, input.accountId, input.conversationId).catch(() => null);
      if (!conversation || conversation.status !== 'open' || conversation.trashedAt || conversation.filtered) {
        return { outcome: 'not_assignable' as const, assigneeId: conversation?.assigneeId ?? '', openCount: 0 };
      }
      if (conversation.assigneeId) return { outcome: 'already_assigned' as const, assigneeId: conversation.assigneeId, openCount: 0 };
      const user = await this.directory.findUser(input.accountId, input.userId, tx);
      if (!user || user.removed || user.deactivated) return { outcome: 'user_inactive' as const, assigneeId: '', openCount: 0 };
      // Workload follows where it is answered: a chat continued by email counts as email.
      const bucket = capacityBucket(conversation.replyChannel ?? conversation.channel);
      const openCount = await this.store.openAssigned(tx, input.accountId, input.userId, bucket === 'chat');
      if (input.capacity > 0 && openCount >= input.capacity) return { outcome: 'over_capacity' as const, assigneeId: '', openCount };
      const version = await this.work.changeConversation(tx, conversation, { assigneeId: input.userId });
      const base = { accountId: input.accountId, inboxId: conversation.inboxId, conversationId: conversation.id, version: String(version) };
      await this.work.emit(tx, [
        { ...base, type: ConversationEventType.CONVERSATION_EVENT_TYPE_UPDATED },
        { ...base, type: ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED, assigneeId: input.userId, previousAssigneeId: '' },
      ]);
      return { outcome: 'assigned' as const, assigneeId: input.userId, openCount: openCount + 1 };
    });
    if (result.outcome === 'assigned') this.onCommitted();
    return result;
  }
}
