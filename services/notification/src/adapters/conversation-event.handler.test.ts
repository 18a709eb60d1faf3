import { ConversationEventType, type ConversationEvent } from '@inbox/lib/gen/inbox/events/v1/events';
import { ConversationEventHandler } from './conversation-event.handler';

const event = { eventId: 'ev_1', accountId: 'acc_1', conversationId: 'cnv_1', type: ConversationEventType.CONVERSATION_EVENT_TYPE_MESSAGE_CREATED } as ConversationEvent;

describe('the notification service consumer of conversation events', () => {
  it('creates the notifications an event causes, then queues its webhook deliveries', async () => {
    const steps: string[] = [];
    const handler = new ConversationEventHandler(
      { execute: async (e) => (steps.push(`notifications ${e.eventId}`), 1) },
      { queueFor: async (e) => void steps.push(`webhooks ${e.eventId}`) },
    );
    await handler.handle(event);
    expect(steps).toEqual(['notifications ev_1', 'webhooks ev_1']);
    expect(handler.orderingKey(event)).toBe('cnv_1');
  });

  it('fails the event when either step fails, so the redelivery repeats both', async () => {
    const failingWebhooks = new ConversationEventHandler({ execute: async () => 0 }, { queueFor: async () => Promise.reject(new Error('database gone')) });
    await expect(failingWebhooks.handle(event)).rejects.toThrow('database gone');
    let queued = 0;
    const failingNotifications = new ConversationEventHandler({ execute: async () => Promise.reject(new Error('database gone')) }, { queueFor: async () => void (queued += 1) });
    await expect(failingNotifications.handle(event)).rejects.toThrow('database gone');
    expect(queued).toBe(0);
  });
});
