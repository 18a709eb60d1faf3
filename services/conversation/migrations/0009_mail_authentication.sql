-- SPF/DKIM/DMARC verdicts of inbound email, as the edge verified them.
ALTER TABLE messages ADD COLUMN authentication jsonb;
