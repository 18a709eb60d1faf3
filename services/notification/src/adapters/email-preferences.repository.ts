import type { Pool } from '@inbox/lib';

export interface EmailPreference {
  enabled: boolean;
  address: string;
}

export class EmailPreferencesRepository {
  constructor(private readonly pool: Pool) {}

  async get(accountId: string, userId: string): Promise<EmailPreference> {
    const result = await this.pool.query<{ enabled: boolean; address: string }>(
      'SELECT enabled, address FROM email_preferences WHERE account_id = $1 AND user_id = $2',
      [accountId, userId],
    );
    return result.rows[0] ?? { enabled: false, address: '' };
  }

  async set(accountId: string, userId: string, preference: EmailPreference & { name: string }): Promise<EmailPreference> {
    const result = await this.pool.query<{ enabled: boolean; address: string }>(
      `INSERT INTO email_preferences (account_id, user_id, enabled, address, name) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (account_id, user_id) DO UPDATE SET enabled = $3, address = $4, name = $5, updated_at = now()
       RETURNING enabled, address`,
      [accountId, userId, preference.enabled, preference.address, preference.name],
    );
    return result.rows[0];
  }
}
