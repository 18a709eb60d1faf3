import { ConversationEventType, type ConversationEvent } from '@inbox/lib/gen/inbox/events/v1/events';
import type { RouteConversations } from '../use-cases/route-conversations';
import { ConversationEventHandler } from './conversation-event.handler';

const event = (n: number, accountId: string, type: ConversationEventType) => ({ event: { eventId: `ev_${n}`, accountId, conversationId: `cnv_${n}`, inboxId: 'inb_1', type, assigneeId: '', actorUserId: '', previousAssigneeId: '' } as ConversationEvent });

describe('the routing consumer of conversation events, in batches', () => {
  it('routes the new conversations of each account together, and the other changes of each account with one look-up', async () => {
    const calls: string[] = [];
    const routing = {
      onConversationsCreated: async (accountId: string, ids: string[]) => void calls.push(`created ${accountId}: ${ids.join(',')}`),
      onConversationsChanged: async (accountId: string, changes: { conversationId: string; trigger: string }[]) =>
        void calls.push(`changed ${accountId}: ${changes.map((c) => `${c.conversationId} ${c.trigger}`).join(', ')}`),
      explainAutomaticAssignment: async (accountId: string, _inbox: string, id: string) => void calls.push(`explained ${accountId}: ${id}`),
    };
    const handler = new ConversationEventHandler(routing as unknown as RouteConversations);
    await handler.handleBatch([
      event(1, 'acc_1', ConversationEventType.CONVERSATION_EVENT_TYPE_CREATED),
      event(2, 'acc_2', ConversationEventType.CONVERSATION_EVENT_TYPE_CREATED),
      event(3, 'acc_1', ConversationEventType.CONVERSATION_EVENT_TYPE_UPDATED),
      event(4, 'acc_1', ConversationEventType.CONVERSATION_EVENT_TYPE_CREATED),
      event(5, 'acc_1', ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED),
      { event: { ...event(6, 'acc_2', ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED).event, assigneeId: 'usr_a' } },
    ]);
    expect(calls.sort()).toEqual(['changed acc_1: cnv_3 new, cnv_5 released', 'changed acc_2: cnv_6 new', 'created acc_1: cnv_1,cnv_4', 'created acc_2: cnv_2', 'explained acc_2: cnv_6']);
  });
});
