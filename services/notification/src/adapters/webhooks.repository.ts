// Webhook subscriptions and their deliveries, always scoped to the account. A delivery row per
// (subscription, event) is the outbox the dispatcher works from: written once (its id is derived
// from both), claimed with a lease, and sent only when it heads its conversation's queue.
import { randomBytes } from 'node:crypto';
import { decodeCursor, encodeCursor, newId, queryWithCachedPlan, type Pool, type PoolClient } from '@inbox/lib';
import type { Webhook, WebhookDelivery } from '@inbox/lib/gen/inbox/notification/v1/webhooks';

interface SubscriptionRow {
  id: string;
  url: string;
  event_types: string[];
  paused: boolean;
  paused_reason: string;
  consecutive_failures: number;
  created_at: Date;
  previous_secret_expires_at: Date | null;
}

interface DeliveryRow {
  id: string;
  event_id: string;
  event_type: string;
  ordering_key: string;
  status: string;
  attempts: number;
  last_status_code: number | null;
  last_error: string;
  last_latency_ms: number | null;
  created_at: Date;
  delivered_at: Date | null;
  next_attempt_at: Date;
}

export interface ClaimedDelivery {
  id: string;
  subscriptionId: string;
  eventId: string;
  eventType: string;
  payload: unknown;
  attempts: number;
  createdAt: Date;
  url: string;
  secrets: string[];
}

const SUBSCRIPTION_COLUMNS = 'id, url, event_types, paused, paused_reason, consecutive_failures, created_at, previous_secret_expires_at';
const DELIVERY_COLUMNS = 'id, event_id, event_type, ordering_key, status, attempts, last_status_code, last_error, last_latency_ms, created_at, delivered_at, next_attempt_at';

const toWebhook = (r: SubscriptionRow): Webhook => ({
  id: r.id,
  url: r.url,
  eventTypes: r.event_types,
  paused: r.paused,
  pausedReason: r.paused_reason,
  consecutiveFailures: r.consecutive_failures,
  createdAt: r.created_at,
  previousSecretExpiresAt: r.previous_secret_expires_at && r.previous_secret_expires_at > new Date() ? r.previous_secret_expires_at : undefined,
});

const toDelivery = (r: DeliveryRow): WebhookDelivery => ({
  id: r.id,
  eventId: r.event_id,
  eventType: r.event_type,
  status: r.status,
  attempts: r.attempts,
  lastStatusCode: r.last_status_code ?? 0,
  lastError: r.last_error,
  lastLatencyMs: r.last_latency_ms ?? 0,
  createdAt: r.created_at,
  deliveredAt: r.delivered_at ?? undefined,
  nextAttemptAt: r.status === 'pending' ? r.next_attempt_at : undefined,
  conversationId: r.ordering_key,
});

const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

type Db = Pool | PoolClient;

export class WebhooksRepository {
  constructor(readonly pool: Pool) {}

  async create(accountId: string, userId: string, url: string, eventTypes: string[], db: Db = this.pool): Promise<{ webhook: Webhook; secret: string }> {
    const secret = newSecret();
    const result = await db.query<SubscriptionRow>(
      `INSERT INTO webhook_subscriptions (id, account_id, url, event_types, secret, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${SUBSCRIPTION_COLUMNS}`,
      [newId('whk'), accountId, url, eventTypes, secret, userId],
    );
    return { webhook: toWebhook(result.rows[0]), secret };
  }

  /** The account and the time a subscription the server paused has been failing since. */
  async pausedState(id: string): Promise<{ accountId: string; failingSince: Date | null } | null> {
    const result = await this.pool.query<{ account_id: string; failing_since: Date | null }>('SELECT account_id, failing_since FROM webhook_subscriptions WHERE id = $1', [id]);
    return result.rows[0] ? { accountId: result.rows[0].account_id, failingSince: result.rows[0].failing_since } : null;
  }

