// A contact's company, found or made from its mail domain. A known company is looked up, never
// written: the upsert this replaces (ON CONFLICT DO UPDATE) rewrote the company's row for every
// inbound message and held its lock until commit, so every inbound transaction of an account
// from one domain waited for the commit of the one before it.
import { newId, type PoolClient } from '@inbox/lib';

export interface CompanyLink {
  accountId: string;
  contactId: string;
  domain: string;
  name: string;
}

const LINK_CONTACTS = `WITH input AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(id, account_id, name, domain)),
  existing AS (
    SELECT c.id, c.account_id, c.domain FROM companies c JOIN input i ON c.account_id = i.account_id AND c.domain = i.domain),
  inserted AS (
    INSERT INTO companies (id, account_id, name, domain)
    SELECT i.id, i.account_id, i.name, i.domain FROM input i
    WHERE NOT EXISTS (SELECT 1 FROM existing e WHERE e.account_id = i.account_id AND e.domain = i.domain)
    ON CONFLICT (account_id, domain) DO NOTHING
    RETURNING id, account_id, domain),
  company AS (SELECT * FROM existing UNION ALL SELECT * FROM inserted)
UPDATE contacts SET company_id = company.id
FROM unnest($5::text[], $6::text[], $7::text[]) AS link(contact_id, account_id, domain)
JOIN company ON company.account_id = link.account_id AND company.domain = link.domain
WHERE contacts.id = link.contact_id AND contacts.account_id = link.account_id
RETURNING contacts.id`;

export async function linkContactsToCompanies(tx: PoolClient, links: CompanyLink[]): Promise<void> {
  let pending = links;
  // A company another transaction inserts after this statement's snapshot is skipped by the insert
  // and unseen by the look-up; the next statement sees it. Two passes suffice; the third is for a
  // company whose inserting transaction rolled back.
  for (let pass = 0; pass < 3 && pending.length > 0; pass += 1) {
    const companies = [...new Map(pending.map((l) => [`${l.accountId}\u0000${l.domain}`, l])).values()];
    const linked = await tx.query<{ id: string }>(LINK_CONTACTS, [
      companies.map(() => newId('cmp')),
      companies.map((c) => c.accountId),
      companies.map((c) => c.name),
      companies.map((c) => c.domain),
      pending.map((l) => l.contactId),
      pending.map((l) => l.accountId),
      pending.map((l) => l.domain),
    ]);
    const done = new Set(linked.rows.map((r) => r.id));
    pending = pending.filter((l) => !done.has(l.contactId));
  }
}
