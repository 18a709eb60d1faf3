-- Accounts and who works in them: users with roles, inboxes, inbox members, channels.
CREATE TABLE accounts (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id              text PRIMARY KEY,
  account_id      text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  name            text NOT NULL,
  email           text NOT NULL,
  password_hash   text NOT NULL,
  role            text NOT NULL CHECK (role IN ('agent', 'admin', 'superadmin')),
  deactivated_at  timestamptz,
  removed_at      timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now()
);
-- Sign-in is by email alone, so an active address belongs to one user in the installation.
CREATE UNIQUE INDEX users_email_active_idx ON users (lower(email)) WHERE removed_at IS NULL;
CREATE INDEX users_account_idx ON users (account_id);

CREATE TABLE inboxes (
  id          text PRIMARY KEY,
  account_id  text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inboxes_account_idx ON inboxes (account_id);

CREATE TABLE inbox_members (
  inbox_id    text NOT NULL REFERENCES inboxes (id) ON DELETE CASCADE,
  user_id     text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  account_id  text NOT NULL,
  added_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (inbox_id, user_id)
);
CREATE INDEX inbox_members_user_idx ON inbox_members (user_id);

CREATE TABLE channels (
  id            text PRIMARY KEY,
  account_id    text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  inbox_id      text NOT NULL REFERENCES inboxes (id) ON DELETE CASCADE,
  type          text NOT NULL CHECK (type IN ('email', 'chat', 'messenger', 'form', 'phone')),
  name          text NOT NULL,
  -- The public key ingest resolves: an email address, widget id, form id, page id or phone number.
  lookup_key    text NOT NULL,
  settings      jsonb NOT NULL DEFAULT '{}',
  secret        text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (type, lookup_key)
);
CREATE INDEX channels_inbox_idx ON channels (inbox_id);
