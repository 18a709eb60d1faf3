// Hands queued outbound messages to their channel's provider: email to the SMTP relay, Messenger
// replies to the Graph Send API, calls to the telephony API. Rows are taken with FOR UPDATE SKIP
// LOCKED, so several replicas share the queue; a failure is retried with backoff, a permanent one
// (or the last attempt) is recorded on the message as failed with the provider's reason. The
// conversation gets an event either way, so agents see the status change live.
import { Counter, Gauge, type Registry } from 'prom-client';
import { errorMessage, withCachedPlans, type Logger, type Pool, type PoolClient } from '@inbox/lib';
import { ConversationEventType } from '@inbox/lib/gen/inbox/events/v1/events';
import { appendEvents } from '../../../adapters/outbox';

export interface RetryPolicy {
  maxAttempts: number;
  /** The first retry waits this long; each further one twice as long, up to an hour. */
  backoffMs: number;
}

export interface DueMessage {
  message_id: string;
  attempts: number;
  channel: string;
  from_name: string;
  from_address: string;
  to_addresses: { name: string; address: string }[];
  cc_addresses: { name: string; address: string }[];
  bcc_addresses: { name: string; address: string }[];
  subject: string;
  text_body: string;
  html_body: string | null;
  rfc_message_id: string;
  in_reply_to: string[];
  reference_ids: string[];
  reply_to_address: string | null;
  thread_key: string | null;
  channel_id: string | null;
  channel_key: string | null;
  channel_secret: string | null;
  send_token: string | null;
  channel_settings: Record<string, unknown> | null;
  call_id: string | null;
  call_to: string | null;
  attachments: { filename: string; content_type: string; object_key: string; content_id: string | null; inline: boolean }[] | null;
}

/** A provider that refused for a reason that retrying will not change. */
export class PermanentDeliveryError extends Error {}

export interface OutboundSender {
  /** Returns the provider's id for what was sent, when it has one. */
  send(message: DueMessage): Promise<{ externalId?: string }>;
  close?(): void;
}

const LOCK_DUE_SQL = 'SELECT message_id, attempts FROM outbound_deliveries WHERE next_attempt_at <= now() ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED';

const DUE_MESSAGE_SQL = `SELECT m.id AS message_id, m.channel, m.from_name, m.from_address, m.to_addresses, m.cc_addresses, m.bcc_addresses, m.subject, m.text_body, m.html_body,
         m.rfc_message_id, m.in_reply_to, m.reference_ids, m.reply_to_address, c.thread_key,
         ch.id AS channel_id, ch.lookup_key AS channel_key, ch.secret AS channel_secret, ch.send_token, ch.settings AS channel_settings,
         cl.id AS call_id, cl.to_number AS call_to,
         (SELECT json_agg(json_build_object('filename', a.filename, 'content_type', a.content_type, 'object_key', a.object_key,
                                            'content_id', a.content_id, 'inline', a.inline) ORDER BY a.position, a.id)
          FROM attachments a WHERE a.message_id = m.id) AS attachments
  FROM messages m
  JOIN conversations c ON c.id = m.conversation_id
  LEFT JOIN calls cl ON cl.message_id = m.id
  LEFT JOIN channels ch ON ch.id = COALESCE(cl.channel_id, c.channel_id)
  WHERE m.id = $1`;

