-- The durable record of each user's availability; Redis holds the live copy and is rebuilt
-- from this table after a Redis restart.
CREATE TABLE user_availability (
  account_id   text NOT NULL,
  user_id      text NOT NULL,
  status       text NOT NULL CHECK (status IN ('available', 'away')),
  changed_at   timestamptz NOT NULL DEFAULT now(),
  changed_by   text,
  PRIMARY KEY (account_id, user_id)
);
