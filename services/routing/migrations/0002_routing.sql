-- Working hours, routing rules per inbox, the conversations waiting for an agent, the round-robin
-- position per inbox, and the record of every automatic assignment decision.
CREATE TABLE working_hours (
  account_id     text NOT NULL,
  user_id        text NOT NULL,
  time_zone      text NOT NULL,
  periods        jsonb NOT NULL,
  -- Whether the last check found the user inside their hours; a change flips availability.
  last_in_hours  boolean,
  PRIMARY KEY (account_id, user_id)
);

CREATE TABLE routing_rules (
  account_id      text NOT NULL,
  inbox_id        text NOT NULL,
  mode            text NOT NULL CHECK (mode IN ('none', 'round_robin', 'contact_owner')),
  user_ids        text[] NOT NULL DEFAULT '{}',
  team_ids        text[] NOT NULL DEFAULT '{}',
  chat_capacity   integer NOT NULL DEFAULT 0 CHECK (chat_capacity >= 0),
  email_capacity  integer NOT NULL DEFAULT 0 CHECK (email_capacity >= 0),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, inbox_id)
);

CREATE TABLE round_robin_positions (
  account_id    text NOT NULL,
  inbox_id      text NOT NULL,
  last_user_id  text NOT NULL,
  PRIMARY KEY (account_id, inbox_id)
);

CREATE TABLE waiting_conversations (
  account_id       text NOT NULL,
  conversation_id  text NOT NULL,
  inbox_id         text NOT NULL,
  channel          text NOT NULL,
  created_at       timestamptz NOT NULL,
  PRIMARY KEY (account_id, conversation_id)
);
CREATE INDEX waiting_conversations_oldest_idx ON waiting_conversations (account_id, inbox_id, created_at, conversation_id);

CREATE TABLE routing_decisions (
  id               text PRIMARY KEY,
  account_id       text NOT NULL,
  conversation_id  text NOT NULL,
  inbox_id         text NOT NULL,
  trigger          text NOT NULL,
  rule             jsonb NOT NULL,
  candidates       jsonb NOT NULL,
  chosen_user_id   text,
  outcome          text NOT NULL,
  decided_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX routing_decisions_conversation_idx ON routing_decisions (account_id, conversation_id, decided_at DESC);
