-- The visible reply of a message, without the quoted history and signature block below it.
ALTER TABLE messages ADD COLUMN reply_text text;

-- Attachments keep the order they had in the message.
ALTER TABLE attachments ADD COLUMN position integer NOT NULL DEFAULT 0;
