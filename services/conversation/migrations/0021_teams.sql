-- Teams: groups of users (a user may be in several) that routing rules, views and mentions name.
-- A conversation may belong to one team; view counts learn the team so "my teams" views count
-- without a scan.
CREATE TABLE teams (
  id          text PRIMARY KEY,
  account_id  text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX teams_name_idx ON teams (account_id, lower(name));

CREATE TABLE team_members (
  team_id     text NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  user_id     text NOT NULL,
  account_id  text NOT NULL,
  added_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user_idx ON team_members (account_id, user_id);

ALTER TABLE conversations ADD COLUMN team_id text REFERENCES teams (id) ON DELETE SET NULL;

ALTER TABLE conversation_view_counts ADD COLUMN team_id text;
ALTER TABLE conversation_view_count_deltas ADD COLUMN team_id text;
ALTER TABLE conversation_view_counts DROP CONSTRAINT conversation_view_counts_key;
ALTER TABLE conversation_view_counts ADD CONSTRAINT conversation_view_counts_key
  UNIQUE NULLS NOT DISTINCT (account_id, inbox_id, status, channel, assignee_id, bot_chatflow_id, handed_off, awaiting_first_reply, filtered, trashed_at, last_message_direction, team_id);

CREATE OR REPLACE FUNCTION conversation_view_count_deltas() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' OR TG_OP = 'DELETE' THEN
    INSERT INTO conversation_view_count_deltas (account_id, inbox_id, status, channel, assignee_id, bot_chatflow_id, handed_off, awaiting_first_reply, filtered, trashed_at, last_message_direction, team_id, n)
    VALUES (OLD.account_id, OLD.inbox_id, OLD.status, OLD.channel, OLD.assignee_id, OLD.bot_chatflow_id, OLD.handed_off, OLD.awaiting_first_reply, OLD.filtered, CASE WHEN OLD.trashed_at IS NULL THEN NULL ELSE 'epoch'::timestamptz END, OLD.last_message_direction, OLD.team_id, -1);
  END IF;
  IF TG_OP = 'INSERT' OR TG_OP = 'UPDATE' THEN
    INSERT INTO conversation_view_count_deltas (account_id, inbox_id, status, channel, assignee_id, bot_chatflow_id, handed_off, awaiting_first_reply, filtered, trashed_at, last_message_direction, team_id, n)
    VALUES (NEW.account_id, NEW.inbox_id, NEW.status, NEW.channel, NEW.assignee_id, NEW.bot_chatflow_id, NEW.handed_off, NEW.awaiting_first_reply, NEW.filtered, CASE WHEN NEW.trashed_at IS NULL THEN NULL ELSE 'epoch'::timestamptz END, NEW.last_message_direction, NEW.team_id, 1);
  END IF;
  RETURN NULL;
END;
$$;

DROP TRIGGER conversations_view_counts_update ON conversations;
CREATE TRIGGER conversations_view_counts_update AFTER UPDATE ON conversations
  FOR EACH ROW WHEN ((OLD.account_id, OLD.inbox_id, OLD.status, OLD.channel, OLD.assignee_id, OLD.bot_chatflow_id, OLD.handed_off, OLD.awaiting_first_reply, OLD.filtered, OLD.trashed_at IS NULL, OLD.last_message_direction, OLD.team_id)
    IS DISTINCT FROM (NEW.account_id, NEW.inbox_id, NEW.status, NEW.channel, NEW.assignee_id, NEW.bot_chatflow_id, NEW.handed_off, NEW.awaiting_first_reply, NEW.filtered, NEW.trashed_at IS NULL, NEW.last_message_direction, NEW.team_id))
  EXECUTE FUNCTION conversation_view_count_deltas();
