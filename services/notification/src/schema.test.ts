// The migrated notification database: every foreign key is served by an index from the referencing side,
// so deleting a row others name never reads a whole table; and no key lets one account's row name another's.
import { createLogger, createPool, ensureDatabase, migrate, type Pool } from '@inbox/lib';
import { databaseUrl, foreignKeysWithoutIndex, keysWithoutAccount } from '@inbox/testkit';
import { MIGRATIONS_DIR } from './migrations-dir';

describe('the notification database schema', () => {
  const url = databaseUrl('inbox_test_notification_schema');
  let pool: Pool;

  beforeAll(async () => {
    await ensureDatabase(url);
    pool = createPool(url, createLogger({ service: 'test', level: 'silent' }), 1);
    await migrate(pool, MIGRATIONS_DIR);
  });

  afterAll(() => pool?.end());

  it('has an index leading with the columns of every foreign key', async () => {
    expect(await foreignKeysWithoutIndex(pool)).toEqual([]);
  });

  it('names the account in every key between two records of an account, except a subscription s own deliveries', async () => {
    // A delivery takes its account from its subscription's row, in the statement that makes it.
    expect(await keysWithoutAccount(pool)).toEqual([{ table: 'webhook_deliveries', references: 'webhook_subscriptions', columns: 'subscription_id' }]);
  });
});
