// Basic tickets: created from a conversation (never detached from it), opened and closed; a
// conversation closed "with its ticket" closes them too.
import { FailedPreconditionError, InvalidArgumentError, NotFoundError, newId } from '@inbox/lib';
import type { UnitOfWork } from '../../../use-cases/unit-of-work';
import type { RecordsStore } from './ports';
import type { DirectoryStore } from '../../directory';
import type { Actor } from '../../directory';
import { requireActor } from '../../directory';

export class CreateTicket {
  constructor(
    private readonly work: UnitOfWork,
    private readonly store: Pick<RecordsStore, 'insertTicket'>,
    private readonly directory: DirectoryStore,
  ) {}

  async execute(actor: Actor, conversationId: string, title: string): Promise<string> {
    await requireActor(this.directory, actor, 'agent');
    if (title.length > 500) throw new InvalidArgumentError('title_too_long', 'a ticket title has at most 500 characters');
    return this.work.run(async (tx) => {
      const conversation = await this.work.lockConversation(tx, actor.accountId, conversationId);
      if (conversation.trashedAt) throw new FailedPreconditionError('conversation_in_trash', 'restore the conversation first');
      const id = newId('tkt');
      await this.store.insertTicket(tx, { id, accountId: actor.accountId, conversationId, title: title.trim() || conversation.subject });
      return id;
    });
  }
}

export class UpdateTicket {
  constructor(
    private readonly store: Pick<RecordsStore, 'updateTicket'>,
    private readonly directory: DirectoryStore,
  ) {}

  async execute(actor: Actor, ticketId: string, change: { status?: string; title?: string }): Promise<void> {
    await requireActor(this.directory, actor, 'agent');
    if (change.status && change.status !== 'open' && change.status !== 'closed') throw new InvalidArgumentError('invalid_status', 'status must be open or closed');
    if (change.title !== undefined && (change.title.length > 500 || !change.title.trim())) throw new InvalidArgumentError('invalid_title', 'a ticket title has 1 to 500 characters');
    const updated = await this.store.updateTicket(actor.accountId, ticketId, { status: change.status || null, title: change.title?.trim() ?? null });
    if (!updated) throw new NotFoundError('ticket_not_found', 'no such ticket');
  }
}
