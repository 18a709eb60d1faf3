// What every channel's inbound path shares: contacts by email or phone number, the conversation
// of a channel thread (chat session, Messenger person, call), and the events of a stored message.
import { newId } from '@inbox/lib';
import type { EmailContacts } from '../../../domain/email-contacts';
import { ConversationEventType } from '@inbox/lib/gen/inbox/events/v1/events';
import { MessageDirection } from '@inbox/lib/gen/inbox/common/v1/common';
import type { Transaction, UnitOfWork } from '../../../use-cases/unit-of-work';
import type { BotState } from '../../assist';
import { companyDomainOf, companyNameFor } from '../../../domain/companies';
import type { InboundMessageStore } from './inbound-message-store';

/** The conversation a message joined, as it is after the message. */
export interface ThreadedConversation {
  conversationId: string;
  created: boolean;
  version: number;
  assigneeId: string;
  contactId: string | null;
  /** The chat's bot, while it has one. */
  bot: { chatflowId: string; state: BotState | null; handedOff: boolean } | null;
}

export class InboundThreads {
  constructor(
    private readonly work: UnitOfWork,
    private readonly store: InboundMessageStore,
    private readonly contacts: EmailContacts,
  ) {}

  async upsertContact(tx: Transaction, accountId: string, email: string, name: string): Promise<{ id: string; known: boolean }> {
    const row = await this.contacts.upsert(tx, accountId, email, name);
    if (row.inserted) {
      const domain = companyDomainOf(email);
      if (domain) await this.store.linkCompany(tx, accountId, row.id, { name: companyNameFor(domain), domain });
      return { id: row.id, known: false };
    }
    // Known means we have talked before: an unfiltered conversation with this contact exists.
    return { id: row.id, known: await this.store.hasTalkedWith(tx, accountId, row.id) };
  }

  /** The contact of a calling number, or a new one identified by it. */
  async upsertPhoneContact(tx: Transaction, accountId: string, phone: string): Promise<string> {
    return (await this.contacts.byPhone(tx, accountId, phone)) ?? this.store.upsertPhoneContact(tx, accountId, phone);
  }

  /** The conversation of a channel thread (chat session, Messenger person, call), reopened and updated, or started. */
  async threadedConversation(
    tx: Transaction,
    t: { accountId: string; inboxId: string; channelId: string; channel: string; threadKey: string; contactId: string; snippet: string; receivedAt: Date; blocked: boolean; subject?: string },
  ): Promise<ThreadedConversation> {
    const found = await this.store.threadConversation(tx, t.accountId, t.channel, t.threadKey);
    if (found) {
      const touched = await this.store.touchThreadConversation(tx, { id: found, accountId: t.accountId, receivedAt: t.receivedAt, preview: t.snippet, blocked: t.blocked });
      return { conversationId: found, created: false, ...touched };
    }
    const conversationId = newId('con');
    await this.store.insertConversation(tx, {
      id: conversationId,
      accountId: t.accountId,
      inboxId: t.inboxId,
      channelId: t.channelId,
      channel: t.channel,
      subject: t.subject ?? '',
      contactId: t.contactId,
      preview: t.snippet,
      receivedAt: t.receivedAt,
      filteredReason: t.blocked ? 'blocked_sender' : null,
      threadKey: t.threadKey,
    });
    return { conversationId, created: true, version: 1, assigneeId: '', contactId: t.contactId, bot: null };
  }

  async emitInbound(
    tx: Transaction,
    e: { accountId: string; inboxId: string; conversationId: string; version: number; created: boolean; messageId: string; assigneeId: string },
  ): Promise<void> {
    const base = { accountId: e.accountId, inboxId: e.inboxId, conversationId: e.conversationId, version: String(e.version) };
    await this.work.emit(tx, [
      { ...base, type: e.created ? ConversationEventType.CONVERSATION_EVENT_TYPE_CREATED : ConversationEventType.CONVERSATION_EVENT_TYPE_UPDATED },
      { ...base, type: ConversationEventType.CONVERSATION_EVENT_TYPE_MESSAGE_CREATED, messageId: e.messageId, assigneeId: e.assigneeId, messageDirection: MessageDirection.MESSAGE_DIRECTION_INBOUND },
    ]);
  }
}
