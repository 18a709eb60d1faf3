// The events agents see live, read from JetStream. Every gateway replica tails the streams with
// its own ordered consumer (fan-out across replicas through NATS), and a reconnecting client's
// missed events are replayed from the stream by sequence. The JetStream stream sequence is the
// per-stream sequence clients resume from.
import { AckPolicy, DeliverPolicy, type ConsumerMessages, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { STREAMS, errorMessage, type Logger, type SubscriptionLiveness } from '@inbox/lib';
import { ConversationEvent, ConversationEventType, NotificationCreated, RoutingEvent } from '@inbox/lib/gen/inbox/events/v1/events';

export type StreamKey = 'conversation' | 'notification' | 'routing';
export const STREAM_KEYS: StreamKey[] = ['conversation', 'notification', 'routing'];

const SOURCES: Record<StreamKey, { stream: string; subject: (accountId: string) => string }> = {
  conversation: { stream: STREAMS.conversationEvents.name, subject: (a) => `conversation.${a}.>` },
  notification: { stream: STREAMS.notificationEvents.name, subject: (a) => `notification.${a}.>` },
  routing: { stream: STREAMS.routingEvents.name, subject: (a) => `routing.${a}.availability_changed` },
};

export interface FeedEvent {
  stream: StreamKey;
  seq: number;
  accountId: string;
  /** Conversation events: only members of this inbox receive them. */
  inboxId?: string;
  /** Notifications: only this user receives them. */
  userId?: string;
  conversationId?: string;
  version?: number;
  /** The JSON frame sent to clients, without the conversation (which the renderer adds). */
  frame: Record<string, unknown>;
}

const CONVERSATION_TYPES: Record<ConversationEventType, { type: string; change?: string }> = {
  [ConversationEventType.CONVERSATION_EVENT_TYPE_UNSPECIFIED]: { type: 'conversation.updated' },
  [ConversationEventType.CONVERSATION_EVENT_TYPE_CREATED]: { type: 'conversation.created' },
  [ConversationEventType.CONVERSATION_EVENT_TYPE_UPDATED]: { type: 'conversation.updated' },
  [ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED]: { type: 'conversation.updated', change: 'assigned' },
  [ConversationEventType.CONVERSATION_EVENT_TYPE_MESSAGE_HIDDEN]: { type: 'conversation.updated', change: 'message_hidden' },
  [ConversationEventType.CONVERSATION_EVENT_TYPE_MESSAGE_UNHIDDEN]: { type: 'conversation.updated', change: 'message_unhidden' },
  [ConversationEventType.CONVERSATION_EVENT_TYPE_MESSAGE_CREATED]: { type: 'message.created' },
  [ConversationEventType.CONVERSATION_EVENT_TYPE_COMMENT_CREATED]: { type: 'comment.created' },
  [ConversationEventType.CONVERSATION_EVENT_TYPE_DELETED]: { type: 'conversation.deleted' },
  [ConversationEventType.CONVERSATION_EVENT_TYPE_SLA_CHANGED]: { type: 'conversation.updated', change: 'sla' },
  [ConversationEventType.CONVERSATION_EVENT_TYPE_SLA_BREACHED]: { type: 'conversation.updated', change: 'sla_breached' },
};

/** Undecodable or foreign messages give undefined and are skipped. */
export function decodeFeedEvent(stream: StreamKey, seq: number, subject: string, data: Uint8Array): FeedEvent | undefined {
  try {
    if (stream === 'conversation') {
      const e = ConversationEvent.decode(data);
      if (!e.accountId || !e.conversationId) return undefined;
      const { type, change } = CONVERSATION_TYPES[e.type] ?? CONVERSATION_TYPES[ConversationEventType.CONVERSATION_EVENT_TYPE_UNSPECIFIED];
      return {
        stream,
        seq,
        accountId: e.accountId,
        inboxId: e.inboxId,
        conversationId: e.conversationId,
        version: Number(e.version),
        frame: {
          type,
          ...(change ? { change } : {}),
          stream,
          seq,
          eventId: e.eventId,
          occurredAt: e.occurredAt?.toISOString() ?? null,
          inboxId: e.inboxId,
          conversationId: e.conversationId,
          version: Number(e.version),
          actorUserId: e.actorUserId || null,
          ...(e.messageId ? { messageId: e.messageId, direction: e.messageDirection || null } : {}),
          ...(e.commentId ? { commentId: e.commentId, mentionedUserIds: e.mentionedUserIds } : {}),
          ...(e.type === ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED ? { assigneeId: e.assigneeId || null, previousAssigneeId: e.previousAssigneeId || null } : {}),
        },
      };
    }
    if (stream === 'notification') {
      const n = NotificationCreated.decode(data);
      if (!n.accountId || !n.userId) return undefined;
      return {
        stream,
        seq,
        accountId: n.accountId,
        userId: n.userId,
        frame: {
          type: 'notification.created',
          stream,
          seq,
          notificationId: n.notificationId,
          kind: n.kind,
          conversationId: n.conversationId,
          createdAt: n.createdAt?.toISOString() ?? null,
        },
      };
    }
    if (!subject.endsWith('.availability_changed')) return undefined;
    const r = RoutingEvent.decode(data);
    if (!r.accountId || !r.userId) return undefined;
    return { stream, seq, accountId: r.accountId, frame: { type: 'availability.changed', stream, seq, userId: r.userId, availability: r.availability } };
  } catch {
    return undefined;
  }
}

export type ReplayResult = { events: FeedEvent[]; lastSeq: number } | { tooOld: true; lastSeq: number };

export class EventFeed {
  private readonly stops: (() => void)[] = [];
  private readonly observers: ((event: FeedEvent) => void)[] = [];
  private stopped = false;

  constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly logger: Logger,
    private readonly liveness: SubscriptionLiveness,
    /** A reconnecting client missing more than this many of its account's events is told to refetch. */
    private readonly maxReplay = 5000,
  ) {}

  async lastSeqs(): Promise<Record<StreamKey, number>> {
    const entries = await Promise.all(STREAM_KEYS.map(async (key) => [key, (await this.jsm.streams.info(SOURCES[key].stream)).state.last_seq] as const));
    return Object.fromEntries(entries) as Record<StreamKey, number>;
  }

  /** Sees every event before it is sent to any socket (caches drop what it changed). */
  observe(observer: (event: FeedEvent) => void): void {
    this.observers.push(observer);
  }

  /** Tails every stream from now on; `onEvent` is called in stream order per stream. */
  async start(onEvent: (event: FeedEvent) => void): Promise<void> {
    for (const key of STREAM_KEYS) {
      const from = (await this.jsm.streams.info(SOURCES[key].stream)).state.last_seq + 1;
      void this.tail(key, from, onEvent);
    }
  }

  /**
   * An unacknowledged ephemeral consumer per stream. A NATS restart or a leader change loses it
   * (it lives in memory): the tail then ends and is recreated after the last event seen, so the
   * sockets miss nothing, and the stream is reported stalled until it receives again.
   */
  private async tail(key: StreamKey, from: number, onEvent: (event: FeedEvent) => void): Promise<void> {
    let next = from;
    const name = `live-${key}`;
    while (!this.stopped) {
      try {
        const consumerName = await this.ephemeral(key, next, []);
        const consumer = await this.js.consumers.get(SOURCES[key].stream, consumerName);
        const messages = await consumer.consume({ max_messages: 1000, abort_on_missing_resource: true });
        const stop = () => void messages.close();
        this.stops.push(stop);
        void this.endWhenLost(messages, key);
        this.liveness.resume(name);
        for await (const msg of messages) {
          next = msg.seq + 1;
          const event = decodeFeedEvent(key, msg.seq, msg.subject, msg.data);
          if (!event) continue;
          for (const observer of this.observers) observer(event);
          onEvent(event);
        }
        this.stops.splice(this.stops.indexOf(stop), 1);
        if (!this.stopped) this.liveness.stall(name, 'consumer ended');
      } catch (error) {
        this.liveness.stall(name, errorMessage(error));
        this.logger.warn({ stream: key, error: errorMessage(error) }, 'live event tail interrupted, resuming');
      }
      if (!this.stopped) await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  /** Ends a tail whose consumer was deleted or stopped answering, so tail() creates a new one. */
  private async endWhenLost(messages: ConsumerMessages, key: StreamKey): Promise<void> {
    for await (const status of messages.status()) {
      const lost = status.type === 'consumer_deleted' || status.type === 'consumer_not_found' || (status.type === 'heartbeats_missed' && status.count >= 2);
      if (lost) {
        this.logger.warn({ stream: key, status: status.type }, 'live event consumer lost');
        await messages.close();
        return;
      }
    }
  }

  private async ephemeral(key: StreamKey, startSeq: number, filter: string[]): Promise<string> {
    const info = await this.jsm.consumers.add(SOURCES[key].stream, {
      ack_policy: AckPolicy.None,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: Math.max(1, startSeq),
      filter_subjects: filter.length > 0 ? filter : undefined,
      inactive_threshold: nanos(30_000),
      mem_storage: true,
    });
    return info.name;
  }

  /** The account's events after `afterSeq`, up to the end of the stream now. */
  async replay(stream: StreamKey, accountId: string, afterSeq: number): Promise<ReplayResult> {
    const info = await this.jsm.streams.info(SOURCES[stream].stream);
    const lastSeq = info.state.last_seq;
    if (afterSeq >= lastSeq) return { events: [], lastSeq };
    if (afterSeq + 1 < info.state.first_seq) return { tooOld: true, lastSeq };
    const name = await this.ephemeral(stream, afterSeq + 1, [SOURCES[stream].subject(accountId)]);
    const events: FeedEvent[] = [];
    try {
      const consumer = await this.js.consumers.get(SOURCES[stream].stream, name);
      let pending = (await consumer.info()).num_pending;
      if (pending > this.maxReplay) return { tooOld: true, lastSeq };
      while (pending > 0) {
        const batch = await consumer.fetch({ max_messages: Math.min(pending, 500), expires: 2000 });
        let received = 0;
        for await (const msg of batch) {
          received += 1;
          const event = decodeFeedEvent(stream, msg.seq, msg.subject, msg.data);
          if (event && msg.seq <= lastSeq) events.push(event);
          pending = msg.info.pending;
        }
        if (received === 0) break;
      }
    } finally {
      await this.jsm.consumers.delete(SOURCES[stream].stream, name).catch(() => undefined);
    }
    return { events, lastSeq };
  }

  stop(): void {
    this.stopped = true;
    for (const stop of this.stops.splice(0)) stop();
  }
}
