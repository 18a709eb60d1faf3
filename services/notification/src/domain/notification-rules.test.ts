import { MessageDirection } from '@inbox/lib/gen/inbox/common/v1/common';
import { ConversationEvent, ConversationEventType } from '@inbox/lib/gen/inbox/events/v1/events';
import { recipientsOf } from './notification-rules';

const event = (partial: Partial<ConversationEvent>) =>
  ConversationEvent.fromPartial({ eventId: 'e', accountId: 'a', conversationId: 'c', actorUserId: 'author', ...partial });

describe('who is notified', () => {
  it('notifies each mentioned member once, never the author', () => {
    expect(recipientsOf(event({ type: ConversationEventType.CONVERSATION_EVENT_TYPE_COMMENT_CREATED, mentionedUserIds: ['u1', 'author', 'u2', 'u1'] }))).toEqual([
      { userId: 'u1', kind: 'mention' },
      { userId: 'u2', kind: 'mention' },
    ]);
  });

  it('notifies the new owner, not someone who assigned themselves, and nobody on unassignment', () => {
    expect(recipientsOf(event({ type: ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED, assigneeId: 'u1' }))).toEqual([{ userId: 'u1', kind: 'assignment' }]);
    expect(recipientsOf(event({ type: ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED, assigneeId: 'author' }))).toEqual([]);
    expect(recipientsOf(event({ type: ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED, assigneeId: '' }))).toEqual([]);
  });

  it("notifies the owner of a new inbound message, not of our own replies or of unowned conversations", () => {
    const base = { type: ConversationEventType.CONVERSATION_EVENT_TYPE_MESSAGE_CREATED, actorUserId: '' };
    const inbound = MessageDirection.MESSAGE_DIRECTION_INBOUND;
    expect(recipientsOf(event({ ...base, assigneeId: 'u1', messageDirection: inbound }))).toEqual([{ userId: 'u1', kind: 'new_message' }]);
    expect(recipientsOf(event({ ...base, assigneeId: 'u1', messageDirection: MessageDirection.MESSAGE_DIRECTION_OUTBOUND }))).toEqual([]);
    expect(recipientsOf(event({ ...base, assigneeId: '', messageDirection: inbound }))).toEqual([]);
    // An event the previous release wrote names the direction only.
    expect(recipientsOf(event({ ...base, assigneeId: 'u1', messageDirectionName: 'inbound' }))).toEqual([{ userId: 'u1', kind: 'new_message' }]);
    expect(recipientsOf(event({ ...base, assigneeId: 'u1', messageDirectionName: 'outbound' }))).toEqual([]);
  });
});
