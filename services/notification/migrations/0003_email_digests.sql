-- Email notifications, per user preference, batched into digests: a user gets at most one email
-- per interval, listing the unread notifications not emailed before.
CREATE TABLE email_preferences (
  account_id    text NOT NULL,
  user_id       text NOT NULL,
  enabled       boolean NOT NULL,
  address       text NOT NULL,
  name          text NOT NULL DEFAULT '',
  last_sent_at  timestamptz,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, user_id)
);
CREATE INDEX email_preferences_due_idx ON email_preferences (last_sent_at) WHERE enabled;

ALTER TABLE notifications ADD COLUMN emailed_at timestamptz;
CREATE INDEX notifications_unemailed_idx ON notifications (account_id, user_id, created_at) WHERE emailed_at IS NULL AND read_at IS NULL;