  async count(accountId: string): Promise<number> {
    return (await this.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_subscriptions WHERE account_id = $1', [accountId])).rows[0].n;
  }

  async list(accountId: string): Promise<Webhook[]> {
    const result = await this.pool.query<SubscriptionRow>(`SELECT ${SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions WHERE account_id = $1 ORDER BY created_at, id`, [accountId]);
    return result.rows.map(toWebhook);
  }

  async get(accountId: string, id: string, db: Db = this.pool): Promise<Webhook | null> {
    const result = await db.query<SubscriptionRow>(`SELECT ${SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions WHERE account_id = $1 AND id = $2`, [accountId, id]);
    return result.rows[0] ? toWebhook(result.rows[0]) : null;
  }

  async update(accountId: string, id: string, change: { url?: string; eventTypes?: string[]; paused?: boolean }, db: Db = this.pool): Promise<Webhook | null> {
    const result = await db.query<SubscriptionRow>(
      `UPDATE webhook_subscriptions SET
         url = COALESCE($3, url),
         event_types = COALESCE($4, event_types),
         paused = COALESCE($5, paused),
         paused_reason = CASE WHEN $5 IS NULL THEN paused_reason WHEN $5 THEN 'by_admin' ELSE '' END,
         consecutive_failures = CASE WHEN $5 = false THEN 0 ELSE consecutive_failures END,
         failing_since = CASE WHEN $5 = false THEN NULL ELSE failing_since END,
         updated_at = now()
       WHERE account_id = $1 AND id = $2 RETURNING ${SUBSCRIPTION_COLUMNS}`,
      [accountId, id, change.url ?? null, change.eventTypes ?? null, change.paused ?? null],
    );
    return result.rows[0] ? toWebhook(result.rows[0]) : null;
  }

  async delete(accountId: string, id: string, db: Db = this.pool): Promise<boolean> {
    return ((await db.query('DELETE FROM webhook_subscriptions WHERE account_id = $1 AND id = $2', [accountId, id])).rowCount ?? 0) > 0;
  }

  /** A new secret; the current one keeps signing beside it until overlapMs from now. */
  async rotateSecret(accountId: string, id: string, overlapMs: number, db: Db = this.pool): Promise<{ webhook: Webhook; secret: string } | null> {
    const secret = newSecret();
    const result = await db.query<SubscriptionRow>(
      `UPDATE webhook_subscriptions SET previous_secret = secret, secret = $3, previous_secret_expires_at = now() + make_interval(secs => $4::double precision / 1000), updated_at = now()
       WHERE account_id = $1 AND id = $2 RETURNING ${SUBSCRIPTION_COLUMNS}`,
      [accountId, id, secret, overlapMs],
    );
    return result.rows[0] ? { webhook: toWebhook(result.rows[0]), secret } : null;
  }

  /** Every event type some subscription of the account wants, paused ones included (their deliveries wait). */
  async eventTypesOf(accountId: string): Promise<string[]> {
    // Unnamed: its callers keep the answer, so a prepared statement would save little, and a pooler
    // in transaction mode (PgBouncer before 1.21) refuses a name another client already prepared.
    const result = await this.pool.query<{ event_type: string }>('SELECT DISTINCT unnest(event_types) AS event_type FROM webhook_subscriptions WHERE account_id = $1', [
      accountId,
    ]);
    return result.rows.map((r) => r.event_type);
  }

  /** One delivery per subscription of the account to this event type; a repeat of the event adds nothing. */
  async enqueue(event: { accountId: string; eventId: string; eventType: string; orderingKey: string; occurredAt: Date; payload: unknown }): Promise<number> {
    const result = await this.pool.query(
      `INSERT INTO webhook_deliveries (id, account_id, subscription_id, event_id, event_type, ordering_key, payload)
       SELECT 'whd_' || md5(s.id || '/' || $2), s.account_id, s.id, $2, $3, $4, $5
       FROM webhook_subscriptions s WHERE s.account_id = $1 AND $3 = ANY (s.event_types) AND s.created_at <= $6
       ON CONFLICT (subscription_id, event_id) DO NOTHING`,
      [event.accountId, event.eventId, event.eventType, event.orderingKey, JSON.stringify(event.payload), event.occurredAt],
    );
    return result.rowCount ?? 0;
  }

  /**
   * Leases up to `limit` deliveries that are due and head their (subscription, conversation)
   * queue, of subscriptions not paused. A lease that runs out (its holder died) makes the
   * delivery due again: it is sent again with the same id.
   */
  async claimDue(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    // Polled every tick by every process: planned once per connection.
    const result = await queryWithCachedPlan<{
      id: string;
      subscription_id: string;
      event_id: string;
      event_type: string;
      payload: unknown;
      attempts: number;
      created_at: Date;
      url: string;
      secret: string;
      previous_secret: string | null;
    }>(
      this.pool,
      `UPDATE webhook_deliveries d SET lease_until = now() + make_interval(secs => $2::double precision / 1000)
       FROM (
         SELECT h.id FROM (
           SELECT DISTINCT ON (subscription_id, ordering_key) id, subscription_id, next_attempt_at, lease_until
           FROM webhook_deliveries WHERE status = 'pending'
           ORDER BY subscription_id, ordering_key, seq
         ) h JOIN webhook_subscriptions s ON s.id = h.subscription_id AND NOT s.paused
         WHERE h.next_attempt_at <= now() AND (h.lease_until IS NULL OR h.lease_until < now())
         ORDER BY h.next_attempt_at LIMIT $1
       ) due, webhook_subscriptions s
       WHERE d.id = due.id AND s.id = d.subscription_id AND d.status = 'pending' AND (d.lease_until IS NULL OR d.lease_until < now())
       RETURNING d.id, d.subscription_id, d.event_id, d.event_type, d.payload, d.attempts, d.created_at, s.url, s.secret,
         CASE WHEN s.previous_secret_expires_at > now() THEN s.previous_secret END AS previous_secret`,
      [limit, leaseMs],
    );
    return result.rows.map((r) => ({
      id: r.id,
      subscriptionId: r.subscription_id,
      eventId: r.event_id,
      eventType: r.event_type,
      payload: r.payload,
      attempts: r.attempts,
      createdAt: r.created_at,
      url: r.url,
      secrets: [r.secret, ...(r.previous_secret ? [r.previous_secret] : [])],
    }));
  }

  async recordSuccess(delivery: ClaimedDelivery, statusCode: number, latencyMs: number): Promise<void> {
    await this.pool.query(
      `WITH done AS (
         UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, delivered_at = now(), lease_until = NULL,
           last_status_code = $2, last_error = '', last_latency_ms = $3
         WHERE id = $1 RETURNING subscription_id)
       UPDATE webhook_subscriptions SET consecutive_failures = 0, failing_since = NULL
       WHERE id IN (SELECT subscription_id FROM done) AND (consecutive_failures <> 0 OR failing_since IS NOT NULL)`,
      [delivery.id, statusCode, latencyMs],
    );
  }

  /** Records a failed attempt: tried again at `retryAt`, or failed for good when null; a subscription failing for longer than pauseAfterMs is paused. Returns whether it was paused now. */
  async recordFailure(delivery: ClaimedDelivery, outcome: { statusCode: number; error: string; latencyMs: number }, retryAt: Date | null, pauseAfterMs: number): Promise<boolean> {
    const result = await this.pool.query<{ paused_now: boolean }>(
      `WITH failed AS (
         UPDATE webhook_deliveries SET attempts = attempts + 1, lease_until = NULL, last_status_code = NULLIF($2, 0), last_error = $3, last_latency_ms = $4,
           status = CASE WHEN $5::timestamptz IS NULL THEN 'failed' ELSE 'pending' END, next_attempt_at = COALESCE($5, next_attempt_at)
         WHERE id = $1 RETURNING subscription_id)
       UPDATE webhook_subscriptions s SET consecutive_failures = consecutive_failures + 1, failing_since = COALESCE(failing_since, now()),
         paused = paused OR COALESCE(failing_since, now()) < now() - make_interval(secs => $6::double precision / 1000),
         paused_reason = CASE WHEN NOT paused AND COALESCE(failing_since, now()) < now() - make_interval(secs => $6::double precision / 1000) THEN 'failing' ELSE paused_reason END
       FROM (SELECT paused AS was_paused, id FROM webhook_subscriptions WHERE id IN (SELECT subscription_id FROM failed)) before
       WHERE s.id = before.id
       RETURNING s.paused AND NOT before.was_paused AS paused_now`,
      [delivery.id, outcome.statusCode, outcome.error.slice(0, 500), outcome.latencyMs, retryAt, pauseAfterMs],
    );
    return result.rows[0]?.paused_now ?? false;
  }

  async deliveries(accountId: string, subscriptionId: string, limit: number, cursor?: string): Promise<{ items: WebhookDelivery[]; nextCursor: string }> {
    const size = Math.min(Math.max(limit || 25, 1), 100);
    const params: unknown[] = [accountId, subscriptionId, size + 1];
    let keyset = '';
    if (cursor) {
      const { at, id } = decodeCursor(cursor);
      params.push(at, id);
      keyset = 'AND (created_at, id) < ($4, $5)';
    }
    const rows = await this.pool.query<DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE account_id = $1 AND subscription_id = $2 ${keyset} ORDER BY created_at DESC, id DESC LIMIT $3`,
      params,
    );
    const page = rows.rows.slice(0, size);
    const last = page[page.length - 1];
    return { items: page.map(toDelivery), nextCursor: rows.rows.length > size && last ? encodeCursor(last.created_at, last.id) : '' };
  }

  /** Queues a delivery again, same id and body, behind whatever its conversation has pending. */
  async redeliver(accountId: string, subscriptionId: string, deliveryId: string): Promise<WebhookDelivery | null> {
    const result = await this.pool.query<DeliveryRow>(
      `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now(), lease_until = NULL, created_at = now(),
         seq = nextval(pg_get_serial_sequence('webhook_deliveries', 'seq'))
       WHERE account_id = $1 AND subscription_id = $2 AND id = $3 RETURNING ${DELIVERY_COLUMNS}`,
      [accountId, subscriptionId, deliveryId],
    );
    return result.rows[0] ? toDelivery(result.rows[0]) : null;
  }

  /** Forgets finished deliveries older than the log keeps (a batch at a time); returns how many. */
  async prune(keepMs: number, batch = 5000): Promise<number> {
    const result = await this.pool.query(
      `DELETE FROM webhook_deliveries WHERE id IN (
         SELECT id FROM webhook_deliveries WHERE status <> 'pending' AND created_at < now() - make_interval(secs => $1::double precision / 1000) LIMIT $2)`,
      [keepMs, batch],
    );
    return result.rowCount ?? 0;
  }

  /** Deliveries waiting, by whether they are due now. */
  async pending(): Promise<{ due: number; waiting: number }> {
    const r = await this.pool.query<{ due: number; waiting: number }>(
      `SELECT count(*) FILTER (WHERE next_attempt_at <= now())::int AS due, count(*) FILTER (WHERE next_attempt_at > now())::int AS waiting FROM webhook_deliveries WHERE status = 'pending'`,
    );
    return r.rows[0];
  }
}
