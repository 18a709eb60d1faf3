ALTER TABLE notifications ADD COLUMN message_id text;
ALTER TABLE notifications ADD COLUMN actor_user_id text;
