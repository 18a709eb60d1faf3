-- Deals move through stages (won and lost close them); an inbox may send the satisfaction survey
-- itself when a conversation closes, at most once per contact in a number of days.
ALTER TABLE deals DROP CONSTRAINT deals_stage_check;
ALTER TABLE deals ADD CONSTRAINT deals_stage_check CHECK (stage IN ('open', 'qualified', 'proposal', 'won', 'lost'));
ALTER TABLE deals ADD COLUMN closed_at timestamptz;

ALTER TABLE inboxes ADD COLUMN survey_on_close boolean NOT NULL DEFAULT false;
ALTER TABLE inboxes ADD COLUMN survey_every_days integer NOT NULL DEFAULT 30 CHECK (survey_every_days BETWEEN 1 AND 365);

CREATE INDEX surveys_sent_to_contact ON surveys (account_id, contact_id, sent_at DESC);
