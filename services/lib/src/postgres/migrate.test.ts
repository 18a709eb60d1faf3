import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { databaseUrl, scratchDirectory, uniqueName } from '@inbox/testkit';
import { createLogger } from '../logging/logger';
import { ensureDatabase, migrate } from './migrate';
import { createPool } from './pool';

describe('SQL migrations against a real PostgreSQL', () => {
  const name = uniqueName('migrate_test');
  const url = databaseUrl(name);
  let pool: pg.Pool;
  let dir: string;

  beforeAll(async () => {
    expect(await ensureDatabase(url)).toBe(true);
    expect(await ensureDatabase(url)).toBe(false);
    pool = createPool(url, createLogger({ service: 'migrate-test', level: 'silent' }), 4);
    dir = scratchDirectory('migrations-');
    await writeFile(path.join(dir, '0001_items.sql'), 'CREATE TABLE items (id text PRIMARY KEY);');
    await writeFile(path.join(dir, '0002_items_name.sql'), 'ALTER TABLE items ADD COLUMN name text;');
    await writeFile(path.join(dir, 'README.md'), 'not a migration');
  });

  afterAll(async () => {
    await pool.end();
    const admin = new pg.Client({ connectionString: databaseUrl('postgres') });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.end();
  });

  it('applies pending files in order, once, even when replicas run it at the same time', async () => {
    const results = await Promise.all([migrate(pool, dir), migrate(pool, dir), migrate(pool, dir)]);
    const applied = results.flatMap((r) => r.applied);
    expect(applied).toEqual(['0001_items.sql', '0002_items_name.sql']);
    await pool.query("INSERT INTO items (id, name) VALUES ('a', 'b')");
    expect((await migrate(pool, dir)).applied).toEqual([]);
  });

  it('runs a no-transaction file statement by statement, so an index can be built concurrently', async () => {
    const concurrently = ['CREATE TABLE big (id int, label text);', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS big_label ON big (label);'].join('\n');
    const other = scratchDirectory('migrations-');
    // In a transaction, as every other file runs, PostgreSQL refuses it.
    await writeFile(path.join(other, '0001_big.sql'), concurrently);
    await expect(migrate(pool, other)).rejects.toThrow(/cannot run inside a transaction block/);
    await writeFile(path.join(other, '0001_big.sql'), `-- migrate: no-transaction\n-- builds without blocking writes\n${concurrently}\n`);
    expect((await pool.query("SELECT to_regclass('big') AS t")).rows[0].t).toBeNull();
    expect((await migrate(pool, other)).applied).toEqual(['0001_big.sql']);
    const index = await pool.query<{ indisvalid: boolean }>("SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'big_label'");
    expect(index.rows).toEqual([{ indisvalid: true }]);
    // Safe to run again: it is recorded, and running it from the start would change nothing.
    expect((await migrate(pool, other)).applied).toEqual([]);
    await pool.query('DROP TABLE big');
  });

  it('rolls back a failing migration entirely and records nothing', async () => {
    await writeFile(path.join(dir, '0003_broken.sql'), 'CREATE TABLE half (id int); SELECT * FROM no_such_table;');
    await expect(migrate(pool, dir)).rejects.toThrow(/0003_broken.sql failed/);
    const tables = await pool.query("SELECT to_regclass('half') AS t");
    expect(tables.rows[0].t).toBeNull();
    const recorded = await pool.query("SELECT name FROM schema_migrations WHERE name = '0003_broken.sql'");
    expect(recorded.rowCount).toBe(0);
    await writeFile(path.join(dir, '0003_broken.sql'), 'CREATE TABLE half (id int);');
    expect((await migrate(pool, dir)).applied).toEqual(['0003_broken.sql']);
  });

  it('refuses to continue when an applied migration was edited', async () => {
    await writeFile(path.join(dir, '0001_items.sql'), 'CREATE TABLE items (id text PRIMARY KEY, extra int);');
    await expect(migrate(pool, dir)).rejects.toThrow(/0001_items.sql was changed after it was applied/);
  });

  it('refuses to create a database with an unsafe name', async () => {
    await expect(ensureDatabase(databaseUrl('x; DROP DATABASE postgres'))).rejects.toThrow(/refusing/);
  });
});
