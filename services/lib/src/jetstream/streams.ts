// Streams and durable consumers declared as code. provisionJetStream creates what is missing
// and updates what differs, so every service (and the Helm hook) can run it at boot safely.
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
  type ConsumerConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { whenClusterPlaces, type SettleOptions } from './cluster-settle';

export interface StreamSpec {
  name: string;
  subjects: string[];
  maxAgeMs: number;
  duplicateWindowMs: number;
  description: string;
}

export interface ConsumerSpec {
  stream: string;
  durable: string;
  filterSubjects: string[];
  /** Deliveries the handler attempts before the message goes to the dead-letter stream. */
  maxDeliver: number;
  ackWaitMs: number;
  maxAckPending: number;
  description: string;
  /**
   * Where a newly created durable starts: 'all' (the stream's first message, the default) or
   * 'new' (what is published from then on), for a consumer added to a stream that already holds
   * history it must not act on.
   */
  startAt?: 'all' | 'new';
  /**
   * Durables this one takes over. Created while any of them exists, it starts at the lowest of
   * their acknowledgement floors, so nothing either had not finished is skipped (what one of them
   * had finished may be handled again: the handler must be idempotent); then they are deleted.
   */
  replaces?: string[];
}

const DAY = 24 * 60 * 60 * 1000;

export const STREAMS = {
  ingest: {
    name: 'INGEST',
    subjects: ['ingest.inbound.>'],
    maxAgeMs: 7 * DAY,
    duplicateWindowMs: 10 * 60 * 1000,
    description: 'Customer messages accepted at the channel edge, waiting to be stored',
  },
  conversationEvents: {
    name: 'CONVERSATION_EVENTS',
    subjects: ['conversation.>'],
    maxAgeMs: 7 * DAY,
    duplicateWindowMs: 10 * 60 * 1000,
    description: 'Changes to conversations, relayed from the conversation service outbox',
  },
  notificationEvents: {
    name: 'NOTIFICATION_EVENTS',
    subjects: ['notification.>'],
    maxAgeMs: 2 * DAY,
    duplicateWindowMs: 10 * 60 * 1000,
    description: 'Notifications created for users',
  },
  routingEvents: {
    name: 'ROUTING_EVENTS',
    subjects: ['routing.>'],
    maxAgeMs: 2 * DAY,
    duplicateWindowMs: 10 * 60 * 1000,
    description: 'Availability changes and assignment decisions',
  },
  chatOutbound: {
    name: 'CHAT_OUTBOUND',
    subjects: ['chat.outbound.>'],
    maxAgeMs: 2 * DAY,
    duplicateWindowMs: 10 * 60 * 1000,
    description: "Agents' chat replies for the chat edge to deliver to visitors",
  },
  deadLetter: {
    name: 'DLQ',
    subjects: ['dlq.>'],
    maxAgeMs: 30 * DAY,
    duplicateWindowMs: 10 * 60 * 1000,
    description: 'Messages a consumer gave up on, kept for inspection and replay',
  },
} satisfies Record<string, StreamSpec>;

export const CONSUMERS = {
  conversationInbound: {
    stream: STREAMS.ingest.name,
    durable: 'conversation-inbound',
    filterSubjects: ['ingest.inbound.>'],
    maxDeliver: 8,
    ackWaitMs: 30_000,
    maxAckPending: 1000,
    description: 'Conversation service: store inbound messages',
  },
  // One consumer for both of the notification service's uses of conversation events: the two it
  // replaces each took and acknowledged the same message_created of every inbound message.
  notificationEvents: {
    stream: STREAMS.conversationEvents.name,
    durable: 'notification-events',
    replaces: ['notification-fanout', 'notification-webhooks'],
    filterSubjects: [
      'conversation.*.created',
      'conversation.*.updated',
      'conversation.*.assigned',
      'conversation.*.deleted',
      'conversation.*.message_created',
      'conversation.*.comment_created',
      'conversation.*.sla_breached',
    ],
    maxDeliver: 10,
    ackWaitMs: 30_000,
    maxAckPending: 1000,
    description: 'Notification service: mentions, assignments and new messages for their owners, and one webhook delivery per subscription that wants the event',
  },
  searchIndexer: {
    stream: STREAMS.conversationEvents.name,
    durable: 'search-indexer',
    filterSubjects: ['conversation.>'],
    // The indexer waits out OpenSearch outages itself (the heartbeat keeps its messages), so a
    // redelivery means a crash, not an outage.
    maxDeliver: 20,
    ackWaitMs: 30_000,
    maxAckPending: 5000,
    description: 'Search service: keep the conversation index in step',
  },
  routingAssigner: {
    stream: STREAMS.conversationEvents.name,
    durable: 'routing-assigner',
    filterSubjects: ['conversation.*.created', 'conversation.*.updated', 'conversation.*.assigned', 'conversation.*.deleted'],
    maxDeliver: 10,
    // Short, so a crashed replica's conversations are retried by the others within seconds.
    ackWaitMs: 10_000,
    maxAckPending: 1000,
    description: 'Routing service: assign conversations that need an owner, free capacity when they close',
  },
  conversationServiceLevels: {
    stream: STREAMS.conversationEvents.name,
    durable: 'conversation-service-levels',
    // What can move a clock: a message (a new conversation always comes with its first), a close,
    // reopen, trash or team change.
    filterSubjects: ['conversation.*.updated', 'conversation.*.message_created'],
    maxDeliver: 10,
    ackWaitMs: 30_000,
    maxAckPending: 1000,
    description: "Conversation service: keep each conversation's service-level target in step",
  },
  chatReplyDelivery: {
    stream: 'CHAT_OUTBOUND',
    durable: 'ingest-chat-replies',
    filterSubjects: ['chat.outbound.>'],
    maxDeliver: 10,
    ackWaitMs: 30_000,
    maxAckPending: 1000,
    description: "Ingest: put agents' chat replies into the visitor's transcript and live socket",
  },
} satisfies Record<string, ConsumerSpec>;

