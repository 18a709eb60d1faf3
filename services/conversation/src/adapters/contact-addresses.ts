// SQL shared by the stores that read contacts: a contact's further email addresses and phone
// numbers (beyond its primary ones, kept by the records module in contact_addresses).

/** The columns more_emails and more_phones of the contact row aliased `contact`. */
export const moreAddressesOf = (contact: string): string =>
  `ARRAY(SELECT a.value FROM contact_addresses a WHERE a.contact_id = ${contact}.id AND a.kind = 'email' ORDER BY a.position) AS more_emails,
   ARRAY(SELECT a.value FROM contact_addresses a WHERE a.contact_id = ${contact}.id AND a.kind = 'phone' ORDER BY a.position) AS more_phones`;
