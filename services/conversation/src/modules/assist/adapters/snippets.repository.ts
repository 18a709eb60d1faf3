// The reply library as the conversation service stores it, always within one account.
import type { SnippetStore } from '../use-cases/snippets';
import { newId, type Pool } from '@inbox/lib';
import { SnippetNameTaken, type Snippet } from '../domain/snippets';

interface Row {
  id: string;
  kind: Snippet['kind'];
  name: string;
  body: string;
  updated_at: Date;
}

const toSnippet = (row: Row): Snippet => ({ id: row.id, kind: row.kind, name: row.name, body: row.body, updatedAt: row.updated_at });

const isNameClash = (error: unknown) => (error as { code?: string; constraint?: string }).code === '23505';

export class SnippetsRepository implements SnippetStore {
  constructor(readonly pool: Pool) {}

  async list(accountId: string): Promise<Snippet[]> {
    const result = await this.pool.query<Row>('SELECT * FROM snippets WHERE account_id = $1 ORDER BY kind, lower(name)', [accountId]);
    return result.rows.map(toSnippet);
  }

  async create(accountId: string, userId: string, snippet: Omit<Snippet, 'id' | 'updatedAt'>): Promise<Snippet> {
    try {
      const result = await this.pool.query<Row>('INSERT INTO snippets (id, account_id, kind, name, body, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *', [
        newId('snp'),
        accountId,
        snippet.kind,
        snippet.name,
        snippet.body,
        userId,
      ]);
      return toSnippet(result.rows[0]);
    } catch (error) {
      if (isNameClash(error)) throw new SnippetNameTaken();
      throw error;
    }
  }

  /** Null when the account has no such snippet. */
  async update(accountId: string, id: string, snippet: Omit<Snippet, 'id' | 'updatedAt'>): Promise<Snippet | null> {
    try {
      const result = await this.pool.query<Row>('UPDATE snippets SET kind = $3, name = $4, body = $5, updated_at = now() WHERE account_id = $1 AND id = $2 RETURNING *', [
        accountId,
        id,
        snippet.kind,
        snippet.name,
        snippet.body,
      ]);
      return result.rows[0] ? toSnippet(result.rows[0]) : null;
    } catch (error) {
      if (isNameClash(error)) throw new SnippetNameTaken();
      throw error;
    }
  }

  async delete(accountId: string, id: string): Promise<boolean> {
    const result = await this.pool.query('DELETE FROM snippets WHERE account_id = $1 AND id = $2', [accountId, id]);
    return (result.rowCount ?? 0) > 0;
  }
}
