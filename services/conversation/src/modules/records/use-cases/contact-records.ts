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

export const dealFromRow = (row: {
  id: string;
  contact_id: string;
  conversation_id: string | null;
  name: string;
  amount_minor: string;
  currency: string;
  stage: string;
  created_at: Date;
  closed_at: Date | null;
}): Deal => ({
  id: row.id,
  contactId: row.contact_id,
  conversationId: row.conversation_id ?? '',
  name: row.name,
  amountMinor: String(row.amount_minor),
  currency: row.currency,
  stage: row.stage,
  createdAt: row.created_at,
  closedAt: row.closed_at ?? undefined,
});

export const DEAL_STAGES = ['open', 'qualified', 'proposal', 'won', 'lost'];

export class CreateDeal {
  constructor(
    private readonly pool: Pool,
    private readonly directory: DirectoryRepository,
  ) {}

  async execute(actor: Actor, input: { contactId: string; conversationId: string; name: string; amountMinor: string; currency: string }): Promise<Deal> {
    await requireActor(this.directory, actor, 'agent');
    const name = dealName(input.name);
    const amountMinor = dealAmount(input.amountMinor || '0');
    const currency = dealCurrency(input.currency || 'EUR');
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

function dealName(raw: string): string {
  const name = raw.trim();
  if (!name || name.length > 200) throw new InvalidArgumentError('invalid_name', 'a deal name has 1 to 200 characters');
  return name;
}

function dealAmount(raw: string): number {
  const amountMinor = Number(raw);
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 0 || amountMinor > MAX_AMOUNT_MINOR) throw new InvalidArgumentError('invalid_amount', 'the amount must be a whole, non-negative number of minor units');
  return amountMinor;
}

function dealCurrency(raw: string): string {
  const currency = raw.toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) throw new InvalidArgumentError('invalid_currency', 'currency must be a three-letter ISO 4217 code');
  return currency;
}

/** Moves a deal along its stages (won and lost close it; reopening clears that), or changes its name or amount. */
export class UpdateDeal {
  constructor(
    private readonly pool: Pool,
    private readonly directory: DirectoryRepository,
  ) {}

  async execute(actor: Actor, dealId: string, input: { name?: string; amountMinor?: string; currency?: string; stage?: string }): Promise<Deal> {
    await requireActor(this.directory, actor, 'agent');
    if (input.stage !== undefined && !DEAL_STAGES.includes(input.stage)) throw new InvalidArgumentError('invalid_stage', `a deal's stage is one of ${DEAL_STAGES.join(', ')}`);
    const name = input.name === undefined ? null : dealName(input.name);
    const amount = input.amountMinor === undefined ? null : dealAmount(input.amountMinor);
    const currency = input.currency === undefined ? null : dealCurrency(input.currency);
    const updated = await this.pool.query(
      `UPDATE deals SET name = COALESCE($3, name), amount_minor = COALESCE($4, amount_minor), currency = COALESCE($5, currency),
         closed_at = CASE WHEN $6::text IS NULL OR $6 = stage THEN closed_at WHEN $6 IN ('won', 'lost') THEN now() ELSE NULL END,
         stage = COALESCE($6, stage)
       WHERE account_id = $1 AND id = $2 RETURNING *`,
      [actor.accountId, dealId, name, amount, currency, input.stage ?? null],
    );
    if (!updated.rowCount) throw new NotFoundError('deal_not_found', 'no such deal');
    return dealFromRow(updated.rows[0]);
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
