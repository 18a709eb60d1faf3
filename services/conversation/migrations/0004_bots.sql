-- Bot chatflows answer chats first; a conversation is in Bots until the visitor reaches
-- "send to team member" (handed_off) or a human takes it.
ALTER TABLE conversations ADD COLUMN bot_chatflow_id text;
ALTER TABLE conversations ADD COLUMN handed_off boolean NOT NULL DEFAULT false;
