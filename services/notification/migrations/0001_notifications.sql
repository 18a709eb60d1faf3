-- Notifications belong to one user of one account; source_event_id makes creation idempotent
-- (one notification per triggering event and recipient).
CREATE TABLE notifications (
  id               text PRIMARY KEY,
  account_id       text NOT NULL,
  user_id          text NOT NULL,
  kind             text NOT NULL,
  conversation_id  text,
  comment_id       text,
  source_event_id  text NOT NULL,
  read_at          timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, user_id, source_event_id)
);
CREATE INDEX notifications_user_recent_idx ON notifications (account_id, user_id, created_at DESC, id DESC);
CREATE INDEX notifications_unread_idx ON notifications (account_id, user_id) WHERE read_at IS NULL;
