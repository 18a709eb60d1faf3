import { createHmac } from 'node:crypto';
import { ConversationStatus, MessageDirection } from '@inbox/lib/gen/inbox/common/v1/common';
import { ConversationEvent, ConversationEventType } from '@inbox/lib/gen/inbox/events/v1/events';
import { DEFAULT_RETRY, isWebhookEventType, nextAttemptAt, signatureHeader, verifySignature, webhookEventType, webhookPayload } from './webhooks';

const event = (overrides: Partial<ConversationEvent>) =>
  ConversationEvent.fromPartial({ eventId: 'evt_1', accountId: 'acc_1', inboxId: 'inb_1', conversationId: 'cnv_1', version: '7', occurredAt: new Date('2026-12-03T10:00:00Z'), ...overrides });

describe('webhook event types', () => {
  it('names a status change to closed conversation.closed and every other update conversation.updated', () => {
    expect(webhookEventType(event({ type: ConversationEventType.CONVERSATION_EVENT_TYPE_UPDATED, statusChangedTo: ConversationStatus.CONVERSATION_STATUS_CLOSED }))).toBe('conversation.closed');
    expect(webhookEventType(event({ type: ConversationEventType.CONVERSATION_EVENT_TYPE_UPDATED, statusChangedTo: ConversationStatus.CONVERSATION_STATUS_OPEN }))).toBe('conversation.updated');
    expect(webhookEventType(event({ type: ConversationEventType.CONVERSATION_EVENT_TYPE_UPDATED }))).toBe('conversation.updated');
  });

  it('carries no event a subscriber cannot subscribe to', () => {
    for (const type of [ConversationEventType.CONVERSATION_EVENT_TYPE_MESSAGE_HIDDEN, ConversationEventType.CONVERSATION_EVENT_TYPE_SLA_CHANGED, ConversationEventType.CONVERSATION_EVENT_TYPE_UNSPECIFIED]) {
      expect(webhookEventType(event({ type }))).toBeNull();
    }
    for (const type of Object.values(ConversationEventType).filter((v): v is ConversationEventType => typeof v === 'number')) {
      const name = webhookEventType(event({ type }));
      if (name) expect(isWebhookEventType(name)).toBe(true);
    }
  });

  it('puts the event id, type and the ids to fetch the rest with in the body', () => {
    const payload = webhookPayload(event({ type: ConversationEventType.CONVERSATION_EVENT_TYPE_MESSAGE_CREATED, messageId: 'msg_1', messageDirection: MessageDirection.MESSAGE_DIRECTION_OUTBOUND }), 'message.created');
    expect(payload).toEqual({
      id: 'evt_1',
      type: 'message.created',
      accountId: 'acc_1',
      occurredAt: '2026-12-03T10:00:00.000Z',
      data: { conversationId: 'cnv_1', inboxId: 'inb_1', version: 7, messageId: 'msg_1', direction: 'outbound' },
    });
  });
});

describe('webhook signatures', () => {
  const body = '{"id":"evt_1"}';
  const at = new Date('2026-12-03T10:00:00Z');

  it('signs "<t>.<body>" with HMAC-SHA256, as a receiver recomputes it', () => {
    const header = signatureHeader(body, ['whsec_a'], at);
    const t = Math.floor(at.getTime() / 1000);
    expect(header).toBe(`t=${t},v1=${createHmac('sha256', 'whsec_a').update(`${t}.${body}`).digest('hex')}`);
    expect(verifySignature(header, body, 'whsec_a', 300, at)).toBe(true);
  });

  it('carries one v1 per live secret while a rotation overlaps, each verifying alone', () => {
    const header = signatureHeader(body, ['whsec_new', 'whsec_old'], at);
    expect(header.split(',').filter((p) => p.startsWith('v1='))).toHaveLength(2);
    expect(verifySignature(header, body, 'whsec_new', 300, at)).toBe(true);
    expect(verifySignature(header, body, 'whsec_old', 300, at)).toBe(true);
  });

  it('fails for another secret, a changed body and an old timestamp', () => {
    const header = signatureHeader(body, ['whsec_a'], at);
    expect(verifySignature(header, body, 'whsec_b', 300, at)).toBe(false);
    expect(verifySignature(header, '{"id":"evt_2"}', 'whsec_a', 300, at)).toBe(false);
    expect(verifySignature(header, body, 'whsec_a', 300, new Date(at.getTime() + 301_000))).toBe(false);
    expect(verifySignature('garbage', body, 'whsec_a', 300, at)).toBe(false);
  });
});

describe('webhook retries', () => {
  const created = new Date('2026-12-03T00:00:00Z');

  it('backs off exponentially from the base up to the cap', () => {
    const now = new Date('2026-12-03T00:01:00Z');
    const delays = [1, 2, 3, 4, 12, 20].map((n) => nextAttemptAt(DEFAULT_RETRY, n, created, now)!.getTime() - now.getTime());
    expect(delays).toEqual([10_000, 20_000, 40_000, 80_000, 3_600_000, 3_600_000]);
  });

  it('keeps trying for more than 24 hours, then gives up', () => {
    expect(nextAttemptAt(DEFAULT_RETRY, 30, created, new Date(created.getTime() + 25 * 3_600_000))).not.toBeNull();
    expect(nextAttemptAt(DEFAULT_RETRY, 31, created, new Date(created.getTime() + 26 * 3_600_000))).toBeNull();
  });
});
