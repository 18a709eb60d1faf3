-- View counts without scanning an inbox's conversations. Every change to a column a view's
-- predicate reads becomes a row of deltas (appended by statement triggers, so writers never wait
-- on one another), and a compactor folds the deltas into one count per distinct combination of
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
  IF TG_OP = 'INSERT' THEN
    INSERT INTO conversation_view_count_deltas (account_id, inbox_id, status, channel, assignee_id, bot_chatflow_id, handed_off, awaiting_first_reply, filtered, trashed_at, last_message_direction, n)
    SELECT nw.account_id, nw.inbox_id, nw.status, nw.channel, nw.assignee_id, nw.bot_chatflow_id, nw.handed_off, nw.awaiting_first_reply, nw.filtered, CASE WHEN nw.trashed_at IS NULL THEN NULL ELSE 'epoch'::timestamptz END, nw.last_message_direction, count(*) FROM new_rows nw GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO conversation_view_count_deltas (account_id, inbox_id, status, channel, assignee_id, bot_chatflow_id, handed_off, awaiting_first_reply, filtered, trashed_at, last_message_direction, n)
    SELECT o.account_id, o.inbox_id, o.status, o.channel, o.assignee_id, o.bot_chatflow_id, o.handed_off, o.awaiting_first_reply, o.filtered, CASE WHEN o.trashed_at IS NULL THEN NULL ELSE 'epoch'::timestamptz END, o.last_message_direction, -count(*) FROM old_rows o GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11;
  ELSE
    -- Most updates (a new preview, a version bump) leave every counted column as it was: no delta.
    INSERT INTO conversation_view_count_deltas (account_id, inbox_id, status, channel, assignee_id, bot_chatflow_id, handed_off, awaiting_first_reply, filtered, trashed_at, last_message_direction, n)
    SELECT account_id, inbox_id, status, channel, assignee_id, bot_chatflow_id, handed_off, awaiting_first_reply, filtered, trashed_at, last_message_direction, sum(n) FROM (
      SELECT o.account_id, o.inbox_id, o.status, o.channel, o.assignee_id, o.bot_chatflow_id, o.handed_off, o.awaiting_first_reply, o.filtered, CASE WHEN o.trashed_at IS NULL THEN NULL ELSE 'epoch'::timestamptz END, o.last_message_direction, -1 AS n, nw.account_id, nw.inbox_id, nw.status, nw.channel, nw.assignee_id, nw.bot_chatflow_id, nw.handed_off, nw.awaiting_first_reply, nw.filtered, CASE WHEN nw.trashed_at IS NULL THEN NULL ELSE 'epoch'::timestamptz END, nw.last_message_direction FROM old_rows o JOIN new_rows nw ON nw.id = o.id
    ) AS moved (account_id, inbox_id, status, channel, assignee_id, bot_chatflow_id, handed_off, awaiting_first_reply, filtered, trashed_at, last_message_direction, n, new_account_id, new_inbox_id, new_status, new_channel, new_assignee_id, new_bot_chatflow_id, new_handed_off, new_awaiting_first_reply, new_filtered, new_trashed_at, new_last_message_direction)
    WHERE (account_id, inbox_id, status, channel, assignee_id, bot_chatflow_id, handed_off, awaiting_first_reply, filtered, trashed_at, last_message_direction) IS DISTINCT FROM (new_account_id, new_inbox_id, new_status, new_channel, new_assignee_id, new_bot_chatflow_id, new_handed_off, new_awaiting_first_reply, new_filtered, new_trashed_at, new_last_message_direction)
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
    UNION ALL
    SELECT account_id, inbox_id, status, channel, assignee_id, bot_chatflow_id, handed_off, awaiting_first_reply, filtered, trashed_at, last_message_direction, sum(n) FROM (
      SELECT nw.account_id, nw.inbox_id, nw.status, nw.channel, nw.assignee_id, nw.bot_chatflow_id, nw.handed_off, nw.awaiting_first_reply, nw.filtered, CASE WHEN nw.trashed_at IS NULL THEN NULL ELSE 'epoch'::timestamptz END, nw.last_message_direction, 1 AS n, o.account_id, o.inbox_id, o.status, o.channel, o.assignee_id, o.bot_chatflow_id, o.handed_off, o.awaiting_first_reply, o.filtered, CASE WHEN o.trashed_at IS NULL THEN NULL ELSE 'epoch'::timestamptz END, o.last_message_direction FROM old_rows o JOIN new_rows nw ON nw.id = o.id
    ) AS moved (account_id, inbox_id, status, channel, assignee_id, bot_chatflow_id, handed_off, awaiting_first_reply, filtered, trashed_at, last_message_direction, n, old_account_id, old_inbox_id, old_status, old_channel, old_assignee_id, old_bot_chatflow_id, old_handed_off, old_awaiting_first_reply, old_filtered, old_trashed_at, old_last_message_direction)
    WHERE (account_id, inbox_id, status, channel, assignee_id, bot_chatflow_id, handed_off, awaiting_first_reply, filtered, trashed_at, last_message_direction) IS DISTINCT FROM (old_account_id, old_inbox_id, old_status, old_channel, old_assignee_id, old_bot_chatflow_id, old_handed_off, old_awaiting_first_reply, old_filtered, old_trashed_at, old_last_message_direction)
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11;
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER conversations_view_counts_insert AFTER INSERT ON conversations REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION conversation_view_count_deltas();
CREATE TRIGGER conversations_view_counts_update AFTER UPDATE ON conversations REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION conversation_view_count_deltas();
CREATE TRIGGER conversations_view_counts_delete AFTER DELETE ON conversations REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION conversation_view_count_deltas();

-- The conversations already there (the triggers above hold writers off until this commits).
INSERT INTO conversation_view_counts (account_id, inbox_id, status, channel, assignee_id, bot_chatflow_id, handed_off, awaiting_first_reply, filtered, trashed_at, last_message_direction, n)
SELECT c.account_id, c.inbox_id, c.status, c.channel, c.assignee_id, c.bot_chatflow_id, c.handed_off, c.awaiting_first_reply, c.filtered, CASE WHEN c.trashed_at IS NULL THEN NULL ELSE 'epoch'::timestamptz END, c.last_message_direction, count(*) FROM conversations c GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11;
