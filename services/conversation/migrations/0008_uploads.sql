-- Files an agent uploaded for a reply they have not sent yet; sending moves them to the message.
CREATE TABLE uploads (
  id            text PRIMARY KEY,
  account_id    text NOT NULL,
  user_id       text NOT NULL,
  filename      text NOT NULL,
  content_type  text NOT NULL,
  size          bigint NOT NULL,
  object_key    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX uploads_owner_idx ON uploads (account_id, user_id);
