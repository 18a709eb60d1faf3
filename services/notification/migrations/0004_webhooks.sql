-- Outbound webhooks: subscriptions, and one delivery row per (subscription, event), written when
-- the event is consumed and sent by the dispatcher in order per conversation.
CREATE TABLE webhook_subscriptions (
  id text PRIMARY KEY,
  account_id text NOT NULL,
  url text NOT NULL,
  event_types text[] NOT NULL,
  secret text NOT NULL,
  previous_secret text,
  previous_secret_expires_at timestamptz,
  paused boolean NOT NULL DEFAULT false,
  paused_reason text NOT NULL DEFAULT '',
  consecutive_failures int NOT NULL DEFAULT 0,
  -- The first failed attempt since the last success: failing for a day pauses the subscription.
  failing_since timestamptz,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_subscriptions_account ON webhook_subscriptions (account_id);

CREATE TABLE webhook_deliveries (
  seq bigserial NOT NULL,
  id text PRIMARY KEY,
  account_id text NOT NULL,
  subscription_id text NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
  event_id text NOT NULL,
  event_type text NOT NULL,
  ordering_key text NOT NULL,
  payload jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts int NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  lease_until timestamptz,
  last_status_code int,
  last_error text NOT NULL DEFAULT '',
  last_latency_ms int,
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  UNIQUE (subscription_id, event_id)
);
-- The head of each subscription's queue per conversation.
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (subscription_id, ordering_key, seq) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (subscription_id, seq DESC);
