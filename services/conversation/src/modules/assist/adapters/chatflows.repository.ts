// Chatflows, one per chat channel, as the conversation service stores them.
import type { ChatflowStore } from '../use-cases/chatflows';
import { newId, type Pool, type PoolClient } from '@inbox/lib';
import type { ChatflowStep, StoredChatflow } from '../domain/chatflow';

type Db = Pool | PoolClient;

const toChatflow = (row: { id: string; channel_id: string; name: string; steps: ChatflowStep[]; enabled: boolean }): StoredChatflow => ({
  id: row.id,
  channelId: row.channel_id,
  name: row.name,
  steps: row.steps,
  enabled: row.enabled,
});

export class ChatflowsRepository implements ChatflowStore {
  constructor(readonly pool: Pool) {}

  async save(accountId: string, channelId: string, flow: { name: string; steps: ChatflowStep[]; enabled: boolean }): Promise<StoredChatflow> {
    const result = await this.pool.query(
      `INSERT INTO chatflows (id, account_id, channel_id, name, steps, enabled) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (channel_id) DO UPDATE SET name = $4, steps = $5, enabled = $6, updated_at = now() RETURNING *`,
      [newId('cfl'), accountId, channelId, flow.name, JSON.stringify(flow.steps), flow.enabled],
    );
    return toChatflow(result.rows[0]);
  }

  async ofChannel(db: Db, accountId: string, channelId: string): Promise<StoredChatflow | null> {
    const result = await db.query('SELECT * FROM chatflows WHERE account_id = $1 AND channel_id = $2', [accountId, channelId]);
    return result.rows[0] ? toChatflow(result.rows[0]) : null;
  }

  async byId(db: Db, accountId: string, id: string): Promise<StoredChatflow | null> {
    const result = await db.query('SELECT * FROM chatflows WHERE account_id = $1 AND id = $2', [accountId, id]);
    return result.rows[0] ? toChatflow(result.rows[0]) : null;
  }
}
