// The migration files themselves: from 0043 on, an index on a table that grows with the traffic is
// built concurrently, in a no-transaction file, so an upgrade does not hold inbound writes (a plain
// build of one index on 1.4 million conversations held a write for 4.6 s).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runsOutsideTransaction } from '@inbox/lib';
import { MIGRATIONS_DIR } from './migrations-dir';

const LARGE_TABLES = ['conversations', 'messages', 'attachments', 'comments', 'contacts', 'contact_addresses', 'report_facts', 'audit_entries', 'inbound_receipts'];
const FIRST_CHECKED = 43;

/** Index builds of a migration file on one of the large tables that are not concurrent. */
function blockingIndexBuilds(sql: string): string[] {
  const builds = sql.replace(/--[^\n]*/g, '').match(/CREATE\s+(?:UNIQUE\s+)?INDEX\b[^;]*?\bON\s+(?:ONLY\s+)?(\w+)/gi) ?? [];
  return builds.filter((build) => {
    const table = /\bON\s+(?:ONLY\s+)?(\w+)\s*$/i.exec(build)?.[1] ?? '';
    return LARGE_TABLES.includes(table.toLowerCase()) && !/\bCONCURRENTLY\b/i.test(build);
  });
}

describe('the conversation migrations', () => {
  it('finds a plain index build on a large table, and passes a concurrent one', () => {
    expect(blockingIndexBuilds('CREATE INDEX a ON conversations (x);')).toHaveLength(1);
    expect(blockingIndexBuilds('CREATE UNIQUE INDEX IF NOT EXISTS a ON messages USING btree (x);')).toHaveLength(1);
    expect(blockingIndexBuilds('-- migrate: no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS a ON conversations (x);')).toEqual([]);
    expect(blockingIndexBuilds('CREATE INDEX a ON teams (x);')).toEqual([]);
  });

  it('builds every index on a table that grows with the traffic concurrently, from 0043 on', () => {
    const files = readdirSync(MIGRATIONS_DIR).filter((f) => /^\d{4}_.*\.sql$/.test(f) && Number(f.slice(0, 4)) >= FIRST_CHECKED);
    expect(files.length).toBeGreaterThan(0);
    const blocking = files.flatMap((file) => {
      const sql = readFileSync(path.join(MIGRATIONS_DIR, file), 'utf8');
      const builds = blockingIndexBuilds(sql);
      const concurrentOutsideTransaction = /CONCURRENTLY/i.test(sql) && !runsOutsideTransaction(sql);
      return [...builds.map((b) => `${file}: ${b}`), ...(concurrentOutsideTransaction ? [`${file}: CONCURRENTLY needs -- migrate: no-transaction`] : [])];
    });
    expect(blocking).toEqual([]);
  });
});
