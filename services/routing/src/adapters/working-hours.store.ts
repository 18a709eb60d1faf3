// Users' working hours, in routing's own database.
import { validateWorkingHours, withTransaction, type Pool, type PoolClient, type WorkingHours } from '@inbox/lib';
import type { WorkingHoursStore } from '../use-cases/ports';

export class WorkingHoursRepository implements WorkingHoursStore {
  constructor(private readonly pool: Pool) {}

  async get(accountId: string, userId: string): Promise<WorkingHours | null> {
    const result = await this.pool.query('SELECT time_zone, periods FROM working_hours WHERE account_id = $1 AND user_id = $2', [accountId, userId]);
    return result.rows[0] ? { timeZone: result.rows[0].time_zone, periods: result.rows[0].periods } : null;
  }

  async set(accountId: string, userId: string, hours: WorkingHours | null, db: Pool | PoolClient = this.pool): Promise<WorkingHours | null> {
    if (!hours) {
      await db.query('DELETE FROM working_hours WHERE account_id = $1 AND user_id = $2', [accountId, userId]);
      return null;
    }
    validateWorkingHours(hours);
    await db.query(
      `INSERT INTO working_hours (account_id, user_id, time_zone, periods, last_in_hours) VALUES ($1, $2, $3, $4, NULL)
       ON CONFLICT (account_id, user_id) DO UPDATE SET time_zone = $3, periods = $4, last_in_hours = NULL`,
      [accountId, userId, hours.timeZone, JSON.stringify(hours.periods)],
    );
    return hours;
  }

  async recordInHours(inHours: (hours: WorkingHours) => boolean): Promise<{ accountId: string; userId: string; inHours: boolean }[]> {
    return withTransaction(this.pool, async (tx) => {
      const rows = await tx.query<{ account_id: string; user_id: string; time_zone: string; periods: WorkingHours['periods']; last_in_hours: boolean | null }>(
        'SELECT account_id, user_id, time_zone, periods, last_in_hours FROM working_hours FOR UPDATE SKIP LOCKED',
      );
      const crossed: { accountId: string; userId: string; inHours: boolean }[] = [];
      for (const row of rows.rows) {
        const now = inHours({ timeZone: row.time_zone, periods: row.periods });
        if (row.last_in_hours === now) continue;
        await tx.query('UPDATE working_hours SET last_in_hours = $3 WHERE account_id = $1 AND user_id = $2', [row.account_id, row.user_id, now]);
        crossed.push({ accountId: row.account_id, userId: row.user_id, inHours: now });
      }
      return crossed;
    });
  }
}
