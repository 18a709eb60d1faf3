// Contacts and their property definitions in PostgreSQL.
import type { Pool, PoolClient } from '@inbox/lib';
import { announceContactConversations } from '../../../adapters/contact-conversations';
import { lockKeysInOrder } from '../../../adapters/advisory-locks';
import { moreAddressesOf } from '../../../adapters/contact-addresses';
import { emailSenderLockKey } from '../../inbound';
import type { PropertyDefinition, PropertyType } from '../domain/contact-properties';
import type { ContactChanges, ContactRecords, EditableContact } from '../use-cases/contact-editing';

const COLUMNS = {
  name: 'name',
  ownerId: 'owner_id',
  properties: 'properties',
  externalId: 'external_id',
  companyId: 'company_id',
} as const;

type DefinitionRow = { key: string; label: string; type: PropertyType; options: string[] };
const definitionFromRow = (row: DefinitionRow): PropertyDefinition => ({ key: row.key, label: row.label, type: row.type, options: row.options });

export class PostgresContactRecords implements ContactRecords {
  constructor(private readonly pool: Pool) {}

  async read(db: Pool | PoolClient, accountId: string, contactIds: string[], lock = false): Promise<EditableContact[]> {
    const result = await db.query(
      `SELECT c.id, c.name, c.email, c.phone, c.owner_id, c.external_id, c.company_id, c.properties, ${moreAddressesOf('c')}
       FROM contacts c WHERE c.account_id = $1 AND c.id = ANY($2::text[]) ORDER BY c.id ${lock ? 'FOR UPDATE OF c' : ''}`,
      [accountId, contactIds],
    );
    return result.rows.map((r) => ({
      id: r.id,
      name: r.name,
      emails: [...(r.email ? [r.email] : []), ...r.more_emails],
      phones: [...(r.phone ? [r.phone] : []), ...r.more_phones],
      ownerId: r.owner_id,
      externalId: r.external_id,
      companyId: r.company_id,
      properties: Object.fromEntries(Object.entries((r.properties ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)])),
    }));
  }

  async emailHolders(tx: PoolClient, accountId: string, emails: string[]): Promise<Map<string, string>> {
    const lowered = emails.map((e) => e.toLowerCase());
    const result = await tx.query<{ email: string; id: string }>(
      `SELECT lower(email) AS email, id FROM contacts WHERE account_id = $1 AND lower(email) = ANY($2::text[])
       UNION ALL
       SELECT lower(value), contact_id FROM contact_addresses WHERE account_id = $1 AND kind = 'email' AND lower(value) = ANY($2::text[])`,
      [accountId, lowered],
    );
    return new Map(result.rows.map((r) => [r.email, r.id]));
  }

  async lockSenders(tx: PoolClient, accountId: string, emails: string[]): Promise<void> {
    // The same keys, in the same order, as inbound takes for these senders.
    await lockKeysInOrder(tx, [...new Set(emails.map((e) => emailSenderLockKey(accountId, e)))]);
  }

  async update(tx: PoolClient, accountId: string, contactId: string, changes: ContactChanges): Promise<void> {
    const columns: string[] = [];
    const values: unknown[] = [];
    const set = (column: string, value: unknown) => {
      values.push(value);
      columns.push(`${column} = $${values.length + 2}`);
    };
    for (const field of Object.keys(COLUMNS) as (keyof typeof COLUMNS)[]) {
      if (changes[field] !== undefined) set(COLUMNS[field], field === 'properties' ? JSON.stringify(changes.properties) : changes[field]);
    }
    if (changes.emails) set('email', changes.emails[0] ?? null);
    if (changes.phones) set('phone', changes.phones[0] ?? null);
    if (columns.length) await tx.query(`UPDATE contacts SET ${columns.join(', ')} WHERE account_id = $1 AND id = $2`, [accountId, contactId, ...values]);
    for (const [kind, list] of [['email', changes.emails], ['phone', changes.phones]] as const) {
      if (!list) continue;
      await tx.query('DELETE FROM contact_addresses WHERE contact_id = $1 AND kind = $2', [contactId, kind]);
      const more = list.slice(1);
      if (more.length === 0) continue;
      await tx.query(
        `INSERT INTO contact_addresses (account_id, contact_id, kind, position, value) SELECT $1, $2, $3, p, v FROM unnest($4::text[]) WITH ORDINALITY AS u(v, p)`,
        [accountId, contactId, kind, more],
      );
    }
  }

  async moveRecords(tx: PoolClient, accountId: string, fromContactId: string, toContactId: string): Promise<number> {
    const moved = await tx.query('UPDATE conversations SET contact_id = $3 WHERE account_id = $1 AND contact_id = $2', [accountId, fromContactId, toContactId]);
    await tx.query('UPDATE deals SET contact_id = $3 WHERE account_id = $1 AND contact_id = $2', [accountId, fromContactId, toContactId]);
    await tx.query('UPDATE surveys SET contact_id = $3 WHERE account_id = $1 AND contact_id = $2', [accountId, fromContactId, toContactId]);
    return moved.rowCount ?? 0;
  }

  async remove(tx: PoolClient, accountId: string, contactId: string): Promise<void> {
    await tx.query('DELETE FROM contacts WHERE account_id = $1 AND id = $2', [accountId, contactId]);
  }

  async announceConversations(tx: PoolClient, accountId: string, contactId: string, actorUserId: string): Promise<void> {
    await announceContactConversations(tx, [{ accountId, contactId }], actorUserId);
  }

  async find(accountId: string, text: string, limit: number): Promise<{ id: string; name: string; email: string; phone: string }[]> {
    const pattern = text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
    // A trigram index finds text inside a name from three characters on. Two characters find a name
    // with a word starting with them: pg_trgm indexes a word's start as its own trigrams ("  a",
    // " ab"), so that is served too, where "inside" would read every contact of the account.
    const name = text.length >= 3 ? `lower(name) LIKE '%' || $2 || '%'` : `(lower(name) LIKE $2 || '%' OR lower(name) LIKE '% ' || $2 || '%' OR lower(name) LIKE '%-' || $2 || '%')`;
    const result = await this.pool.query<{ id: string; name: string; email: string | null; phone: string | null }>(
      // One branch per indexed column (a trigram index each), so no branch reads the whole account;
      // each branch reads its contacts itself, since a join back to contacts by id let the planner
      // read the account to join against when it guessed many matches.
      `SELECT id, name, email, phone FROM (
         SELECT id, name, email, phone FROM contacts WHERE account_id = $1 AND ${name}
         UNION SELECT id, name, email, phone FROM contacts WHERE account_id = $1 AND lower(email) LIKE $2 || '%'
         UNION SELECT id, name, email, phone FROM contacts WHERE account_id = $1 AND phone LIKE $2 || '%'
         UNION SELECT c.id, c.name, c.email, c.phone FROM contact_addresses a
           JOIN contacts c ON c.account_id = a.account_id AND c.id = a.contact_id
           WHERE a.account_id = $1 AND lower(a.value) LIKE $2 || '%') found
       ORDER BY (lower(email) = $2 OR lower(name) = $2) DESC, lower(name), id LIMIT $3`,
      [accountId, pattern, limit],
    );
    return result.rows.map((r) => ({ id: r.id, name: r.name, email: r.email ?? '', phone: r.phone ?? '' }));
  }

  async definitions(db: Pool | PoolClient, accountId: string): Promise<PropertyDefinition[]> {
    const result = await db.query<DefinitionRow>('SELECT key, label, type, options FROM contact_properties WHERE account_id = $1 ORDER BY key', [accountId]);
    return result.rows.map(definitionFromRow);
  }

  async saveDefinition(accountId: string, definition: PropertyDefinition, db: Pool | PoolClient = this.pool): Promise<PropertyDefinition> {
    const result = await db.query<DefinitionRow>(
      `INSERT INTO contact_properties (account_id, key, label, type, options) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (account_id, key) DO UPDATE SET label = EXCLUDED.label, type = EXCLUDED.type, options = EXCLUDED.options
       RETURNING key, label, type, options`,
      [accountId, definition.key, definition.label, definition.type, JSON.stringify(definition.options)],
    );
    return definitionFromRow(result.rows[0]);
  }

  async deleteDefinition(accountId: string, key: string, db: Pool | PoolClient = this.pool): Promise<boolean> {
    const result = await db.query('DELETE FROM contact_properties WHERE account_id = $1 AND key = $2', [accountId, key]);
    return (result.rowCount ?? 0) > 0;
  }
}
