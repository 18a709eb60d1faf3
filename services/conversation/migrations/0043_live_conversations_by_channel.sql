-- migrate: no-transaction
-- Custom views narrow a built-in view by channel, and only open conversations had an index by
-- channel (0040). "Closed" narrowed to a channel walked the inbox's closed conversations from the
-- newest until it had a page: in an inbox of a million email conversations, "closed messenger"
-- read all 250,000 closed ones for an empty page (680 ms). One index of live conversations by
-- status and channel serves the open channel views as the open-only index did, and the closed ones.
-- Built concurrently: it covers every live conversation, and a plain build held a write to
-- conversations for 4.6 s on 1.4 million.
DROP INDEX CONCURRENTLY IF EXISTS conversations_live_channel_idx;
CREATE INDEX CONCURRENTLY IF NOT EXISTS conversations_live_channel_idx ON conversations (account_id, inbox_id, status, channel, last_message_at DESC, id DESC)
  WHERE trashed_at IS NULL;
DROP INDEX CONCURRENTLY IF EXISTS conversations_open_channel_idx;
