// Sends due webhook deliveries: each POSTed through the guarded HTTP client (no private
// addresses, no redirects to them), signed with every live secret of its subscription. A 2xx
// is delivered; anything else is tried again with exponential backoff until the retry window
// closes. Deliveries are claimed with a lease, so replicas never send one at the same time, and a
// process that dies mid-send leaves the delivery to be sent again (same id) once the lease ends.
import { Counter, Gauge, type Registry } from 'prom-client';
import { OutboundRefusedError, errorMessage, type GuardedFetch, type Logger } from '@inbox/lib';
import { nextAttemptAt, signatureHeader, type RetryPolicy } from '../domain/webhooks';
import type { ClaimedDelivery, WebhooksRepository } from './webhooks.repository';

export interface DispatcherOptions {
  pollMs: number;
  batchSize: number;
  leaseMs: number;
  retry: RetryPolicy;
  pauseAfterMs: number;
  /** How long the delivery log keeps finished deliveries. */
  keepLogMs: number;
}

const PRUNE_EVERY_MS = 10 * 60 * 1000;

export class WebhookDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private attempts: Counter | undefined;
  private prunedAt = 0;

  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly fetch: GuardedFetch,
    private readonly logger: Logger,
    private readonly options: DispatcherOptions,
    /** Told once when a subscription is paused for failing. */
    private readonly onPaused: (subscriptionId: string) => Promise<unknown> = async () => undefined,
  ) {}

  observe(registry: Registry): void {
    this.attempts = new Counter({
      name: 'inbox_webhook_attempts_total',
      help: 'Webhook delivery attempts by outcome: delivered, retry (will be tried again), failed (given up)',
      labelNames: ['outcome'],
      registers: [registry],
    });
    const webhooks = this.webhooks;
    new Gauge({
      name: 'inbox_webhook_queue_deliveries',
      help: 'Webhook deliveries waiting: due now, and waiting for a retry',
      labelNames: ['state'],
      registers: [registry],
      async collect() {
        const counts = await webhooks.pending().catch(() => undefined);
        if (!counts) return;
        this.set({ state: 'due' }, counts.due);
        this.set({ state: 'retry_wait' }, counts.waiting);
      },
    });
  }

  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .catch((error) => this.logger.warn({ error: errorMessage(error) }, 'webhook dispatch failed'))
        .then((busy) => this.schedule(busy ? 0 : this.options.pollMs));
    }, delayMs);
  }

  /** Sends one batch; true when it was full (more may be due at once). */
  private async tick(): Promise<boolean> {
    if (Date.now() - this.prunedAt > PRUNE_EVERY_MS) {
      this.prunedAt = Date.now();
      await this.webhooks.prune(this.options.keepLogMs);
    }
    const due = await this.webhooks.claimDue(this.options.batchSize, this.options.leaseMs);
    await Promise.all(due.map((delivery) => this.send(delivery)));
    return due.length === this.options.batchSize;
  }

  private async send(delivery: ClaimedDelivery): Promise<void> {
    const body = JSON.stringify(delivery.payload);
    const started = Date.now();
    let statusCode = 0;
    let error: string;
    try {
      const response = await this.fetch(delivery.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Inbox-Webhooks/1',
          'x-inbox-event': delivery.eventType,
          'x-inbox-delivery': delivery.id,
          'x-inbox-signature': signatureHeader(body, delivery.secrets),
        },
        body,
      });
      statusCode = response.status;
      if (statusCode >= 200 && statusCode < 300) {
        await this.webhooks.recordSuccess(delivery, statusCode, Date.now() - started);
        this.attempts?.inc({ outcome: 'delivered' });
        return;
      }
      error = `answered ${statusCode}`;
    } catch (failure) {
      error = failure instanceof OutboundRefusedError ? `refused: ${failure.message}` : errorMessage(failure);
    }
    const retryAt = nextAttemptAt(this.options.retry, delivery.attempts + 1, delivery.createdAt, new Date());
    const pausedNow = await this.webhooks.recordFailure(delivery, { statusCode, error, latencyMs: Date.now() - started }, retryAt, this.options.pauseAfterMs);
    this.attempts?.inc({ outcome: retryAt ? 'retry' : 'failed' });
    if (pausedNow) {
      this.logger.warn({ webhookId: delivery.subscriptionId }, 'webhook paused: it has been failing for longer than allowed');
      await this.onPaused(delivery.subscriptionId).catch((error: Error) => this.logger.error({ webhookId: delivery.subscriptionId, err: error }, 'admins not told of the paused webhook'));
    }
  }
}
