// The migrated notification database: every foreign key is served by an index from the referencing side,
// so deleting a row others name never reads a whole table.
import { createLogger, createPool, ensureDatabase, migrate, type Pool } from '@inbox/lib';
import { databaseUrl, foreignKeysWithoutIndex } from '@inbox/testkit';
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
});