export interface ProvisionOptions {
  replicas: number;
  /** While a cluster is still forming, how long to wait for it to place replicas. */
  settle?: SettleOptions;
}

export async function provisionJetStream(
  jsm: JetStreamManager,
  streams: StreamSpec[],
  consumers: ConsumerSpec[],
  options: ProvisionOptions = { replicas: 1 },
): Promise<void> {
  for (const spec of streams) await whenClusterPlaces(() => ensureStream(jsm, spec, options), options.settle);
  for (const spec of consumers) await whenClusterPlaces(() => ensureConsumer(jsm, spec), options.settle);
}

async function ensureStream(jsm: JetStreamManager, spec: StreamSpec, options: ProvisionOptions): Promise<void> {
  const config: Partial<StreamConfig> & { name: string } = {
    name: spec.name,
    subjects: spec.subjects,
    description: spec.description,
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: nanos(spec.maxAgeMs),
    duplicate_window: nanos(spec.duplicateWindowMs),
    num_replicas: options.replicas,
    max_msg_size: 8 * 1024 * 1024,
  };
  const existing = await jsm.streams.info(spec.name).catch(() => null);
  if (!existing) {
    await jsm.streams.add(config);
    return;
  }
  const current = existing.config;
  const differs =
    JSON.stringify([...current.subjects].sort()) !== JSON.stringify([...spec.subjects].sort()) ||
    current.max_age !== config.max_age ||
    current.duplicate_window !== config.duplicate_window ||
    current.description !== config.description ||
    current.max_msg_size !== config.max_msg_size ||
    current.num_replicas !== config.num_replicas;
  if (differs) {
    const { storage: _storage, retention: _retention, name: _name, ...updatable } = config;
    await jsm.streams.update(spec.name, { ...current, ...updatable });
  }
}

export function consumerConfig(spec: ConsumerSpec): Partial<ConsumerConfig> {
  return {
    durable_name: spec.durable,
    description: spec.description,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: spec.startAt === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
    filter_subjects: spec.filterSubjects,
    ack_wait: nanos(spec.ackWaitMs),
    // One delivery beyond the handler's own limit, so a crash during the last attempt still
    // gets the message to the dead-letter stream on the next delivery.
    max_deliver: spec.maxDeliver + 1,
    max_ack_pending: spec.maxAckPending,
  };
}

/** Creates the durable consumer, or brings an existing one to its spec. */
export async function ensureConsumer(jsm: JetStreamManager, spec: ConsumerSpec): Promise<void> {
  const config = consumerConfig(spec);
  const existing = await jsm.consumers.info(spec.stream, spec.durable).catch(() => null);
  if (!existing) {
    const replaced = await Promise.all((spec.replaces ?? []).map((durable) => jsm.consumers.info(spec.stream, durable).catch(() => null)));
    const floors = replaced.flatMap((info) => (info ? [info.ack_floor.stream_seq] : []));
    const starting = floors.length > 0 ? { ...config, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: Math.min(...floors) + 1 } : config;
    // Two replicas booting together both find it missing. The second one's add is refused when it
    // read the floors later, or found the replaced durables already deleted; the durable the first
    // made is the one to keep.
    await jsm.consumers.add(spec.stream, starting).catch(async (error: unknown) => {
      if (!(await jsm.consumers.info(spec.stream, spec.durable).catch(() => null))) throw error;
    });
    await deleteReplaced(jsm, spec);
    return;
  }
  // A crash between creating this durable and deleting the ones it replaces leaves them behind.
  await deleteReplaced(jsm, spec);
  const current = existing.config;
  const differs =
    JSON.stringify(current.filter_subjects ?? [current.filter_subject]) !== JSON.stringify(spec.filterSubjects) ||
    current.ack_wait !== config.ack_wait ||
    current.max_deliver !== config.max_deliver ||
    current.max_ack_pending !== config.max_ack_pending ||
    current.description !== config.description;
  if (differs) await jsm.consumers.update(spec.stream, spec.durable, config);
}

async function deleteReplaced(jsm: JetStreamManager, spec: ConsumerSpec): Promise<void> {
  for (const durable of spec.replaces ?? []) await jsm.consumers.delete(spec.stream, durable).catch(() => false);
}
