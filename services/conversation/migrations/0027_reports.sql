-- Reports read facts, never conversations. Each fact is appended by a row trigger in the
-- transaction of the change it records (a conversation opened, closed or reopened, a person's
-- reply, a first response, a service-level target met or missed, a survey sent or answered), so
-- a fact exists exactly when its change committed and a crash can neither lose nor repeat one.
-- Facts keep the dimensions reports group by as they were at that moment.
ALTER TABLE accounts ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC';

ALTER TABLE inboxes ADD COLUMN survey_question text NOT NULL DEFAULT 'csat' CHECK (survey_question IN ('csat', 'nps'));
ALTER TABLE surveys ADD COLUMN question text NOT NULL DEFAULT 'csat' CHECK (question IN ('csat', 'nps'));
-- Whose work the answer scores: the conversation's owner when it was sent, else the sender.
ALTER TABLE surveys ADD COLUMN agent_id text;
ALTER TABLE surveys DROP CONSTRAINT surveys_score_check;
ALTER TABLE surveys ADD CONSTRAINT surveys_score_check
  CHECK (score BETWEEN CASE question WHEN 'nps' THEN 0 ELSE 1 END AND CASE question WHEN 'nps' THEN 10 ELSE 5 END);

CREATE TABLE report_facts (
  id               bigserial PRIMARY KEY,
  account_id       text NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('created', 'reopened', 'closed', 'first_response', 'resolution', 'reply',
                                                 'sla_met', 'sla_breached', 'csat_sent', 'nps_sent', 'csat', 'nps')),
  at               timestamptz NOT NULL,
  conversation_id  text NOT NULL,
  inbox_id         text NOT NULL,
  team_id          text,
  agent_id         text,
  channel          text NOT NULL,
  -- Seconds (first_response, resolution) or a score (csat, nps).
  value            integer,
  -- What the fact is about when one change can only happen once to it (a survey).
  source_id        text
);
CREATE INDEX report_facts_range ON report_facts (account_id, at) INCLUDE (kind, inbox_id, team_id, agent_id, channel, value);
-- Percentiles and the busiest hours read only these kinds.
CREATE INDEX report_facts_timed ON report_facts (account_id, kind, at) INCLUDE (value, inbox_id, team_id, agent_id, channel)
  WHERE kind IN ('first_response', 'resolution', 'created');
CREATE UNIQUE INDEX report_facts_first_response ON report_facts (conversation_id) WHERE kind = 'first_response';
CREATE UNIQUE INDEX report_facts_surveys ON report_facts (kind, source_id) WHERE kind IN ('csat_sent', 'nps_sent', 'csat', 'nps');

