import { ConversationEventType } from '@inbox/lib/gen/inbox/events/v1/events';
import type { ConversationEvent } from '@inbox/lib/gen/inbox/events/v1/events';
import { SubscribedEventTypes } from './subscribed-event-types';
import { WebhookDeliveries } from './webhook-deliveries';

const event = (accountId: string, n: number, type = ConversationEventType.CONVERSATION_EVENT_TYPE_MESSAGE_CREATED) =>
  ({ eventId: `ev_${n}`, accountId, conversationId: `cnv_${n}`, type, occurredAt: new Date() }) as ConversationEvent;

describe('webhook deliveries from conversation events', () => {
  let lookups: string[];
  let stored: Record<string, string[]>;
  let enqueued: string[];
  let now: number;
  let deliveries: WebhookDeliveries;
  let subscribed: SubscribedEventTypes;

  beforeEach(() => {
    lookups = [];
    stored = {};
    enqueued = [];
    now = 0;
    subscribed = new SubscribedEventTypes(async (accountId) => (lookups.push(accountId), stored[accountId] ?? []), undefined, 5_000, () => now);
    deliveries = new WebhookDeliveries({ enqueue: async (e) => (enqueued.push(e.eventId), 1) }, subscribed);
  });

  it('costs an account without webhooks one look-up, not a statement per event', async () => {
    for (let n = 0; n < 50; n++) await deliveries.queueFor(event('acc_quiet', n));
    expect(enqueued).toEqual([]);
    expect(lookups).toEqual(['acc_quiet']);
  });

  it('enqueues only the types an account subscribes to', async () => {
    stored.acc_hooked = ['message.created'];
    await deliveries.queueFor(event('acc_hooked', 1));
    await deliveries.queueFor(event('acc_hooked', 2, ConversationEventType.CONVERSATION_EVENT_TYPE_CREATED));
    expect(enqueued).toEqual(['ev_1']);
  });

  it('sees a new subscription at once after a change, and after the copy ages out without one', async () => {
    await deliveries.queueFor(event('acc_new', 1));
    stored.acc_new = ['message.created'];
    await deliveries.queueFor(event('acc_new', 2));
    expect(enqueued).toEqual([]);
    subscribed.changed('acc_new');
    await deliveries.queueFor(event('acc_new', 3));
    expect(enqueued).toEqual(['ev_3']);
    stored.acc_new = ['conversation.created'];
    now = 5_001;
    await deliveries.queueFor(event('acc_new', 4));
    expect(enqueued).toEqual(['ev_3']);
  });
});
