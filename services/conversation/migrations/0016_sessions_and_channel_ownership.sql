-- Sessions behind bearer tokens (revocable at once), email channels that prove they own their
-- address, and attachments whose bytes were refused.
CREATE TABLE sessions (
  id          text PRIMARY KEY,
  account_id  text NOT NULL,
  user_id     text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  revoked_at  timestamptz,
  ip          text,
  user_agent  text
);
CREATE INDEX sessions_user_live_idx ON sessions (user_id) WHERE revoked_at IS NULL;

-- Addresses outside the installation's domain start unverified; the code mailed to them is kept hashed.
ALTER TABLE channels ADD COLUMN verified boolean NOT NULL DEFAULT true;
ALTER TABLE channels ADD COLUMN verification_code_hash text;
ALTER TABLE channels ADD COLUMN verification_attempts integer NOT NULL DEFAULT 0;
-- Email addresses are unique ignoring case and +tag, across every account.
ALTER TABLE channels ADD COLUMN address_key text;
UPDATE channels SET address_key = lower(regexp_replace(lookup_key, '\+[^@]*@', '@')) WHERE type = 'email';
-- Variants registered before this rule (local+tag@ beside local@): the oldest keeps the address,
-- the later ones keep receiving what is addressed to them exactly but send nothing until verified.
UPDATE channels c SET address_key = NULL, verified = false
WHERE c.type = 'email' AND EXISTS (
  SELECT 1 FROM channels o WHERE o.type = 'email' AND o.address_key = c.address_key AND (o.created_at, o.id) < (c.created_at, c.id)
);
CREATE UNIQUE INDEX channels_address_key_idx ON channels (address_key) WHERE address_key IS NOT NULL;

ALTER TABLE attachments ADD COLUMN unavailable_reason text;
