// Transactional outbox: events are written in the same transaction as the change they describe;
// the relay publishes them to JetStream (event id as message id) and deletes what was published.
// Several replicas can relay at once: each takes rows with FOR UPDATE SKIP LOCKED.
import type { JetStreamClient } from '@nats-io/jetstream';
import { TRACEPARENT_HEADER, errorMessage, messageDirection, newId, publishDurably, traceHeaders, withTransaction, type Logger, type Pool, type PoolClient } from '@inbox/lib';
import { ConversationEvent, ConversationEventType } from '@inbox/lib/gen/inbox/events/v1/events';
import type { EventDraft } from '../use-cases/unit-of-work';

export const EVENT_SUBJECT_NAMES: Record<ConversationEventType, string> = {
  [ConversationEventType.CONVERSATION_EVENT_TYPE_UNSPECIFIED]: 'unspecified',
  [ConversationEventType.CONVERSATION_EVENT_TYPE_CREATED]: 'created',
  [ConversationEventType.CONVERSATION_EVENT_TYPE_UPDATED]: 'updated',
  [ConversationEventType.CONVERSATION_EVENT_TYPE_MESSAGE_CREATED]: 'message_created',
  [ConversationEventType.CONVERSATION_EVENT_TYPE_COMMENT_CREATED]: 'comment_created',
  [ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED]: 'assigned',
  [ConversationEventType.CONVERSATION_EVENT_TYPE_MESSAGE_HIDDEN]: 'message_hidden',
  [ConversationEventType.CONVERSATION_EVENT_TYPE_MESSAGE_UNHIDDEN]: 'message_unhidden',
  [ConversationEventType.CONVERSATION_EVENT_TYPE_DELETED]: 'deleted',
  [ConversationEventType.CONVERSATION_EVENT_TYPE_SLA_CHANGED]: 'sla_changed',
  [ConversationEventType.CONVERSATION_EVENT_TYPE_SLA_BREACHED]: 'sla_breached',
};

export type { EventDraft } from '../use-cases/unit-of-work';

export async function appendEvents(tx: PoolClient, drafts: EventDraft[]): Promise<void> {
  if (drafts.length === 0) return;
  const subjects: string[] = [];
  const ids: string[] = [];
  const payloads: Buffer[] = [];
  for (const draft of drafts) {
    const event = ConversationEvent.fromPartial({
      ...draft,
      messageDirectionName: messageDirection.nameOf(draft.messageDirection ?? 0) ?? '',
      eventId: newId('evt'),
      occurredAt: new Date(),
    });
    subjects.push(`conversation.${event.accountId}.${EVENT_SUBJECT_NAMES[event.type]}`);
    ids.push(event.eventId);
    payloads.push(Buffer.from(ConversationEvent.encode(event).finish()));
  }
  await tx.query('INSERT INTO outbox (subject, msg_id, payload, trace_context) SELECT *, $4::text FROM unnest($1::text[], $2::text[], $3::bytea[])', [
    subjects,
    ids,
    payloads,
    traceHeaders()[TRACEPARENT_HEADER] ?? null,
  ]);
}

/** Writes an event of another type (its own subject and encoded payload) to the outbox. */
export async function appendRawEvent(tx: PoolClient, subject: string, msgId: string, payload: Uint8Array): Promise<void> {
  await tx.query('INSERT INTO outbox (subject, msg_id, payload, trace_context) VALUES ($1, $2, $3, $4)', [subject, msgId, Buffer.from(payload), traceHeaders()[TRACEPARENT_HEADER] ?? null]);
}

export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private wake = false;

  constructor(
    private readonly pool: Pool,
    private readonly js: JetStreamClient,
    private readonly logger: Logger,
    private readonly intervalMs = 250,
    private readonly batchSize = 200,
  ) {}

  start(): void {
    this.schedule(0);
  }

  /** Publishes pending rows now instead of at the next tick (called after local commits). */
  poke(): void {
    if (this.running) this.wake = true;
    else this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.relayOnce().catch(() => undefined);
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.drain().finally(() => {
        this.running = undefined;
        const again = this.wake;
        this.wake = false;
        this.schedule(again ? 0 : this.intervalMs);
      });
    }, delay);
  }

  private async drain(): Promise<void> {
    try {
      while (!this.stopped && (await this.relayOnce()) === this.batchSize);
    } catch (error) {
      this.logger.warn({ error: errorMessage(error) }, 'outbox relay failed, will retry');
    }
  }

  /**
   * Publishes one batch in id order; returns how many rows it published. The rows are deleted
   * first, in the same transaction, so a failed publish (or a crash) rolls the deletion back and
   * the rows are published again, deduplicated by their message ids.
   */
  async relayOnce(): Promise<number> {
    return withTransaction(this.pool, async (tx) => {
      const taken = await tx.query<{ id: string; subject: string; msg_id: string; payload: Buffer; trace_context: string | null }>(
        // Materialised: as a join's inner side, the locking subquery can be rescanned per outer row,
        // skip the rows this statement already deleted and hand over the next ones, past the limit.
        // Planned with its values on every call, never from a cached plan: the queue swings between
        // empty and thousands of rows, and a plan made for an empty table scans it whole per batch.
        `WITH taken AS MATERIALIZED (SELECT id FROM outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
         DELETE FROM outbox o USING taken WHERE o.id = taken.id RETURNING o.id, o.subject, o.msg_id, o.payload, o.trace_context`,
        [this.batchSize],
      );
      const rows = taken.rows.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
      await Promise.all(
        rows.map((row) =>
          publishDurably(this.js, row.subject, row.payload, { msgId: row.msg_id, headers: row.trace_context ? { [TRACEPARENT_HEADER]: row.trace_context } : undefined }),
        ),
      );
      return rows.length;
    });
  }
}
