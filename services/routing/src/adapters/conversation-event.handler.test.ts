import { ConversationEventType, type ConversationEvent } from '@inbox/lib/gen/inbox/events/v1/events';
import type { RouteConversations } from '../use-cases/route-conversations';
import { ConversationEventHandler } from './conversation-event.handler';

const event = (n: number, accountId: string, type: ConversationEventType) => ({ event: { eventId: `ev_${n}`, accountId, conversationId: `cnv_${n}`, inboxId: 'inb_1', type, assigneeId: '', actorUserId: '', previousAssigneeId: '' } as ConversationEvent });

describe('the routing consumer of conversation events, in batches', () => {
  it('routes the new conversations of each account together and hands every other change on alone', async () => {
    const calls: string[] = [];
    const routing = {
      onConversationsCreated: async (accountId: string, ids: string[]) => void calls.push(`created ${accountId}: ${ids.join(',')}`),
      onConversationChanged: async (accountId: string, id: string, trigger: string) => void calls.push(`changed ${accountId}: ${id} ${trigger}`),
    };
    const handler = new ConversationEventHandler(routing as unknown as RouteConversations);
    await handler.handleBatch([
      event(1, 'acc_1', ConversationEventType.CONVERSATION_EVENT_TYPE_CREATED),
      event(2, 'acc_2', ConversationEventType.CONVERSATION_EVENT_TYPE_CREATED),
      event(3, 'acc_1', ConversationEventType.CONVERSATION_EVENT_TYPE_UPDATED),
      event(4, 'acc_1', ConversationEventType.CONVERSATION_EVENT_TYPE_CREATED),
      event(5, 'acc_1', ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED),
    ]);
    expect(calls.sort()).toEqual(['changed acc_1: cnv_3 new', 'changed acc_1: cnv_5 released', 'created acc_1: cnv_1,cnv_4', 'created acc_2: cnv_2']);
  });
});