-- A status change takes its moment from updated_at when the writer set it, else the transaction's.
CREATE FUNCTION report_conversation_facts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  moment timestamptz;
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NOT NEW.filtered AND NEW.trashed_at IS NULL THEN
      INSERT INTO report_facts (account_id, kind, at, conversation_id, inbox_id, team_id, agent_id, channel)
      VALUES (NEW.account_id, 'created', NEW.created_at, NEW.id, NEW.inbox_id, NEW.team_id, NEW.assignee_id, NEW.channel);
    END IF;
    RETURN NULL;
  END IF;
  IF NEW.filtered OR NEW.trashed_at IS NOT NULL THEN
    RETURN NULL;
  END IF;
  moment := CASE WHEN NEW.updated_at IS DISTINCT FROM OLD.updated_at THEN NEW.updated_at ELSE now() END;
  IF NEW.status IS DISTINCT FROM OLD.status THEN
    IF NEW.status = 'closed' THEN
      INSERT INTO report_facts (account_id, kind, at, conversation_id, inbox_id, team_id, agent_id, channel, value)
      VALUES (NEW.account_id, 'closed', moment, NEW.id, NEW.inbox_id, NEW.team_id, NEW.assignee_id, NEW.channel, NULL),
             (NEW.account_id, 'resolution', moment, NEW.id, NEW.inbox_id, NEW.team_id, NEW.assignee_id, NEW.channel,
              GREATEST(0, floor(extract(epoch FROM moment - NEW.created_at)))::integer);
    ELSE
      INSERT INTO report_facts (account_id, kind, at, conversation_id, inbox_id, team_id, agent_id, channel)
      VALUES (NEW.account_id, 'reopened', moment, NEW.id, NEW.inbox_id, NEW.team_id, NEW.assignee_id, NEW.channel);
    END IF;
  END IF;
  IF NEW.sla_breached_due_at IS NOT NULL AND NEW.sla_breached_due_at IS DISTINCT FROM OLD.sla_breached_due_at THEN
    INSERT INTO report_facts (account_id, kind, at, conversation_id, inbox_id, team_id, agent_id, channel)
    VALUES (NEW.account_id, 'sla_breached', NEW.sla_breached_due_at, NEW.id, NEW.inbox_id, NEW.team_id, NEW.assignee_id, NEW.channel);
  ELSIF OLD.sla_target IS NOT NULL AND NEW.sla_target IS DISTINCT FROM OLD.sla_target AND OLD.sla_due_at IS NOT NULL
        AND OLD.sla_breached_due_at IS DISTINCT FROM OLD.sla_due_at AND moment <= OLD.sla_due_at THEN
    -- The target ended before its due time without a breach: met.
    INSERT INTO report_facts (account_id, kind, at, conversation_id, inbox_id, team_id, agent_id, channel)
    VALUES (NEW.account_id, 'sla_met', moment, NEW.id, NEW.inbox_id, NEW.team_id, NEW.assignee_id, NEW.channel);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER conversations_report_insert AFTER INSERT ON conversations
  FOR EACH ROW EXECUTE FUNCTION report_conversation_facts();
CREATE TRIGGER conversations_report_update AFTER UPDATE ON conversations
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.sla_target IS DISTINCT FROM NEW.sla_target
                     OR OLD.sla_breached_due_at IS DISTINCT FROM NEW.sla_breached_due_at)
  EXECUTE FUNCTION report_conversation_facts();

-- A person's reply (not a bot's, not a survey, transcript or forward); the first one after the
-- customer's first message is the conversation's first response.
CREATE FUNCTION report_reply_facts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  c record;
  first_inbound timestamptz;
BEGIN
  SELECT inbox_id, team_id, channel, filtered, trashed_at INTO c FROM conversations WHERE id = NEW.conversation_id;
  IF NOT FOUND OR c.filtered OR c.trashed_at IS NOT NULL THEN
    RETURN NULL;
  END IF;
  INSERT INTO report_facts (account_id, kind, at, conversation_id, inbox_id, team_id, agent_id, channel)
  VALUES (NEW.account_id, 'reply', NEW.created_at, NEW.conversation_id, c.inbox_id, c.team_id, NEW.author_user_id, c.channel);
  IF NOT EXISTS (SELECT 1 FROM report_facts WHERE conversation_id = NEW.conversation_id AND kind = 'first_response') THEN
    SELECT min(created_at) INTO first_inbound FROM messages
     WHERE conversation_id = NEW.conversation_id AND direction = 'inbound' AND created_at <= NEW.created_at;
    IF first_inbound IS NOT NULL THEN
      INSERT INTO report_facts (account_id, kind, at, conversation_id, inbox_id, team_id, agent_id, channel, value)
      VALUES (NEW.account_id, 'first_response', NEW.created_at, NEW.conversation_id, c.inbox_id, c.team_id, NEW.author_user_id, c.channel,
              floor(extract(epoch FROM NEW.created_at - first_inbound))::integer)
      ON CONFLICT DO NOTHING;
    END IF;
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER messages_report_insert AFTER INSERT ON messages
  FOR EACH ROW WHEN (NEW.direction = 'outbound' AND NEW.author_user_id IS NOT NULL AND (NEW.fields IS NULL OR NOT NEW.fields ? 'kind'))
  EXECUTE FUNCTION report_reply_facts();