export class OutboundDeliveryWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private attempts: Counter<'channel' | 'outcome'> | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly senders: Record<string, OutboundSender>,
    private readonly logger: Logger,
    private readonly onCommitted: () => void,
    private readonly retry: RetryPolicy = { maxAttempts: 8, backoffMs: 10_000 },
    private readonly intervalMs = 500,
  ) {}

  start(): void {
    this.schedule(0);
  }

  /** Delivery attempts by channel and outcome (sent, retry, failed), and the queue read at each scrape. */
  observe(registry: Registry): void {
    this.attempts = new Counter({
      name: 'inbox_outbound_attempts_total',
      help: 'Outbound delivery attempts by channel and outcome: sent, retry (will be tried again), failed (for good)',
      labelNames: ['channel', 'outcome'],
      registers: [registry],
    });
    const pool = this.pool;
    new Gauge({
      name: 'inbox_outbound_queue_messages',
      help: 'Outbound messages waiting for delivery: due now, and waiting for a retry',
      labelNames: ['state'],
      registers: [registry],
      async collect() {
        const counts = await pool
          .query<{ due: string; later: string }>('SELECT count(*) FILTER (WHERE next_attempt_at <= now()) AS due, count(*) FILTER (WHERE next_attempt_at > now()) AS later FROM outbound_deliveries')
          .catch(() => undefined);
        if (!counts) return;
        this.set({ state: 'due' }, Number(counts.rows[0].due));
        this.set({ state: 'retry_wait' }, Number(counts.rows[0].later));
      },
    });
  }

  poke(): void {
    if (!this.running) this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    for (const sender of Object.values(this.senders)) sender.close?.();
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.deliverDue()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.warn({ error: errorMessage(error) }, 'delivery pass failed'))
        .finally(() => {
          this.running = undefined;
          this.schedule(this.intervalMs);
        });
    }, delay);
  }

  /** Delivers every due message, one transaction each; returns how many were attempted. */
  async deliverDue(): Promise<number> {
    let attempted = 0;
    while (!this.stopped && (await this.deliverOne())) attempted += 1;
    return attempted;
  }

  private async deliverOne(): Promise<boolean> {
    let changed = false;
    const found = await withCachedPlans(this.pool, async (tx) => {
      // The queue is locked with a plan made for its size now (a config object is sent unnamed,
      // so nothing is cached): it swings between empty and a backlog, and a plan cached while it
      // was empty sorts the whole backlog, joined to its messages, on every poll. The message is
      // then read by keys alone, whose cached plan holds at any size.
      const locked = await tx.query<{ message_id: string; attempts: number }>({ text: LOCK_DUE_SQL });
      const head = locked.rows[0];
      if (!head) return false;
      const row = (await tx.query<Omit<DueMessage, 'attempts'>>(DUE_MESSAGE_SQL, [head.message_id])).rows[0];
      if (!row) throw new Error(`outbound delivery ${head.message_id} has no message`);
      const message: DueMessage = { ...row, attempts: head.attempts };
      const sender = this.senders[message.call_id ? 'call' : message.channel];
      try {
        if (!sender) throw new PermanentDeliveryError(`no sender for ${message.channel} messages`);
        const { externalId } = await sender.send(message);
        await tx.query(`UPDATE messages SET delivery_status = 'sent', delivery_error = NULL, external_id = COALESCE($2, external_id) WHERE id = $1`, [message.message_id, externalId ?? null]);
        if (message.call_id && externalId) await tx.query('UPDATE calls SET call_sid = COALESCE(call_sid, $2) WHERE id = $1', [message.call_id, externalId]);
        await tx.query('DELETE FROM outbound_deliveries WHERE message_id = $1', [message.message_id]);
        await this.announce(tx, message.message_id);
        changed = true;
        this.attempts?.inc({ channel: message.channel, outcome: 'sent' });
      } catch (error) {
        const attempts = message.attempts + 1;
        const reason = errorMessage(error).slice(0, 1000);
        if (attempts >= this.retry.maxAttempts || error instanceof PermanentDeliveryError) {
          await tx.query(`UPDATE messages SET delivery_status = 'failed', delivery_error = $2 WHERE id = $1`, [message.message_id, reason]);
          if (message.call_id) await tx.query(`UPDATE calls SET status = 'failed', ended_at = now() WHERE id = $1`, [message.call_id]);
          await tx.query('DELETE FROM outbound_deliveries WHERE message_id = $1', [message.message_id]);
          await this.announce(tx, message.message_id);
          changed = true;
          this.attempts?.inc({ channel: message.channel, outcome: 'failed' });
          this.logger.error({ messageId: message.message_id, channel: message.channel, attempts, error: reason }, 'outbound message failed for good');
        } else {
          await tx.query(
            `UPDATE outbound_deliveries SET attempts = $2, last_error = $3, next_attempt_at = now() + make_interval(secs => $4) WHERE message_id = $1`,
            [message.message_id, attempts, reason, Math.min((2 ** (attempts - 1) * this.retry.backoffMs) / 1000, 3600)],
          );
          this.attempts?.inc({ channel: message.channel, outcome: 'retry' });
          this.logger.warn({ messageId: message.message_id, channel: message.channel, attempts, error: reason }, 'outbound message failed, will retry');
        }
      }
      return true;
    });
    if (changed) this.onCommitted();
    return found;
  }

  /** The conversation changed (a message's delivery status): a new version and an event. */
  private async announce(tx: PoolClient, messageId: string): Promise<void> {
    const updated = await tx.query<{ id: string; account_id: string; inbox_id: string; version: string }>(
      `UPDATE conversations SET version = version + 1, updated_at = now() WHERE id = (SELECT conversation_id FROM messages WHERE id = $1)
       RETURNING id, account_id, inbox_id, version`,
      [messageId],
    );
    const c = updated.rows[0];
    if (!c) return;
    await appendEvents(tx, [{ accountId: c.account_id, inboxId: c.inbox_id, conversationId: c.id, version: c.version, type: ConversationEventType.CONVERSATION_EVENT_TYPE_UPDATED, messageId }]);
  }
}
