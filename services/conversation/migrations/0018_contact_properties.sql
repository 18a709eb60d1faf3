-- Contact properties admins define, and a contact's further addresses.
-- Property values live in contacts.properties and are checked against these definitions.
CREATE TABLE contact_properties (
  account_id  text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  key         text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{0,39}$'),
  label       text NOT NULL,
  type        text NOT NULL CHECK (type IN ('text', 'number', 'date', 'choice')),
  options     jsonb NOT NULL DEFAULT '[]',
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, key)
);

-- Contact-owner routing looks contacts up by owner when an owner is removed from the account.
CREATE INDEX contacts_owner_idx ON contacts (account_id, owner_id) WHERE owner_id IS NOT NULL;

-- A contact's addresses after the primary one (contacts.email, contacts.phone stay the primary):
-- mail from any of their emails is theirs, and no two contacts share an email.
CREATE TABLE contact_addresses (
  account_id  text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  contact_id  text NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  kind        text NOT NULL CHECK (kind IN ('email', 'phone')),
  position    integer NOT NULL CHECK (position >= 1),
  value       text NOT NULL,
  PRIMARY KEY (contact_id, kind, position)
);
CREATE UNIQUE INDEX contact_addresses_email_idx ON contact_addresses (account_id, lower(value)) WHERE kind = 'email';
