-- View counts without scanning an inbox's conversations. Every change to a column a view's
-- predicate reads becomes a row of deltas (appended by row triggers, so writers never wait on
-- one another), and a compactor folds the deltas into one count per distinct combination of
-- those columns. A view's count is then its predicate summed over a few hundred rows.
-- The columns keep the names the view predicates use (alias c); trashed_at holds only whether
-- the conversation is in the trash, as the predicates only ask IS NULL.
CREATE TABLE conversation_view_counts (
  account_id              text NOT NULL,
  inbox_id                text NOT NULL,
  status                  text NOT NULL,
  channel                 text NOT NULL,
  assignee_id             text,
  bot_chatflow_id         text,
  handed_off              boolean NOT NULL,
  awaiting_first_reply    boolean NOT NULL,
  filtered                boolean NOT NULL,
  trashed_at              timestamptz,
  last_message_direction  text NOT NULL,
  n                       bigint NOT NULL,
  CONSTRAINT conversation_view_counts_key UNIQUE NULLS NOT DISTINCT (account_id, inbox_id, status, channel, assignee_id, bot_chatflow_id, handed_off, awaiting_first_reply, filtered, trashed_at, last_message_direction)
);

CREATE TABLE conversation_view_count_deltas (
  id                      bigserial PRIMARY KEY,
  account_id              text NOT NULL,
  inbox_id                text NOT NULL,
  status                  text NOT NULL,
  channel                 text NOT NULL,
  assignee_id             text,
  bot_chatflow_id         text,
  handed_off              boolean NOT NULL,
  awaiting_first_reply    boolean NOT NULL,
  filtered                boolean NOT NULL,
  trashed_at              timestamptz,
  last_message_direction  text NOT NULL,
  n                       bigint NOT NULL
);

CREATE INDEX conversation_view_count_deltas_inbox ON conversation_view_count_deltas (account_id, inbox_id);

CREATE FUNCTION conversation_view_count_deltas() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' OR TG_OP = 'DELETE' THEN
    INSERT INTO conversation_view_count_deltas (account_id, inbox_id, status, channel, assignee_id, bot_chatflow_id, handed_off, awaiting_first_reply, filtered, trashed_at, last_message_direction, n)
    VALUES (OLD.account_id, OLD.inbox_id, OLD.status, OLD.channel, OLD.assignee_id, OLD.bot_chatflow_id, OLD.handed_off, OLD.awaiting_first_reply, OLD.filtered, CASE WHEN OLD.trashed_at IS NULL THEN NULL ELSE 'epoch'::timestamptz END, OLD.last_message_direction, -1);
  END IF;
  IF TG_OP = 'INSERT' OR TG_OP = 'UPDATE' THEN
    INSERT INTO conversation_view_count_deltas (account_id, inbox_id, status, channel, assignee_id, bot_chatflow_id, handed_off, awaiting_first_reply, filtered, trashed_at, last_message_direction, n)
    VALUES (NEW.account_id, NEW.inbox_id, NEW.status, NEW.channel, NEW.assignee_id, NEW.bot_chatflow_id, NEW.handed_off, NEW.awaiting_first_reply, NEW.filtered, CASE WHEN NEW.trashed_at IS NULL THEN NULL ELSE 'epoch'::timestamptz END, NEW.last_message_direction, 1);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER conversations_view_counts_insert AFTER INSERT ON conversations
  FOR EACH ROW EXECUTE FUNCTION conversation_view_count_deltas();
-- Most updates (a new preview, a version bump) leave every counted column as it was: the WHEN
-- test, evaluated without calling the function, makes those free.
CREATE TRIGGER conversations_view_counts_update AFTER UPDATE ON conversations
  FOR EACH ROW WHEN ((OLD.account_id, OLD.inbox_id, OLD.status, OLD.channel, OLD.assignee_id, OLD.bot_chatflow_id, OLD.handed_off, OLD.awaiting_first_reply, OLD.filtered, OLD.trashed_at IS NULL, OLD.last_message_direction) IS DISTINCT FROM (NEW.account_id, NEW.inbox_id, NEW.status, NEW.channel, NEW.assignee_id, NEW.bot_chatflow_id, NEW.handed_off, NEW.awaiting_first_reply, NEW.filtered, NEW.trashed_at IS NULL, NEW.last_message_direction))
  EXECUTE FUNCTION conversation_view_count_deltas();
CREATE TRIGGER conversations_view_counts_delete AFTER DELETE ON conversations
  FOR EACH ROW EXECUTE FUNCTION conversation_view_count_deltas();

-- The conversations already there (the triggers above hold writers off until this commits).
INSERT INTO conversation_view_counts (account_id, inbox_id, status, channel, assignee_id, bot_chatflow_id, handed_off, awaiting_first_reply, filtered, trashed_at, last_message_direction, n)
SELECT c.account_id, c.inbox_id, c.status, c.channel, c.assignee_id, c.bot_chatflow_id, c.handed_off, c.awaiting_first_reply, c.filtered, CASE WHEN c.trashed_at IS NULL THEN NULL ELSE 'epoch'::timestamptz END, c.last_message_direction, count(*) FROM conversations c GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11;
