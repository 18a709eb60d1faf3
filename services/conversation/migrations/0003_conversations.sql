-- Contacts, conversations, messages, attachments, comments, tickets, blocked senders, and the
-- transactional outbox the relay publishes to JetStream.
CREATE TABLE companies (
  id          text PRIMARY KEY,
  account_id  text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  name        text NOT NULL,
  domain      text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, domain)
);

CREATE TABLE contacts (
  id          text PRIMARY KEY,
  account_id  text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  name        text NOT NULL DEFAULT '',
  email       text,
  phone       text,
  external_id text,
  company_id  text REFERENCES companies (id) ON DELETE SET NULL,
  owner_id    text,
  properties  jsonb NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX contacts_email_idx ON contacts (account_id, lower(email)) WHERE email IS NOT NULL;
CREATE UNIQUE INDEX contacts_external_idx ON contacts (account_id, external_id) WHERE external_id IS NOT NULL;

CREATE TABLE conversations (
  id                      text PRIMARY KEY,
  account_id              text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  inbox_id                text NOT NULL REFERENCES inboxes (id) ON DELETE CASCADE,
  channel_id              text REFERENCES channels (id) ON DELETE SET NULL,
  channel                 text NOT NULL CHECK (channel IN ('email', 'chat', 'messenger', 'form', 'phone')),
  status                  text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  subject                 text NOT NULL DEFAULT '',
  contact_id              text REFERENCES contacts (id) ON DELETE SET NULL,
  assignee_id             text,
  participant_count       integer NOT NULL DEFAULT 1,
  preview                 text NOT NULL DEFAULT '',
  comment_preview         text,
  last_message_at         timestamptz NOT NULL,
  last_message_direction  text NOT NULL DEFAULT 'inbound' CHECK (last_message_direction IN ('inbound', 'outbound')),
  -- An outbound email waiting for the contact's first reply: in Sent, not in All open.
  awaiting_first_reply    boolean NOT NULL DEFAULT false,
  filtered                boolean NOT NULL DEFAULT false,
  filtered_reason         text,
  trashed_at              timestamptz,
  -- Chat session id, or the contact key of a Messenger/phone thread.
  thread_key              text,
  version                 bigint NOT NULL DEFAULT 1,
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversations_list_idx ON conversations (account_id, inbox_id, last_message_at DESC, id DESC);
CREATE INDEX conversations_assignee_idx ON conversations (account_id, assignee_id, last_message_at DESC) WHERE assignee_id IS NOT NULL;
CREATE INDEX conversations_contact_idx ON conversations (account_id, contact_id, last_message_at DESC);
CREATE INDEX conversations_trash_idx ON conversations (trashed_at) WHERE trashed_at IS NOT NULL;
CREATE UNIQUE INDEX conversations_thread_key_idx ON conversations (account_id, channel, thread_key) WHERE thread_key IS NOT NULL AND trashed_at IS NULL;

CREATE TABLE messages (
  id                  text PRIMARY KEY,
  account_id          text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  conversation_id     text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  direction           text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  channel             text NOT NULL,
  -- The ingest event id (from the channel's own message id): one stored row per inbound message.
  source_event_id     text,
  rfc_message_id      text,
  in_reply_to         text[] NOT NULL DEFAULT '{}',
  reference_ids       text[] NOT NULL DEFAULT '{}',
  from_name           text NOT NULL DEFAULT '',
  from_address        text NOT NULL DEFAULT '',
  to_addresses        jsonb NOT NULL DEFAULT '[]',
  cc_addresses        jsonb NOT NULL DEFAULT '[]',
  subject             text NOT NULL DEFAULT '',
  text_body           text NOT NULL DEFAULT '',
  html_body           text,
  fields              jsonb,
  raw_object_key      text,
  author_user_id      text,
  delivery_status     text,
  delivery_error      text,
  hidden_at           timestamptz,
  hidden_by           text,
  created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX messages_source_event_idx ON messages (account_id, source_event_id) WHERE source_event_id IS NOT NULL;
CREATE INDEX messages_rfc_id_idx ON messages (account_id, rfc_message_id) WHERE rfc_message_id IS NOT NULL;
CREATE INDEX messages_conversation_idx ON messages (conversation_id, created_at, id);

CREATE TABLE attachments (
  id              text PRIMARY KEY,
  account_id      text NOT NULL,
  message_id      text NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  filename        text NOT NULL,
  content_type    text NOT NULL,
  size            bigint NOT NULL,
  object_key      text NOT NULL,
  content_id      text,
  inline          boolean NOT NULL DEFAULT false
);
CREATE INDEX attachments_message_idx ON attachments (message_id);

CREATE TABLE comments (
  id               text PRIMARY KEY,
  account_id       text NOT NULL,
  conversation_id  text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  author_id        text NOT NULL,
  text_body        text NOT NULL,
  mentioned_ids    text[] NOT NULL DEFAULT '{}',
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX comments_conversation_idx ON comments (conversation_id, created_at);

CREATE TABLE tickets (
  id               text PRIMARY KEY,
  account_id       text NOT NULL,
  conversation_id  text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  title            text NOT NULL DEFAULT '',
  created_at       timestamptz NOT NULL DEFAULT now(),
  closed_at        timestamptz
);
CREATE INDEX tickets_conversation_idx ON tickets (conversation_id);

CREATE TABLE blocked_senders (
  account_id  text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  sender_key  text NOT NULL,
  blocked_by  text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, sender_key)
);

-- Reply tokens put in outbound mail (Reply-To plus-address and Message-ID), for threading
-- replies whose References were dropped.
CREATE TABLE reply_tokens (
  token            text PRIMARY KEY,
  account_id       text NOT NULL,
  conversation_id  text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE
);

CREATE TABLE outbox (
  id          bigserial PRIMARY KEY,
  subject     text NOT NULL,
  msg_id      text NOT NULL,
  payload     bytea NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
