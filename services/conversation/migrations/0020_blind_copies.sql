-- Blind copies of an outbound email: delivered in the envelope, shown to agents, never in headers.
ALTER TABLE messages ADD COLUMN bcc_addresses jsonb NOT NULL DEFAULT '[]';
