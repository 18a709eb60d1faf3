// Email contacts in PostgreSQL. The inbound batch store has the set-based twin of `upsert`.
import { newId, type PoolClient } from '@inbox/lib';
import type { EmailContacts } from '../../../domain/email-contacts';
import { CONTACT_OF_PHONE_SQL } from '../../../adapters/contact-addresses';
import { announceContactConversations } from '../../../adapters/contact-conversations';

export class PostgresEmailContacts implements EmailContacts {
  async byPhone(tx: PoolClient, accountId: string, phone: string): Promise<string | null> {
    return (await tx.query<{ id: string }>(CONTACT_OF_PHONE_SQL, [accountId, phone])).rows[0]?.id ?? null;
  }

  async upsert(tx: PoolClient, accountId: string, email: string, name = ''): Promise<{ id: string; name: string; inserted: boolean }> {
    const result = await tx.query<{ id: string; name: string; inserted: boolean; named: boolean }>(
      `WITH alias AS (
         SELECT c.id, c.name FROM contact_addresses a JOIN contacts c ON c.id = a.contact_id
         WHERE a.account_id = $2 AND a.kind = 'email' AND lower(a.value) = lower($4::text)),
       before AS (SELECT id, name FROM contacts WHERE account_id = $2 AND lower(email) = lower($4::text)),
       upserted AS (
         INSERT INTO contacts (id, account_id, name, email) SELECT $1::text, $2::text, $3::text, $4::text WHERE NOT EXISTS (SELECT 1 FROM alias)
         ON CONFLICT (account_id, lower(email)) WHERE email IS NOT NULL
         DO UPDATE SET name = CASE WHEN contacts.name = '' THEN EXCLUDED.name ELSE contacts.name END
         RETURNING id, name, (xmax = 0) AS inserted)
       SELECT u.id, u.name, u.inserted, (u.name <> '' AND EXISTS (SELECT 1 FROM before b WHERE b.id = u.id AND b.name = '')) AS named FROM upserted u
       UNION ALL SELECT id, name, false, false FROM alias`,
      [newId('ctc'), accountId, name, email],
    );
    const { named, ...row } = result.rows[0];
    if (named) await announceContactConversations(tx, [{ accountId, contactId: row.id }]);
    return row;
  }

  async byEmail(tx: PoolClient, accountId: string, email: string): Promise<string | null> {
    const result = await tx.query<{ id: string }>(
      `SELECT id FROM contacts WHERE account_id = $1 AND lower(email) = lower($2)
       UNION ALL SELECT contact_id FROM contact_addresses WHERE account_id = $1 AND kind = 'email' AND lower(value) = lower($2) LIMIT 1`,
      [accountId, email],
    );
    return result.rows[0]?.id ?? null;
  }
}
