-- Outbound email waiting to be handed to the SMTP relay, written in the same transaction as the
-- message; the delivery worker takes rows with FOR UPDATE SKIP LOCKED and retries with backoff.
CREATE TABLE outbound_deliveries (
  message_id       text PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
  account_id       text NOT NULL,
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbound_deliveries_due_idx ON outbound_deliveries (next_attempt_at);
ALTER TABLE messages ADD COLUMN reply_to_address text;
