-- Satisfaction surveys. Only a hash of the link's token is kept: the link is the customer's key.
CREATE TABLE surveys (
  id               text PRIMARY KEY,
  account_id       text NOT NULL,
  conversation_id  text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  contact_id       text NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  token_hash       text NOT NULL UNIQUE,
  sent_at          timestamptz NOT NULL DEFAULT now(),
  score            smallint CHECK (score BETWEEN 1 AND 5),
  comment          text NOT NULL DEFAULT '',
  answered_at      timestamptz
);

CREATE INDEX surveys_answered_by_contact ON surveys (account_id, contact_id, answered_at DESC) WHERE answered_at IS NOT NULL;
