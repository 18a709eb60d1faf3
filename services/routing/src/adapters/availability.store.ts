// Availability: PostgreSQL is the record, Redis the live copy routing reads. An account's Redis
// hash is rebuilt from PostgreSQL whenever it is missing (after a Redis restart or flush).
import type { Status, AvailabilityRecord, AvailabilityRecords } from '../use-cases/ports';
import type { Pool, RedisClient } from '@inbox/lib';

export const DEFAULT_STATUS: Status = 'available';
const LOADED = '__loaded';
const key = (accountId: string) => `availability:${accountId}`;


export class AvailabilityStore implements AvailabilityRecords {
  constructor(
    private readonly pool: Pool,
    private readonly redis: RedisClient,
  ) {}

  /** Sets the status; returns whether it changed. */
  async set(accountId: string, userId: string, status: Status, changedBy: string): Promise<boolean> {
    const result = await this.pool.query<{ previous: string | null }>(
      `WITH previous AS (SELECT status FROM user_availability WHERE account_id = $1 AND user_id = $2),
       written AS (
         INSERT INTO user_availability (account_id, user_id, status, changed_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (account_id, user_id) DO UPDATE SET status = $3, changed_by = $4, changed_at = now()
         WHERE user_availability.status <> $3
         RETURNING 1)
       SELECT (SELECT status FROM previous) AS previous, (SELECT count(*) FROM written) AS written`,
      [accountId, userId, status, changedBy],
    );
    await this.redis.hSet(key(accountId), userId, status).catch(() => undefined);
    return (result.rows[0].previous ?? DEFAULT_STATUS) !== status;
  }

  async get(accountId: string, userId: string): Promise<AvailabilityRecord> {
    const result = await this.pool.query<{ status: Status; changed_at: Date; changed_by: string | null }>(
      'SELECT status, changed_at, changed_by FROM user_availability WHERE account_id = $1 AND user_id = $2',
      [accountId, userId],
    );
    const row = result.rows[0];
    return row ? { status: row.status, changedAt: row.changed_at, changedBy: row.changed_by ?? '' } : { status: DEFAULT_STATUS, changedAt: null, changedBy: '' };
  }

  /** Every user's status in the account (users without a record are available), from Redis. */
  async statuses(accountId: string): Promise<(userId: string) => Status> {
    let hash: Record<string, string>;
    try {
      hash = await this.redis.hGetAll(key(accountId));
      if (!hash[LOADED]) hash = await this.rebuild(accountId);
    } catch {
      hash = await this.fromDatabase(accountId);
    }
    return (userId) => (hash[userId] as Status | undefined) ?? DEFAULT_STATUS;
  }

  private async fromDatabase(accountId: string): Promise<Record<string, string>> {
    const rows = await this.pool.query<{ user_id: string; status: string }>('SELECT user_id, status FROM user_availability WHERE account_id = $1', [accountId]);
    return Object.fromEntries(rows.rows.map((r) => [r.user_id, r.status]));
  }

  private async rebuild(accountId: string): Promise<Record<string, string>> {
    const hash = { ...(await this.fromDatabase(accountId)), [LOADED]: '1' };
    await this.redis.hSet(key(accountId), hash);
    return hash;
  }
}
