-- A conversation keeps the channel it came from (its views, its chat transcript); when it is
-- answered on another channel (a chat answered by email), replies go there from then on.
ALTER TABLE conversations ADD COLUMN reply_channel text CHECK (reply_channel IN ('email'));

-- Conversations moved to email before this column existed get their origin back: the channel of
-- their first message.
UPDATE conversations c SET channel = first.channel, reply_channel = 'email'
FROM (
  SELECT DISTINCT ON (m.conversation_id) m.conversation_id, m.channel FROM messages m
  JOIN conversations cc ON cc.id = m.conversation_id AND cc.channel = 'email'
  ORDER BY m.conversation_id, m.created_at, m.id
) AS first
WHERE c.id = first.conversation_id AND first.channel IN ('chat', 'messenger', 'phone');
