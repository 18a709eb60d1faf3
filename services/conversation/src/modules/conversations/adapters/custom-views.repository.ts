// Custom views as stored: one inbox's, visible to their owner, to a team's members when shared
// with a team, or to everyone when shared.
import type { CustomViewStore } from '../use-cases/custom-views';
import { newId, statementName, type Pool } from '@inbox/lib';
import type { CustomView, CustomViewFilters } from '../domain/custom-views';

interface Row {
  id: string;
  inbox_id: string;
  owner_id: string;
  name: string;
  shared: boolean;
  team_id: string | null;
  filters: CustomViewFilters;
}

const toView = (row: Row): CustomView => ({ id: row.id, inboxId: row.inbox_id, name: row.name, ownerId: row.owner_id, shared: row.shared, teamId: row.team_id, filters: row.filters });

/** Who sees a view (alias v, $1 = the account, $3 = the user). */
const VISIBLE = '(v.shared OR v.owner_id = $3 OR v.team_id IN (SELECT m.team_id FROM team_members m WHERE m.account_id = $1 AND m.user_id = $3))';
const VISIBLE_IN_INBOX_SQL = `SELECT * FROM custom_views v WHERE v.account_id = $1 AND v.inbox_id = $2 AND ${VISIBLE} ORDER BY lower(v.name), v.id`;

export class CustomViewsRepository implements CustomViewStore {
  constructor(readonly pool: Pool) {}

  async visibleTo(accountId: string, userId: string, inboxId: string): Promise<CustomView[]> {
    // Asked for with every view count: planned once per connection.
    const result = await this.pool.query<Row>({ name: statementName(VISIBLE_IN_INBOX_SQL), text: VISIBLE_IN_INBOX_SQL, values: [accountId, inboxId, userId] });
    return result.rows.map(toView);
  }

  /** The view, when this user may see it. */
  async findVisible(accountId: string, id: string, userId: string): Promise<CustomView | null> {
    const result = await this.pool.query<Row>(`SELECT * FROM custom_views v WHERE v.account_id = $1 AND v.id = $2 AND ${VISIBLE}`, [accountId, id, userId]);
    return result.rows[0] ? toView(result.rows[0]) : null;
  }

  async isTeamMember(accountId: string, teamId: string, userId: string): Promise<'member' | 'not_member' | 'no_team'> {
    const result = await this.pool.query<{ member: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM team_members m WHERE m.account_id = t.account_id AND m.team_id = t.id AND m.user_id = $3) AS member FROM teams t WHERE t.account_id = $1 AND t.id = $2',
      [accountId, teamId, userId],
    );
    if (!result.rowCount) return 'no_team';
    return result.rows[0].member ? 'member' : 'not_member';
  }

  async create(accountId: string, view: Omit<CustomView, 'id'>): Promise<CustomView> {
    const result = await this.pool.query<Row>(
      'INSERT INTO custom_views (id, account_id, inbox_id, owner_id, name, shared, team_id, filters) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *',
      [newId('cvw'), accountId, view.inboxId, view.ownerId, view.name, view.shared, view.teamId, JSON.stringify(view.filters)],
    );
    return toView(result.rows[0]);
  }

  async update(accountId: string, id: string, changes: Pick<CustomView, 'name' | 'shared' | 'teamId' | 'filters'>): Promise<CustomView> {
    const result = await this.pool.query<Row>(
      'UPDATE custom_views SET name = $3, shared = $4, team_id = $5, filters = $6, updated_at = now() WHERE account_id = $1 AND id = $2 RETURNING *',
      [accountId, id, changes.name, changes.shared, changes.teamId, JSON.stringify(changes.filters)],
    );
    return toView(result.rows[0]);
  }

  async delete(accountId: string, id: string): Promise<void> {
    await this.pool.query('DELETE FROM custom_views WHERE account_id = $1 AND id = $2', [accountId, id]);
  }
}
