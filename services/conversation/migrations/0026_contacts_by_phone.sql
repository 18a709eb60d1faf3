-- A call finds its contact by the number: the contact's phone or one of its further phones.
CREATE INDEX contacts_phone_idx ON contacts (account_id, phone) WHERE phone IS NOT NULL;
CREATE INDEX contact_addresses_phone_idx ON contact_addresses (account_id, value) WHERE kind = 'phone';
