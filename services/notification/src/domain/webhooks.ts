// What a webhook delivery is: which conversation events become which webhook event types, the
// body a receiver gets, its signature, and when a failed delivery is tried again.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ConversationStatus, MessageDirection } from '@inbox/lib/gen/inbox/common/v1/common';
import { ConversationEventType, type ConversationEvent } from '@inbox/lib/gen/inbox/events/v1/events';

export const WEBHOOK_EVENT_TYPES = [
  'conversation.created',
  'conversation.updated',
  'conversation.closed',
  'conversation.assigned',
  'conversation.deleted',
  'message.created',
  'comment.created',
  'sla.breached',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export function isWebhookEventType(value: string): value is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}

/** The webhook event type of a conversation event, or null for one no webhook carries. */
export function webhookEventType(event: ConversationEvent): WebhookEventType | null {
  switch (event.type) {
    case ConversationEventType.CONVERSATION_EVENT_TYPE_CREATED:
      return 'conversation.created';
    case ConversationEventType.CONVERSATION_EVENT_TYPE_UPDATED:
      return event.statusChangedTo === ConversationStatus.CONVERSATION_STATUS_CLOSED ? 'conversation.closed' : 'conversation.updated';
    case ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED:
      return 'conversation.assigned';
    case ConversationEventType.CONVERSATION_EVENT_TYPE_DELETED:
      return 'conversation.deleted';
    case ConversationEventType.CONVERSATION_EVENT_TYPE_MESSAGE_CREATED:
      return 'message.created';
    case ConversationEventType.CONVERSATION_EVENT_TYPE_COMMENT_CREATED:
      return 'comment.created';
    case ConversationEventType.CONVERSATION_EVENT_TYPE_SLA_BREACHED:
      return 'sla.breached';
    default:
      return null;
  }
}

/**
 * The body a receiver gets: the event's id (the same on every attempt and redelivery, for
 * de-duplication), its type and time, and the ids to fetch the rest with from the REST API.
 */
export function webhookPayload(event: ConversationEvent, type: WebhookEventType): Record<string, unknown> {
  const data: Record<string, unknown> = { conversationId: event.conversationId, inboxId: event.inboxId, version: Number(event.version) };
  if (event.actorUserId) data.actorUserId = event.actorUserId;
  if (type === 'message.created') {
    data.messageId = event.messageId;
    data.direction = event.messageDirection === MessageDirection.MESSAGE_DIRECTION_OUTBOUND ? 'outbound' : 'inbound';
  }
  if (type === 'comment.created') data.commentId = event.commentId;
  if (type === 'conversation.assigned') {
    data.assigneeId = event.assigneeId || null;
    data.previousAssigneeId = event.previousAssigneeId || null;
  }
  if (type === 'sla.breached') data.target = event.slaTarget;
  return { id: event.eventId, type, accountId: event.accountId, occurredAt: (event.occurredAt ?? new Date()).toISOString(), data };
}

/** X-Inbox-Signature: t=<unix seconds>,v1=<HMAC-SHA256 of "<t>.<body>">, one v1 per live secret. */
export function signatureHeader(body: string, secrets: string[], at = new Date()): string {
  const t = Math.floor(at.getTime() / 1000);
  return [`t=${t}`, ...secrets.map((secret) => `v1=${sign(secret, t, body)}`)].join(',');
}

function sign(secret: string, t: number, body: string): string {
  return createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
}

/** What a receiver does: true when one v1 matches and t is within the tolerance. */
export function verifySignature(header: string, body: string, secret: string, toleranceSeconds = 300, now = new Date()): boolean {
  const parts = header.split(',').map((p) => p.split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isFinite(t) || Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) return false;
  const expected = Buffer.from(sign(secret, t, body));
  return parts.filter(([k]) => k === 'v1').some(([, v]) => v !== undefined && v.length === expected.length && timingSafeEqual(Buffer.from(v), expected));
}

export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  /** A delivery still failing this long after its event is given up (status failed). */
  giveUpAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 10_000, maxMs: 60 * 60 * 1000, giveUpAfterMs: 26 * 60 * 60 * 1000 };

/** When a delivery that failed its n-th attempt is tried again, or null to give up. */
export function nextAttemptAt(policy: RetryPolicy, attempts: number, createdAt: Date, now: Date): Date | null {
  if (now.getTime() - createdAt.getTime() >= policy.giveUpAfterMs) return null;
  const delay = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  return new Date(now.getTime() + delay);
}
