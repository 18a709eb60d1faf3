-- Retention: closed conversations are deleted a number of days after their last change, by the
-- account's setting unless an inbox has its own ("keep": never). Legal holds suspend every
-- deletion of a conversation, or of every conversation of a contact.
ALTER TABLE accounts ADD COLUMN retention_days integer CHECK (retention_days BETWEEN 1 AND 36500);
ALTER TABLE inboxes ADD COLUMN retention_mode text NOT NULL DEFAULT 'account' CHECK (retention_mode IN ('account', 'keep', 'days'));
ALTER TABLE inboxes ADD COLUMN retention_days integer CHECK (retention_days BETWEEN 1 AND 36500);
ALTER TABLE inboxes ADD CONSTRAINT inboxes_retention_days_set CHECK ((retention_mode = 'days') = (retention_days IS NOT NULL));

CREATE TABLE legal_holds (
  account_id  text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  target_type text NOT NULL CHECK (target_type IN ('conversation', 'contact')),
  target_id   text NOT NULL,
  reason      text NOT NULL DEFAULT '',
  placed_by   text NOT NULL,
  placed_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, target_type, target_id)
);
