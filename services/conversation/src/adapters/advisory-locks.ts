// Transaction-scoped advisory locks on several keys at once, always taken in sorted order, so two
// transactions that share keys (inbound batches, contact edits) never wait on each other in a cycle.
import type { PoolClient } from '@inbox/lib';

export async function lockKeysInOrder(tx: PoolClient, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  await tx.query('SELECT count(pg_advisory_xact_lock(hashtext(k))) FROM (SELECT k FROM unnest($1::text[]) AS k ORDER BY k) AS sorted', [keys]);
}
