// Linking contacts to their company by mail domain, against the real database: a known company is
// read, not rewritten, so inbound transactions of one domain do not wait for each other's commits;
// a company two transactions make at once ends up one, with both contacts linked to it.
import pg from 'pg';
import { ensureDatabase, migrate } from '@inbox/lib';
import { databaseUrl, uniqueName } from '@inbox/testkit';
import { MIGRATIONS_DIR } from '../../../migrations-dir';
import { linkContactsToCompanies, type CompanyLink } from './company-links';

describe('linking contacts to companies', () => {
  const url = databaseUrl('inbox_test_company_links');
  let pool: pg.Pool;
  const account = uniqueName('acc');
  const other = uniqueName('acc');
  const domain = `${uniqueName('d').toLowerCase()}.test`;

  const contact = async (id: string, accountId = account) => {
    await pool.query("INSERT INTO contacts (id, account_id, name, email) VALUES ($1, $2, '', $3)", [id, accountId, `${id}@${domain}`]);
    return id;
  };
  const companyOf = async (contactId: string) => (await pool.query<{ company_id: string | null }>('SELECT company_id FROM contacts WHERE id = $1', [contactId])).rows[0].company_id;
  const inTransaction = async (work: (tx: pg.PoolClient) => Promise<void>) => {
    const tx = await pool.connect();
    await tx.query('BEGIN');
    await work(tx);
    return tx;
  };

  const linked = async (links: CompanyLink[]) => {
    const client = await pool.connect();
    try {
      await linkContactsToCompanies(client, links);
    } finally {
      client.release();
    }
  };

  beforeAll(async () => {
    await ensureDatabase(url);
    pool = new pg.Pool({ connectionString: url, max: 4 });
    await migrate(pool, MIGRATIONS_DIR);
    for (const id of [account, other]) await pool.query('INSERT INTO accounts (id, name) VALUES ($1, $1)', [id]);
  });

  afterAll(async () => {
    await pool.end();
  });

  it('makes a company once and links every contact of its domain to it, leaving the known company row untouched', async () => {
    const [a, b] = [await contact(uniqueName('ctc')), await contact(uniqueName('ctc'))];
    const client = await pool.connect();
    try {
      await linkContactsToCompanies(client, [
        { accountId: account, contactId: a, domain, name: 'Acme' },
        { accountId: account, contactId: b, domain, name: 'Acme' },
      ]);
      const company = await companyOf(a);
      expect(company).toMatch(/^cmp_/);
      expect(await companyOf(b)).toBe(company);
      const version = async () => (await pool.query<{ xmin: string }>('SELECT xmin FROM companies WHERE id = $1', [company])).rows[0].xmin;
      const before = await version();
      const c = await contact(uniqueName('ctc'));
      await linkContactsToCompanies(client, [{ accountId: account, contactId: c, domain, name: 'Acme renamed' }]);
      expect(await companyOf(c)).toBe(company);
      expect(await version()).toBe(before);
      expect((await pool.query('SELECT name FROM companies WHERE account_id = $1 AND domain = $2', [account, domain])).rows).toEqual([{ name: 'Acme' }]);
    } finally {
      client.release();
    }
  });

  it('does not wait for another open transaction that linked a contact to the same company', async () => {
    const [a, b] = [await contact(uniqueName('ctc')), await contact(uniqueName('ctc'))];
    await linked([{ accountId: account, contactId: a, domain, name: 'Acme' }]);
    const first = await inTransaction((tx) => linkContactsToCompanies(tx, [{ accountId: account, contactId: a, domain, name: 'Acme' }]));
    const second = await inTransaction((tx) => tx.query("SET LOCAL lock_timeout = '500ms'").then(() => undefined));
    try {
      await expect(linkContactsToCompanies(second, [{ accountId: account, contactId: b, domain, name: 'Acme' }])).resolves.toBeUndefined();
      await second.query('COMMIT');
      await first.query('COMMIT');
      expect(await companyOf(b)).toBe(await companyOf(a));
    } finally {
      first.release();
      second.release();
    }
  });

  it('links both contacts to one company when two transactions make it at once', async () => {
    const fresh = `${uniqueName('new').toLowerCase()}.test`;
    const [a, b] = [await contact(uniqueName('ctc')), await contact(uniqueName('ctc'))];
    const first = await inTransaction((tx) => linkContactsToCompanies(tx, [{ accountId: account, contactId: a, domain: fresh, name: 'New' }]));
    const second = await inTransaction(async () => undefined);
    try {
      // The second insert waits on the first transaction's new row, then finds it by a second look.
      const linking = linkContactsToCompanies(second, [{ accountId: account, contactId: b, domain: fresh, name: 'New' }]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await first.query('COMMIT');
      await linking;
      await second.query('COMMIT');
      const companies = await pool.query<{ id: string }>('SELECT id FROM companies WHERE account_id = $1 AND domain = $2', [account, fresh]);
      expect(companies.rows).toHaveLength(1);
      expect(await companyOf(a)).toBe(companies.rows[0].id);
      expect(await companyOf(b)).toBe(companies.rows[0].id);
    } finally {
      first.release();
      second.release();
    }
  });

  it('links no contact of another account and makes no company there', async () => {
    const theirs = await contact(uniqueName('ctc'), other);
    await linked([{ accountId: account, contactId: theirs, domain, name: 'Acme' }]);
    expect(await companyOf(theirs)).toBeNull();
    expect((await pool.query('SELECT 1 FROM companies WHERE account_id = $1', [other])).rows).toHaveLength(0);
  });
});
