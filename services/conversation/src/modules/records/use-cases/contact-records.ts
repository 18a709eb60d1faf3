// What the sidebar does to the contact beside a conversation: create a deal with them, or detach
// the conversation from them (it leaves their record; the contact and the conversation stay).
import { InvalidArgumentError, NotFoundError, newId, withTransaction, type Pool } from '@inbox/lib';
import type { Deal } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import { ConversationEventType } from '@inbox/lib/gen/inbox/events/v1/events';
import { lockConversation, updateConversation } from '../../../adapters/conversation-rows';
import type { DirectoryRepository } from '../../directory/adapters';
import { appendEvents } from '../../../adapters/outbox';
import type { Actor } from '../../directory';
import { requireActor } from '../../directory';

const MAX_AMOUNT_MINOR = 1e13;

export const dealFromRow = (row: { id: string; contact_id: string; conversation_id: string | null; name: string; amount_minor: string; currency: string; stage: string; created_at: Date }): Deal => ({
  id: row.id,
  contactId: row.contact_id,
  conversationId: row.conversation_id ?? '',
  name: row.name,
  amountMinor: String(row.amount_minor),
  currency: row.currency,
  stage: row.stage,
  createdAt: row.created_at,
});

export class CreateDeal {
  constructor(
    private readonly pool: Pool,
    private readonly directory: DirectoryRepository,
  ) {}

  async execute(actor: Actor, input: { contactId: string; conversationId: string; name: string; amountMinor: string; currency: string }): Promise<Deal> {
    await requireActor(this.directory, actor, 'agent');
    const name = input.name.trim();
    if (!name || name.length > 200) throw new InvalidArgumentError('invalid_name', 'a deal name has 1 to 200 characters');
    const amountMinor = Number(input.amountMinor || '0');
    if (!Number.isSafeInteger(amountMinor) || amountMinor < 0 || amountMinor > MAX_AMOUNT_MINOR) throw new InvalidArgumentError('invalid_amount', 'the amount must be a whole, non-negative number of minor units');
    const currency = (input.currency || 'EUR').toUpperCase();
    if (!/^[A-Z]{3}$/.test(currency)) throw new InvalidArgumentError('invalid_currency', 'currency must be a three-letter ISO 4217 code');
    const contact = await this.pool.query('SELECT 1 FROM contacts WHERE account_id = $1 AND id = $2', [actor.accountId, input.contactId]);
    if (!contact.rowCount) throw new NotFoundError('contact_not_found', 'no such contact');
    if (input.conversationId) {
      const conversation = await this.pool.query('SELECT 1 FROM conversations WHERE account_id = $1 AND id = $2 AND contact_id = $3', [actor.accountId, input.conversationId, input.contactId]);
      if (!conversation.rowCount) throw new NotFoundError('conversation_not_found', "no such conversation of this contact");
    }
    const created = await this.pool.query(
      `INSERT INTO deals (id, account_id, contact_id, conversation_id, name, amount_minor, currency, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [newId('dea'), actor.accountId, input.contactId, input.conversationId || null, name, amountMinor, currency, actor.userId],
    );
    return dealFromRow(created.rows[0]);
  }
}

export class DetachContact {
  constructor(
    private readonly pool: Pool,
    private readonly directory: DirectoryRepository,
    private readonly onCommitted: () => void,
  ) {}

  async execute(actor: Actor, conversationId: string): Promise<void> {
    await requireActor(this.directory, actor, 'agent');
    await withTransaction(this.pool, async (tx) => {
      const conversation = await lockConversation(tx, actor.accountId, conversationId);
      if (!conversation.contactId) return;
      const version = await updateConversation(tx, conversation, { contact_id: null });
      await appendEvents(tx, [
        { accountId: actor.accountId, inboxId: conversation.inboxId, conversationId, version: String(version), actorUserId: actor.userId, type: ConversationEventType.CONVERSATION_EVENT_TYPE_UPDATED },
      ]);
    });
    this.onCommitted();
  }
}