-- Surveys count by when they were sent, so a response rate is answered / sent of the same surveys;
-- answering again replaces the score.
CREATE FUNCTION report_survey_facts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  c record;
BEGIN
  SELECT inbox_id, team_id, channel, filtered, trashed_at INTO c FROM conversations WHERE id = NEW.conversation_id;
  IF NOT FOUND OR c.filtered OR c.trashed_at IS NOT NULL THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO report_facts (account_id, kind, at, conversation_id, inbox_id, team_id, agent_id, channel, source_id)
    VALUES (NEW.account_id, NEW.question || '_sent', NEW.sent_at, NEW.conversation_id, c.inbox_id, c.team_id, NEW.agent_id, c.channel, NEW.id)
    ON CONFLICT DO NOTHING;
  END IF;
  IF NEW.score IS NOT NULL THEN
    INSERT INTO report_facts (account_id, kind, at, conversation_id, inbox_id, team_id, agent_id, channel, value, source_id)
    VALUES (NEW.account_id, NEW.question, NEW.sent_at, NEW.conversation_id, c.inbox_id, c.team_id, NEW.agent_id, c.channel, NEW.score, NEW.id)
    ON CONFLICT (kind, source_id) WHERE kind IN ('csat_sent', 'nps_sent', 'csat', 'nps') DO UPDATE SET value = EXCLUDED.value;
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER surveys_report_insert AFTER INSERT ON surveys
  FOR EACH ROW EXECUTE FUNCTION report_survey_facts();
CREATE TRIGGER surveys_report_answer AFTER UPDATE ON surveys
  FOR EACH ROW WHEN (OLD.score IS DISTINCT FROM NEW.score) EXECUTE FUNCTION report_survey_facts();

-- What the stored history already tells: conversations opened, replies, first responses and
-- surveys. Closings and service-level outcomes before this migration left no record.
INSERT INTO report_facts (account_id, kind, at, conversation_id, inbox_id, team_id, agent_id, channel)
SELECT account_id, 'created', created_at, id, inbox_id, team_id, assignee_id, channel FROM conversations WHERE NOT filtered AND trashed_at IS NULL;
INSERT INTO report_facts (account_id, kind, at, conversation_id, inbox_id, team_id, agent_id, channel)
SELECT m.account_id, 'reply', m.created_at, m.conversation_id, c.inbox_id, c.team_id, m.author_user_id, c.channel
  FROM messages m JOIN conversations c ON c.id = m.conversation_id
 WHERE m.direction = 'outbound' AND m.author_user_id IS NOT NULL AND (m.fields IS NULL OR NOT m.fields ? 'kind') AND NOT c.filtered AND c.trashed_at IS NULL;
INSERT INTO report_facts (account_id, kind, at, conversation_id, inbox_id, team_id, agent_id, channel, value)
SELECT DISTINCT ON (f.conversation_id) f.account_id, 'first_response', f.at, f.conversation_id, f.inbox_id, f.team_id, f.agent_id, f.channel,
       floor(extract(epoch FROM f.at - i.first_inbound))::integer
  FROM report_facts f
  CROSS JOIN LATERAL (SELECT min(created_at) AS first_inbound FROM messages WHERE conversation_id = f.conversation_id AND direction = 'inbound') i
 WHERE f.kind = 'reply' AND i.first_inbound IS NOT NULL AND i.first_inbound <= f.at
 ORDER BY f.conversation_id, f.at;
INSERT INTO report_facts (account_id, kind, at, conversation_id, inbox_id, team_id, agent_id, channel, value, source_id)
SELECT s.account_id, k.kind, s.sent_at, s.conversation_id, c.inbox_id, c.team_id, s.agent_id, c.channel, k.value, s.id
  FROM surveys s JOIN conversations c ON c.id = s.conversation_id
 CROSS JOIN LATERAL (VALUES ('csat_sent', NULL::integer), ('csat', s.score)) k(kind, value)
 WHERE (k.kind = 'csat_sent' OR s.score IS NOT NULL) AND NOT c.filtered AND c.trashed_at IS NULL;

-- The wallboard's longest wait: only the conversations waiting on us are in it.
CREATE INDEX conversations_waiting_idx ON conversations (account_id, last_message_at)
  WHERE status = 'open' AND last_message_direction = 'inbound' AND trashed_at IS NULL AND NOT filtered AND NOT awaiting_first_reply;
