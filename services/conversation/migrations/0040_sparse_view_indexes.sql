-- The inbox views that hold few of an inbox's conversations read them from indexes of their own.
-- Each view lists newest first, and each was served by the inbox's list index, walked from the
-- newest conversation until a page of matches was found: in an inbox of a million email
-- conversations, the Chat, Messenger, Forms, Calls, Bots, Sent and Spam views read all of them for
-- an empty page (230-310 ms each). The channel views share one index of open conversations by
-- channel; the others have one each, holding only their own conversations.
CREATE INDEX conversations_open_channel_idx ON conversations (account_id, inbox_id, channel, last_message_at DESC, id DESC)
  WHERE status = 'open' AND trashed_at IS NULL;
CREATE INDEX conversations_bots_idx ON conversations (account_id, inbox_id, last_message_at DESC, id DESC)
  WHERE bot_chatflow_id IS NOT NULL AND status = 'open' AND trashed_at IS NULL;
CREATE INDEX conversations_sent_idx ON conversations (account_id, inbox_id, last_message_at DESC, id DESC)
  WHERE awaiting_first_reply AND trashed_at IS NULL;
CREATE INDEX conversations_spam_idx ON conversations (account_id, inbox_id, last_message_at DESC, id DESC)
  WHERE filtered AND trashed_at IS NULL;
