// Forward-only SQL migrations: files NNNN_name.sql applied in order, each in its own
// transaction, recorded with a checksum; an advisory lock lets several replicas (or the Helm
// pre-upgrade Job) run it at once. An edited, already-applied file stops the run.
// A file whose first line is `-- migrate: no-transaction` runs outside a transaction, one
// statement at a time (each ends with `;` at the end of a line), for what PostgreSQL refuses in
// one: CREATE INDEX CONCURRENTLY on a large table without blocking writes. It is recorded only
// after its last statement, so it must be safe to run again from the start (IF NOT EXISTS, and
// DROP INDEX CONCURRENTLY IF EXISTS before a build that may have left an invalid index).
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';

const LOCK_KEY = 7_346_221_905;
const NO_TRANSACTION = /^--\s*migrate:\s*no-transaction\s*$/m;

/** Whether a migration file runs outside a transaction (its `-- migrate: no-transaction` line). */
export function runsOutsideTransaction(sql: string): boolean {
  return NO_TRANSACTION.test(sql);
}

/** The statements of a no-transaction file: split after each line that ends with `;`. */
function statements(sql: string): string[] {
  return sql
    .split(/;[ \t]*(?:--[^\n]*)?\r?\n|;[ \t]*$/)
    .map((s) => s.replace(/^(\s*--[^\n]*\n)+/g, '').trim())
    .filter((s) => s.length > 0);
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

export async function migrate(pool: pg.Pool, directory: string): Promise<MigrationResult> {
  const files = (await readdir(directory)).filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f)).sort();
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error) => {
    broken = error;
  };
  client.on('error', onError);
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Map(
      (await client.query<{ name: string; checksum: string }>('SELECT name, checksum FROM schema_migrations')).rows.map(
        (r) => [r.name, r.checksum],
      ),
    );
    const applied: string[] = [];
    for (const file of files) {
      const sql = await readFile(path.join(directory, file), 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex');
      const previous = done.get(file);
      if (previous !== undefined) {
        if (previous !== checksum) throw new Error(`migration ${file} was changed after it was applied`);
        continue;
      }
      if (runsOutsideTransaction(sql)) {
        try {
          for (const statement of statements(sql)) await client.query(statement);
          await client.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [file, checksum]);
        } catch (error) {
          throw new Error(`migration ${file} failed: ${(error as Error).message}`, { cause: error });
        }
        applied.push(file);
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [file, checksum]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${file} failed: ${(error as Error).message}`, { cause: error });
      }
      applied.push(file);
    }
    return { applied, alreadyApplied: done.size };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    client.off('error', onError);
    client.release(broken);
  }
}

/** Creates the database named in the URL when it does not exist (development and tests). */
export async function ensureDatabase(connectionString: string): Promise<boolean> {
  const url = new URL(connectionString);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`refusing to create database with name ${database}`);
  url.pathname = '/postgres';
  const { Client } = await import('pg');
  const client = new Client({ connectionString: url.toString() });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount) return false;
    await client.query(`CREATE DATABASE ${database}`);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === '42P04') return false;
    throw error;
  } finally {
    await client.end();
  }
}
