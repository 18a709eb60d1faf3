interface Queryable {
  query<R>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

/** A foreign key's (alias c, from pg_constraint) columns, in order, as "a, b". */
const KEY_COLUMNS = `(SELECT string_agg(a.attname, ', ' ORDER BY k.ord)
    FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS columns`;

export interface UnindexedForeignKey {
  table: string;
  constraint: string;
  columns: string;
}

/**
 * Foreign keys no index can serve from the referencing side. Deleting or re-keying a parent row
 * makes PostgreSQL find the rows that name it; without an index leading with the key's columns
 * that is a scan of the whole referencing table, under the deleting transaction. A partial index
 * counts only when its condition is that the key's last column is not null, which every row the
 * key constrains satisfies.
 */
export async function foreignKeysWithoutIndex(db: Queryable): Promise<UnindexedForeignKey[]> {
  const result = await db.query<UnindexedForeignKey>(`
    WITH keys AS (
      SELECT c.conrelid, c.conname, c.conkey,
             ${KEY_COLUMNS},
             (SELECT a.attname FROM pg_attribute a
               WHERE a.attrelid = c.conrelid AND a.attnum = c.conkey[cardinality(c.conkey)]) AS last_column
        FROM pg_constraint c
        JOIN pg_namespace n ON n.oid = c.connamespace
       WHERE c.contype = 'f' AND n.nspname = current_schema()
    )
    SELECT k.conrelid::regclass::text AS table, k.conname AS constraint, k.columns
      FROM keys k
     WHERE NOT EXISTS (
       SELECT 1 FROM pg_index i
        WHERE i.indrelid = k.conrelid
          AND (i.indkey::int2[])[0:cardinality(k.conkey) - 1] @> k.conkey
          AND (i.indkey::int2[])[0:cardinality(k.conkey) - 1] <@ k.conkey
          AND (i.indpred IS NULL OR pg_get_expr(i.indpred, i.indrelid) = format('(%s IS NOT NULL)', quote_ident(k.last_column))))
     ORDER BY 1, 2`);
  return result.rows;
}

/**
 * What the current transaction has read of a table so far: rows read by its scans and entries its
 * indexes returned (PostgreSQL counts a plain index scan's rows on the index, not the table).
 * Counters can include what earlier transactions have not reported yet: compare two readings.
 */
export async function rowsRead(db: Queryable, table: string): Promise<number> {
  const result = await db.query<{ n: string }>(
    `SELECT coalesce(sum(pg_stat_get_xact_tuples_returned(r) + pg_stat_get_xact_tuples_fetched(r)), 0) AS n
       FROM (SELECT $1::regclass::oid AS r UNION ALL SELECT indexrelid FROM pg_index WHERE indrelid = $1::regclass) AS relations`,
    [table],
  );
  return Number(result.rows[0].n);
}

export interface KeyWithoutAccount {
  table: string;
  references: string;
  columns: string;
}

/**
 * Foreign keys between two tables that both belong to accounts (both have account_id) whose
 * columns do not include the account: such a key lets a row of one account name another's record.
 */
export async function keysWithoutAccount(db: Queryable): Promise<KeyWithoutAccount[]> {
  const result = await db.query<KeyWithoutAccount>(`
    SELECT c.conrelid::regclass::text AS table, c.confrelid::regclass::text AS references,
           ${KEY_COLUMNS}
      FROM pg_constraint c
      JOIN pg_namespace n ON n.oid = c.connamespace
     WHERE c.contype = 'f' AND n.nspname = current_schema()
       AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.conrelid AND a.attname = 'account_id' AND NOT a.attisdropped)
       AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.confrelid AND a.attname = 'account_id' AND NOT a.attisdropped)
       AND NOT EXISTS (SELECT 1 FROM unnest(c.conkey) k JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k WHERE a.attname = 'account_id')
     ORDER BY 1, 2, 3`);
  return result.rows;
}

/**
 * Rows of a table read while work runs (counted as rowsRead counts them), for work that commits
 * transactions of its own. db must hold one connection (a client, or a pool of one) that the work
 * uses too. A backend reports its finished transactions' counters at most once a second, and a
 * report resets what rowsRead sees: one report forced first leaves a second in which none is made.
 * The work runs without parallel workers: what a worker reads is counted in its own backend, never
 * in this one's, so a plan that read a table whole in workers would show as having read nothing.
 */
export async function rowsReadWhile(db: Queryable, table: string, work: () => Promise<unknown>): Promise<number> {
  const { previous } = (await db.query<{ previous: string }>("SELECT current_setting('max_parallel_workers_per_gather') AS previous")).rows[0];
  await db.query('SET max_parallel_workers_per_gather = 0');
  try {
    await db.query('SELECT pg_stat_force_next_flush()');
    const startedAt = Date.now();
    const before = await rowsRead(db, table);
    await work();
    const read = (await rowsRead(db, table)) - before;
    if (Date.now() - startedAt >= 900) throw new Error('rowsReadWhile: the work took too long to be measured (counters may have been reported meanwhile)');
    return read;
  } finally {
    await db.query("SELECT set_config('max_parallel_workers_per_gather', $1, false)", [previous]);
  }
}
