-- Messenger replies need the page's access token; it is a secret like the app secret and never
-- leaves the service except towards the Graph API.
ALTER TABLE channels ADD COLUMN send_token text;
CREATE INDEX channels_verify_token_idx ON channels ((settings ->> 'verifyToken')) WHERE type = 'messenger';

-- Where an outbound message went at the provider (Messenger message id, call sid).
ALTER TABLE messages ADD COLUMN external_id text;

-- One row per phone call, kept up to date from the provider's callbacks. An outbound call is
-- written before the provider knows it (call_sid comes with its answer).
CREATE TABLE calls (
  id                text PRIMARY KEY,
  account_id        text NOT NULL,
  conversation_id   text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  channel_id        text NOT NULL,
  message_id        text,
  call_sid          text,
  direction         text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  from_number       text NOT NULL,
  to_number         text NOT NULL,
  status            text NOT NULL,
  duration_seconds  integer NOT NULL DEFAULT 0,
  recording_url     text,
  transcript        text,
  started_at        timestamptz NOT NULL DEFAULT now(),
  ended_at          timestamptz
);
CREATE UNIQUE INDEX calls_sid_idx ON calls (account_id, call_sid) WHERE call_sid IS NOT NULL;
CREATE INDEX calls_conversation_idx ON calls (conversation_id, started_at DESC);
