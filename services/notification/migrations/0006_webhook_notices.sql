-- A notification about a webhook (one the server paused) names it.
ALTER TABLE notifications ADD COLUMN webhook_id text;
