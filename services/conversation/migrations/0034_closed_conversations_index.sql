-- migrate: no-transaction
-- Retention finds an account's closed conversations by their last change without reading the rest.
DROP INDEX CONCURRENTLY IF EXISTS conversations_closed_idx;
CREATE INDEX CONCURRENTLY IF NOT EXISTS conversations_closed_idx ON conversations (account_id, updated_at) WHERE status = 'closed';
