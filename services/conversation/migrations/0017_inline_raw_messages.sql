-- A raw email small enough to travel inside its inbound event is kept here, not in the object store.
ALTER TABLE messages ADD COLUMN raw_message bytea;
