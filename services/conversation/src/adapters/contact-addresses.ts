// SQL shared by the stores that read contacts: a contact's further email addresses and phone
// numbers (beyond its primary ones, kept by the records module in contact_addresses).

/** The columns more_emails and more_phones of the contact row aliased `contact`. */
export const moreAddressesOf = (contact: string): string =>
  `ARRAY(SELECT a.value FROM contact_addresses a WHERE a.contact_id = ${contact}.id AND a.kind = 'email' ORDER BY a.position) AS more_emails,
   ARRAY(SELECT a.value FROM contact_addresses a WHERE a.contact_id = ${contact}.id AND a.kind = 'phone' ORDER BY a.position) AS more_phones`;

/**
 * The contact a phone number calls as ($1 account, $2 E.164 number): the one that first called
 * from it (its channel identity, tel:<number>), else the oldest contact with the number as its
 * phone or one of its further phones.
 */
export const CONTACT_OF_PHONE_SQL = `SELECT id FROM (
    SELECT id, 0 AS rank, created_at FROM contacts WHERE account_id = $1 AND external_id = 'tel:' || $2
    UNION ALL SELECT id, 1, created_at FROM contacts WHERE account_id = $1 AND phone = $2
    UNION ALL SELECT c.id, 1, c.created_at FROM contact_addresses a JOIN contacts c ON c.id = a.contact_id
      WHERE a.account_id = $1 AND a.kind = 'phone' AND a.value = $2
  ) found ORDER BY rank, created_at LIMIT 1`;
