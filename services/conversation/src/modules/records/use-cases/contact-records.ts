// What the sidebar does to the contact beside a conversation: create a deal with them, or detach
// the conversation from them (it leaves their record; the contact and the conversation stay).
import { InvalidArgumentError, NotFoundError, newId } from '@inbox/lib';
import type { Deal } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import { ConversationEventType } from '@inbox/lib/gen/inbox/events/v1/events';
import type { UnitOfWork } from '../../../use-cases/unit-of-work';
import type { DirectoryStore } from '../../directory';
import type { RecordsStore } from './ports';
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
    private readonly store: Pick<RecordsStore, 'contactExists' | 'isContactsConversation' | 'insertDeal'>,
    private readonly directory: DirectoryStore,
  ) {}

  async execute(actor: Actor, input: { contactId: string; conversationId: string; name: string; amountMinor: string; currency: string }): Promise<Deal> {
    await requireActor(this.directory, actor, 'agent');
    const name = dealName(input.name);
    const amountMinor = dealAmount(input.amountMinor || '0');
    const currency = dealCurrency(input.currency || 'EUR');
    if (!(await this.store.contactExists(actor.accountId, input.contactId))) throw new NotFoundError('contact_not_found', 'no such contact');
    if (input.conversationId && !(await this.store.isContactsConversation(actor.accountId, input.conversationId, input.contactId))) {
      throw new NotFoundError('conversation_not_found', 'no such conversation of this contact');
    }
    return this.store.insertDeal({
      id: newId('dea'),
      accountId: actor.accountId,
      contactId: input.contactId,
      conversationId: input.conversationId || null,
      name,
      amountMinor,
      currency,
      createdBy: actor.userId,
    });
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
    private readonly store: Pick<RecordsStore, 'updateDeal'>,
    private readonly directory: DirectoryStore,
  ) {}

  async execute(actor: Actor, dealId: string, input: { name?: string; amountMinor?: string; currency?: string; stage?: string }): Promise<Deal> {
    await requireActor(this.directory, actor, 'agent');
    if (input.stage !== undefined && !DEAL_STAGES.includes(input.stage)) throw new InvalidArgumentError('invalid_stage', `a deal's stage is one of ${DEAL_STAGES.join(', ')}`);
    const name = input.name === undefined ? null : dealName(input.name);
    const amount = input.amountMinor === undefined ? null : dealAmount(input.amountMinor);
    const currency = input.currency === undefined ? null : dealCurrency(input.currency);
    const updated = await this.store.updateDeal(actor.accountId, dealId, { name, amountMinor: amount, currency, stage: input.stage ?? null });
    if (!updated) throw new NotFoundError('deal_not_found', 'no such deal');
    return updated;
  }
}

export class DetachContact {
  constructor(
    private readonly work: UnitOfWork,
    private readonly directory: DirectoryStore,
    private readonly onCommitted: () => void,
  ) {}

  async execute(actor: Actor, conversationId: string): Promise<void> {
    await requireActor(this.directory, actor, 'agent');
    await this.work.run(async (tx) => {
      const conversation = await this.work.lockConversation(tx, actor.accountId, conversationId);
      if (!conversation.contactId) return;
      const version = await this.work.changeConversation(tx, conversation, { contactId: null });
      await this.work.emit(tx, [
        { accountId: actor.accountId, inboxId: conversation.inboxId, conversationId, version: String(version), actorUserId: actor.userId, type: ConversationEventType.CONVERSATION_EVENT_TYPE_UPDATED },
      ]);
    });
    this.onCommitted();
  }
}
