-- One row per inbound message the conversation service has stored, keyed by the event id that
-- ingest derives from the channel's own message id: a redelivered event finds its row and
-- changes nothing but the delivery count.
CREATE TABLE inbound_receipts (
  event_id        text PRIMARY KEY,
  account_id      text NOT NULL,
  channel_type    text NOT NULL,
  received_at     timestamptz NOT NULL,
  stored_at       timestamptz NOT NULL DEFAULT now(),
  deliveries      integer NOT NULL DEFAULT 1
);
CREATE INDEX inbound_receipts_account_idx ON inbound_receipts (account_id, received_at);
