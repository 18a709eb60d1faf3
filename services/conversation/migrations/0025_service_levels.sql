-- Service-level policies per inbox or per team (a conversation in a team with a policy follows
-- the team's), and each conversation's current target: which one, when it is due, when it is at
-- risk, whether it waits on the customer, and which due time was last announced as breached (so
-- a breach notifies once). A policy goes with its inbox or team.
CREATE TABLE sla_policies (
  account_id text NOT NULL,
  inbox_id text REFERENCES inboxes (id) ON DELETE CASCADE,
  team_id text REFERENCES teams (id) ON DELETE CASCADE,
  first_response_minutes integer,
  next_response_minutes integer,
  resolution_minutes integer,
  business_hours jsonb,
  pause_while_waiting boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((inbox_id IS NULL) <> (team_id IS NULL))
);
CREATE UNIQUE INDEX sla_policies_inbox_idx ON sla_policies (account_id, inbox_id) WHERE inbox_id IS NOT NULL;
CREATE UNIQUE INDEX sla_policies_team_idx ON sla_policies (account_id, team_id) WHERE team_id IS NOT NULL;

ALTER TABLE conversations
  ADD COLUMN sla_target text,
  ADD COLUMN sla_due_at timestamptz,
  ADD COLUMN sla_warn_at timestamptz,
  ADD COLUMN sla_paused boolean NOT NULL DEFAULT false,
  ADD COLUMN sla_breached_due_at timestamptz;

CREATE INDEX conversations_sla_due_idx ON conversations (sla_due_at) WHERE sla_due_at IS NOT NULL AND status = 'open';
CREATE INDEX conversations_sla_warn_idx ON conversations (account_id, inbox_id, sla_warn_at) WHERE sla_warn_at IS NOT NULL AND status = 'open';
