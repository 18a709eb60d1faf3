// Basic tickets: created from a conversation (never detached from it), opened and closed; a
// conversation closed "with its ticket" closes them too.
import { FailedPreconditionError, InvalidArgumentError, NotFoundError, newId, withTransaction, type Pool } from '@inbox/lib';
import { lockConversation } from '../../../adapters/conversation-rows';
import type { DirectoryRepository } from '../../directory/adapters';
import type { Actor } from '../../directory';
import { requireActor } from '../../directory';

export class CreateTicket {
  constructor(
    private readonly pool: Pool,
    private readonly directory: DirectoryRepository,
  ) {}

  async execute(actor: Actor, conversationId: string, title: string): Promise<string> {
    await requireActor(this.directory, actor, 'agent');
    if (title.length > 500) throw new InvalidArgumentError('title_too_long', 'a ticket title has at most 500 characters');
    return withTransaction(this.pool, async (tx) => {
      const conversation = await lockConversation(tx, actor.accountId, conversationId);
      if (conversation.trashedAt) throw new FailedPreconditionError('conversation_in_trash', 'restore the conversation first');
      const id = newId('tkt');
      await tx.query('INSERT INTO tickets (id, account_id, conversation_id, title) VALUES ($1, $2, $3, $4)', [id, actor.accountId, conversationId, title.trim() || conversation.subject]);
      return id;
    });
  }
}

export class UpdateTicket {
  constructor(
    private readonly pool: Pool,
    private readonly directory: DirectoryRepository,
  ) {}

  async execute(actor: Actor, ticketId: string, change: { status?: string; title?: string }): Promise<void> {
    await requireActor(this.directory, actor, 'agent');
    if (change.status && change.status !== 'open' && change.status !== 'closed') throw new InvalidArgumentError('invalid_status', 'status must be open or closed');
    if (change.title !== undefined && (change.title.length > 500 || !change.title.trim())) throw new InvalidArgumentError('invalid_title', 'a ticket title has 1 to 500 characters');
    const updated = await this.pool.query(
      `UPDATE tickets SET status = COALESCE($3, status), title = COALESCE($4, title),
         closed_at = CASE WHEN $3 = 'closed' AND status <> 'closed' THEN now() WHEN $3 = 'open' THEN NULL ELSE closed_at END
       WHERE account_id = $1 AND id = $2`,
      [actor.accountId, ticketId, change.status || null, change.title?.trim() ?? null],
    );
    if (!updated.rowCount) throw new NotFoundError('ticket_not_found', 'no such ticket');
  }
}
