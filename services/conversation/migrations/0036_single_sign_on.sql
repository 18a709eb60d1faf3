-- An account's OpenID Connect provider. Users signed up through it have no password here.
CREATE TABLE sso_providers (
  account_id                text PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  enabled                   boolean NOT NULL DEFAULT false,
  issuer                    text NOT NULL,
  client_id                 text NOT NULL,
  client_secret             text,
  email_domains             text[] NOT NULL DEFAULT '{}',
  allow_sign_up             boolean NOT NULL DEFAULT false,
  default_role              text NOT NULL DEFAULT 'agent' CHECK (default_role IN ('agent', 'admin')),
  password_sign_in_disabled boolean NOT NULL DEFAULT false,
  updated_at                timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sso_providers_domains_idx ON sso_providers USING gin (email_domains) WHERE enabled;
