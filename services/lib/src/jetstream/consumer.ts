// The contract every JetStream consumer follows: decode, an ordering key (messages with the
// same key are handled one after another, different keys in parallel up to a bound), an
// idempotent handle(), ack only after the work, nak with backoff on a transient failure, and
// the dead-letter stream after maxDeliver attempts or at once for a permanent failure. Every
// fetched message is kept alive (working) from the moment it arrives until it is settled, so one
// queued behind a slow ordering key is never redelivered while it waits; a waiting message holds
// no handler slot, so other keys keep flowing.
import { JetStreamApiCodes, JetStreamApiError, type ConsumerMessages, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import type { Logger } from '../logging/logger';
import { NATS_REQUEST_ID_HEADER, requestIdFrom, runWithRequestContext } from '../logging/request-context';
import { errorMessage } from '../observability/health';
import type { ServiceMetrics } from '../observability/metrics';
import { trace, type SpanContext } from '@opentelemetry/api';
import type { MsgHdrs } from '@nats-io/nats-core';
import { SpanKind, extractContext, inSpan } from '../observability/tracing';
import { deadLetter } from './dead-letter';
import type { SubscriptionLiveness } from './liveness';
import { consumerConfig, type ConsumerSpec } from './streams';

/** W3C trace context from a message's NATS headers. */
const NATS_HEADER_GETTER = {
  keys: (headers: MsgHdrs | undefined) => (headers ? [...headers.keys()] : []),
  get: (headers: MsgHdrs | undefined, key: string) => (headers?.has(key) ? headers.get(key) : undefined),
};

/** Thrown when retrying cannot help (undecodable payload, impossible state): dead-lettered at once. */
export class PermanentError extends Error {
  override name = 'PermanentError';
}

export interface HandlerContext {
  deliveryCount: number;
  streamSequence: number;
  subject: string;
  logger: Logger;
}

export interface EventHandler<T> {
  decode(data: Uint8Array, subject: string): T;
  orderingKey(event: T): string;
  handle(event: T, context: HandlerContext): Promise<void>;
  /**
   * Handles several messages (each the next of its ordering key) as one unit of work: all of it
   * commits or the call throws, and then each message is handled alone through handle(), so one
   * poison message is retried and dead-lettered by itself.
   */
  handleBatch?(events: { event: T; context: HandlerContext }[]): Promise<void>;
}

export interface ConsumerRunOptions<T> {
  js: JetStreamClient;
  spec: ConsumerSpec;
  handler: EventHandler<T>;
  logger: Logger;
  metrics: ServiceMetrics;
  /** Messages being handled at once. */
  concurrency?: number;
  /** Messages held at once, handled or waiting behind their ordering key (default 8 × concurrency, at least 2 batches). */
  maxHeld?: number;
  /** Most messages one handleBatch() call gets (when the handler has one); each batch takes one slot. */
  batchSize?: number;
  /** How long a batch that is not full waits for more ready messages before it starts (default 0). */
  batchLingerMs?: number;
  /** Delay before the next attempt after a transient failure. */
  backoffMs?: (deliveryCount: number) => number;
  /** How long one pull waits for messages; bounds how long stop() waits for the last pull. */
  fetchExpiresMs?: number;
  /** Told when pulling fails and when it works again (readiness reads it). */
  liveness?: SubscriptionLiveness;
  /** How often the consumer's lag is read into the metrics (default 15 s). */
  lagIntervalMs?: number;
}

export const exponentialBackoff = (deliveryCount: number): number =>
  Math.min(30_000, 250 * 2 ** Math.max(0, deliveryCount - 1));

export interface RunningConsumer {
  /** Stops pulling, returns unstarted messages for redelivery, waits for in-flight work. */
  stop: () => Promise<void>;
  inFlight: () => number;
}

export async function runConsumer<T>(options: ConsumerRunOptions<T>): Promise<RunningConsumer> {
  const { js, spec, handler, metrics } = options;
  const logger = options.logger.child({ consumer: spec.durable });
  const concurrency = options.concurrency ?? 16;
  const backoff = options.backoffMs ?? exponentialBackoff;
  const fetchExpiresMs = options.fetchExpiresMs ?? 2000;
  const consumer = await js.consumers.get(spec.stream, spec.durable);
  const chains = new Map<string, Promise<void>>();
  const slots = new Semaphore(concurrency);
  const held = new Set<JsMsg>();
  const batchSize = handler.handleBatch ? Math.max(1, options.batchSize ?? 1) : 1;
  const room = new Semaphore(options.maxHeld ?? Math.max(concurrency * 8, batchSize * 2));
  const batchLingerMs = options.batchLingerMs ?? 0;
  let stopping = false;
  let active = 0;
  // One timer keeps every held message alive, waiting or running, until it is settled.
  const keepAlive = setInterval(() => {
    for (const msg of held) msg.working();
  }, Math.max(250, spec.ackWaitMs / 3));
  const readLag = () =>
    consumer.info().then(
      (info) => {
        metrics.consumerPending.set({ consumer: spec.durable }, info.num_pending);
        metrics.consumerAckPending.set({ consumer: spec.durable }, info.num_ack_pending);
      },
      () => undefined,
    );
  void readLag();
  const lagTimer = setInterval(() => void readLag(), options.lagIntervalMs ?? 15_000);
  lagTimer.unref();

  const handleOne = async (msg: JsMsg, event: T): Promise<void> => {
    const deliveryCount = msg.info.deliveryCount;
    const requestId = requestIdFrom(msg.headers?.get(NATS_REQUEST_ID_HEADER));
    const stopTimer = metrics.eventDuration.startTimer({ consumer: spec.durable });
    active += 1;
    try {
      if (deliveryCount > spec.maxDeliver) {
        throw new PermanentError(`delivered ${deliveryCount} times, more than max_deliver ${spec.maxDeliver}`);
      }
      await runWithRequestContext({ requestId }, () =>
        inSpan(`process ${spec.durable}`, { kind: SpanKind.CONSUMER, parent: extractContext(msg.headers, NATS_HEADER_GETTER), attributes: { 'messaging.system': 'nats', 'messaging.consumer.group.name': spec.durable, 'messaging.destination.name': msg.subject } }, () =>
          handler.handle(event, { deliveryCount, streamSequence: msg.info.streamSequence, subject: msg.subject, logger }),
        ),
      );
      // A plain ack, not a confirmed one: a lost ack costs one redelivery, which every handler's
      // idempotency absorbs, while a confirmation doubles the NATS round trips of every message.
      msg.ack();
      metrics.eventsHandled.inc({ consumer: spec.durable, outcome: 'ack' });
    } catch (error) {
      await settleFailure(msg, error, deliveryCount);
    } finally {
      active -= 1;
      stopTimer();
    }
  };

  const settleFailure = async (msg: JsMsg, error: unknown, deliveryCount: number): Promise<void> => {
    const permanent = error instanceof PermanentError;
    if (permanent || deliveryCount >= spec.maxDeliver) {
      try {
        await deadLetter(js, msg, spec, errorMessage(error));
        msg.term(errorMessage(error).slice(0, 200));
        metrics.eventsHandled.inc({ consumer: spec.durable, outcome: 'dead_letter' });
        logger.error({ seq: msg.info.streamSequence, deliveryCount, error: errorMessage(error) }, 'message dead-lettered');
      } catch (dlqError) {
        msg.nak(backoff(deliveryCount));
        logger.error({ error: errorMessage(dlqError) }, 'could not dead-letter message, will retry');
      }
      return;
    }
    msg.nak(backoff(deliveryCount));
    metrics.eventsHandled.inc({ consumer: spec.durable, outcome: 'nak' });
    logger.warn({ seq: msg.info.streamSequence, deliveryCount, error: errorMessage(error) }, 'handler failed, will retry');
  };

  // Batching: a message whose turn has come joins the ready queue; whenever a slot is free, up
  // to batchSize ready messages (distinct ordering keys, as each waits for its predecessor) are
  // handled together.
  const ready: { msg: JsMsg; event: T; settled: () => void }[] = [];
  let pumping = false;
  const whenBatched = (msg: JsMsg, event: T): Promise<void> =>
    new Promise<void>((settled) => {
      ready.push({ msg, event, settled });
      if (!pumping) void pump();
    });
  const pump = async (): Promise<void> => {
    pumping = true;
    for (;;) {
      await slots.acquire();
      if (ready.length === 0) {
        slots.release();
        pumping = false;
        return;
      }
      // Trading a few milliseconds of latency for fuller batches: fewer statements per message.
      if (batchLingerMs > 0 && ready.length < batchSize) await sleep(batchLingerMs);
      const batch = ready.splice(0, batchSize);
      if (stopping) {
        // Stopping: what has not started goes back for redelivery at once.
        for (const item of batch) {
          item.msg.nak();
          item.settled();
        }
        slots.release();
        continue;
      }
      void handleBatch(batch)
        .catch((error) => logger.error({ error: errorMessage(error) }, 'batch settlement failed'))
        .finally(() => {
          slots.release();
          for (const item of batch) item.settled();
        });
    }
  };

  const handleBatch = async (batch: { msg: JsMsg; event: T }[]): Promise<void> => {
    const overDelivered = batch.filter((b) => b.msg.info.deliveryCount > spec.maxDeliver);
    const work = batch.filter((b) => b.msg.info.deliveryCount <= spec.maxDeliver);
    for (const b of overDelivered) await handleOne(b.msg, b.event);
    if (work.length === 0) return;
    if (work.length === 1) return handleOne(work[0].msg, work[0].event);
    const stopTimer = metrics.eventDuration.startTimer({ consumer: spec.durable });
    metrics.eventBatchSize.observe({ consumer: spec.durable }, work.length);
    active += work.length;
    let failure: unknown;
    try {
      // One span for the batch, linked to each message's trace.
      const links = work.map(({ msg }) => ({ context: trace.getSpanContext(extractContext(msg.headers, NATS_HEADER_GETTER)) })).filter((l): l is { context: SpanContext } => !!l.context);
      await inSpan(`process ${spec.durable} batch`, { kind: SpanKind.CONSUMER, links, attributes: { 'messaging.system': 'nats', 'messaging.batch.message_count': work.length } }, () =>
        handler.handleBatch!(
          work.map(({ msg, event }) => ({
            event,
            context: { deliveryCount: msg.info.deliveryCount, streamSequence: msg.info.streamSequence, subject: msg.subject, logger },
          })),
        ),
      );
    } catch (error) {
      failure = error;
    } finally {
      active -= work.length;
      stopTimer();
    }
    if (failure === undefined) {
      for (const { msg } of work) msg.ack();
      metrics.eventsHandled.inc({ consumer: spec.durable, outcome: 'ack' }, work.length);
      return;
    }
    logger.warn({ size: work.length, error: errorMessage(failure) }, 'batch failed, handling its messages one by one');
    metrics.eventsHandled.inc({ consumer: spec.durable, outcome: 'batch_split' });
    for (const { msg, event } of work) await handleOne(msg, event);
  };

  const dispatch = async (msg: JsMsg): Promise<void> => {
    if (stopping) {
      msg.nak();
      return;
    }
    let event: T;
    try {
      event = handler.decode(msg.data, msg.subject);
    } catch (error) {
      await settleFailure(msg, new PermanentError(`undecodable message: ${errorMessage(error)}`), msg.info.deliveryCount);
      return;
    }
    await room.acquire();
    held.add(msg);
    const key = handler.orderingKey(event);
    const previous = chains.get(key) ?? Promise.resolve();
    // The handler slot is taken only when this message's turn comes, not while it waits.
    const next = previous
      .then(async () => {
        // Stopping: a message whose turn has not come goes back for redelivery at once.
        if (stopping) return msg.nak();
        if (batchSize > 1) return whenBatched(msg, event);
        await slots.acquire();
        try {
          await handleOne(msg, event);
        } finally {
          slots.release();
        }
      })
      .finally(() => {
        held.delete(msg);
        room.release();
        if (chains.get(key) === next) chains.delete(key);
      });
    chains.set(key, next);
  };

  // Explicit fetch batches rather than an open-ended consume(): on shutdown no new pull is
  // issued and the current one runs out (at most fetchExpiresMs), so every message the server
  // handed us is either handled or returned with nak, never left to wait out ack_wait.
  // A failed pull stalls the consumer until a pull works again. A durable consumer that is gone
  // (its server lost its state) is created again from its spec, resuming from the stream's start:
  // every handler is idempotent, so what was already handled is handled again harmlessly.
  const consumerIsMissing = async (): Promise<boolean> => {
    try {
      await (await js.jetstreamManager()).consumers.info(spec.stream, spec.durable);
      return false;
    } catch (error) {
      return error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound;
    }
  };
  const stalled = async (error: unknown, pause: number): Promise<void> => {
    const reason = errorMessage(error);
    options.liveness?.stall(spec.durable, reason);
    logger.warn({ error: reason }, 'jetstream pull failed, retrying');
    // Asked on every failed pull, not only when the error names the consumer: a pull issued
    // after the deletion fails as 'no responders' or missed heartbeats, never as 'not found'.
    if (await consumerIsMissing()) {
      await (await js.jetstreamManager()).consumers.add(spec.stream, consumerConfig(spec)).then(
        () => logger.warn('durable consumer was missing and has been created again'),
        (createError: unknown) => logger.warn({ error: errorMessage(createError) }, 'could not create the missing consumer yet'),
      );
    }
    if (!stopping) await sleep(pause);
  };
  const loop = (async () => {
    while (!stopping) {
      let batch: ConsumerMessages;
      try {
        batch = await consumer.fetch({ max_messages: Math.max(Math.max(concurrency, 1) * 2, batchSize), expires: fetchExpiresMs });
      } catch (error) {
        await stalled(error, 1000);
        continue;
      }
      try {
        for await (const msg of batch) await dispatch(msg);
        options.liveness?.resume(spec.durable);
      } catch (error) {
        await stalled(error, 500);
      }
    }
  })();

  return {
    inFlight: () => active,
    stop: async () => {
      stopping = true;
      await loop;
      await Promise.allSettled([...chains.values()]);
      clearInterval(keepAlive);
      clearInterval(lagTimer);
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

class Semaphore {
  private available: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.available = size;
  }

  acquire(): Promise<void> {
    if (this.available > 0) {
      this.available -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.available += 1;
  }
}
