-- migrate: no-transaction
-- The trigram indexes of 0041 hold every account's contacts in one tree: a lookup read the
-- matches of every account and kept its own, and for two characters the planner, guessing many
-- matches, read the whole account instead. With the account as the index's first column
-- (btree_gin, which ships with PostgreSQL and is trusted like pg_trgm), a lookup reads only its
-- account's matches. Built concurrently: contacts grow with the traffic.
CREATE EXTENSION IF NOT EXISTS btree_gin;
DROP INDEX CONCURRENTLY IF EXISTS contacts_account_name_trgm_idx;
CREATE INDEX CONCURRENTLY IF NOT EXISTS contacts_account_name_trgm_idx ON contacts USING gin (account_id, lower(name) gin_trgm_ops);
DROP INDEX CONCURRENTLY IF EXISTS contacts_account_email_trgm_idx;
CREATE INDEX CONCURRENTLY IF NOT EXISTS contacts_account_email_trgm_idx ON contacts USING gin (account_id, lower(email) gin_trgm_ops) WHERE email IS NOT NULL;
DROP INDEX CONCURRENTLY IF EXISTS contacts_account_phone_trgm_idx;
CREATE INDEX CONCURRENTLY IF NOT EXISTS contacts_account_phone_trgm_idx ON contacts USING gin (account_id, phone gin_trgm_ops) WHERE phone IS NOT NULL;
DROP INDEX CONCURRENTLY IF EXISTS contact_addresses_account_value_trgm_idx;
CREATE INDEX CONCURRENTLY IF NOT EXISTS contact_addresses_account_value_trgm_idx ON contact_addresses USING gin (account_id, lower(value) gin_trgm_ops);
DROP INDEX CONCURRENTLY IF EXISTS contacts_name_trgm_idx;
DROP INDEX CONCURRENTLY IF EXISTS contacts_email_trgm_idx;
DROP INDEX CONCURRENTLY IF EXISTS contacts_phone_trgm_idx;
DROP INDEX CONCURRENTLY IF EXISTS contact_addresses_value_trgm_idx;
