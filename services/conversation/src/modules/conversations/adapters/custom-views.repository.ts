// Custom views as stored: one inbox's, visible to their owner, or to everyone when shared.
import { newId, type Pool } from '@inbox/lib';
import type { CustomView, CustomViewFilters } from '../domain/custom-views';

interface Row {
  id: string;
  inbox_id: string;
  owner_id: string;
  name: string;
  shared: boolean;
  filters: CustomViewFilters;
}

const toView = (row: Row): CustomView => ({ id: row.id, inboxId: row.inbox_id, name: row.name, ownerId: row.owner_id, shared: row.shared, filters: row.filters });

export class CustomViewsRepository {
  constructor(readonly pool: Pool) {}

  async visibleTo(accountId: string, userId: string, inboxId: string): Promise<CustomView[]> {
    const result = await this.pool.query<Row>(
      'SELECT * FROM custom_views WHERE account_id = $1 AND inbox_id = $2 AND (shared OR owner_id = $3) ORDER BY lower(name), id',
      [accountId, inboxId, userId],
    );
    return result.rows.map(toView);
  }

  async find(accountId: string, id: string): Promise<CustomView | null> {
    const result = await this.pool.query<Row>('SELECT * FROM custom_views WHERE account_id = $1 AND id = $2', [accountId, id]);
    return result.rows[0] ? toView(result.rows[0]) : null;
  }

  async create(accountId: string, view: Omit<CustomView, 'id'>): Promise<CustomView> {
    const result = await this.pool.query<Row>(
      'INSERT INTO custom_views (id, account_id, inbox_id, owner_id, name, shared, filters) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *',
      [newId('cvw'), accountId, view.inboxId, view.ownerId, view.name, view.shared, JSON.stringify(view.filters)],
    );
    return toView(result.rows[0]);
  }

  async update(accountId: string, id: string, changes: Pick<CustomView, 'name' | 'shared' | 'filters'>): Promise<CustomView> {
    const result = await this.pool.query<Row>(
      'UPDATE custom_views SET name = $3, shared = $4, filters = $5, updated_at = now() WHERE account_id = $1 AND id = $2 RETURNING *',
      [accountId, id, changes.name, changes.shared, JSON.stringify(changes.filters)],
    );
    return toView(result.rows[0]);
  }

  async delete(accountId: string, id: string): Promise<void> {
    await this.pool.query('DELETE FROM custom_views WHERE account_id = $1 AND id = $2', [accountId, id]);
  }
}
