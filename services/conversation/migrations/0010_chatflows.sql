-- A chat widget's bot: at most one chatflow per chat channel.
CREATE TABLE chatflows (
  id          text PRIMARY KEY,
  account_id  text NOT NULL,
  channel_id  text NOT NULL UNIQUE REFERENCES channels (id) ON DELETE CASCADE,
  name        text NOT NULL,
  steps       jsonb NOT NULL,
  enabled     boolean NOT NULL DEFAULT true,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Where a bot conversation's visitor is in the chatflow, and the answers so far.
ALTER TABLE conversations ADD COLUMN bot_state jsonb;
