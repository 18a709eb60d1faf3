-- Inbound calls ring people: an agent's own phone number, and who picked up a call.
ALTER TABLE users ADD COLUMN phone_number text;
ALTER TABLE calls ADD COLUMN answered_by text;
