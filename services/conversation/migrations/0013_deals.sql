-- Deals with a contact, created from the inbox's sidebar.
CREATE TABLE deals (
  id               text PRIMARY KEY,
  account_id       text NOT NULL,
  contact_id       text NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  conversation_id  text REFERENCES conversations (id) ON DELETE SET NULL,
  name             text NOT NULL,
  amount_minor     bigint NOT NULL DEFAULT 0 CHECK (amount_minor >= 0),
  currency         text NOT NULL DEFAULT 'EUR',
  stage            text NOT NULL DEFAULT 'open' CHECK (stage IN ('open', 'won', 'lost')),
  created_by       text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX deals_by_contact ON deals (account_id, contact_id, created_at DESC);
