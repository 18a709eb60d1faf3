// Every agent reads the reply library; admins write it.
import { AlreadyExistsError, NotFoundError } from '@inbox/lib';
import type { DirectoryStore } from '../../directory';
import type { Actor } from '../../directory';
import { SnippetNameTaken, validateSnippet, type Snippet } from '../domain/snippets';
import { requireActor } from '../../directory';

/** The reply library's storage, always within one account; create and update throw SnippetNameTaken on a name clash. */
export interface SnippetStore {
  list(accountId: string): Promise<Snippet[]>;
  create(accountId: string, userId: string, snippet: Omit<Snippet, 'id' | 'updatedAt'>): Promise<Snippet>;
  /** Null when the account has no such snippet. */
  update(accountId: string, id: string, snippet: Omit<Snippet, 'id' | 'updatedAt'>): Promise<Snippet | null>;
  delete(accountId: string, id: string): Promise<boolean>;
}

export class ManageSnippets {
  constructor(
    private readonly directory: DirectoryStore,
    private readonly snippets: SnippetStore,
  ) {}

  async list(actor: Actor): Promise<Snippet[]> {
    await requireActor(this.directory, actor, 'agent');
    return this.snippets.list(actor.accountId);
  }

  async save(actor: Actor, id: string, input: { kind: string; name: string; body: string }): Promise<Snippet> {
    await requireActor(this.directory, actor, 'admin');
    const snippet = validateSnippet(input);
    try {
      if (!id) return await this.snippets.create(actor.accountId, actor.userId, snippet);
      const updated = await this.snippets.update(actor.accountId, id, snippet);
      if (!updated) throw new NotFoundError('snippet_not_found', 'no such snippet');
      return updated;
    } catch (error) {
      if (error instanceof SnippetNameTaken) throw new AlreadyExistsError('snippet_name_taken', `another ${snippet.kind} is already called “${snippet.name}”`);
      throw error;
    }
  }

  async delete(actor: Actor, id: string): Promise<void> {
    await requireActor(this.directory, actor, 'admin');
    if (!(await this.snippets.delete(actor.accountId, id))) throw new NotFoundError('snippet_not_found', 'no such snippet');
  }
}
