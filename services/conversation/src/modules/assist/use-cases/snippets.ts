// Every agent reads the reply library; admins write it.
import { AlreadyExistsError, NotFoundError } from '@inbox/lib';
import type { DirectoryRepository } from '../../directory/adapters';
import { SnippetNameTaken, type SnippetsRepository } from '../adapters/snippets.repository';
import type { Actor } from '../../directory';
import { validateSnippet, type Snippet } from '../domain/snippets';
import { requireActor } from '../../directory';

export class ManageSnippets {
  constructor(
    private readonly directory: DirectoryRepository,
    private readonly snippets: SnippetsRepository,
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
