// Stores one inbound message exactly once: in a single transaction it records the delivery in
// the receipts ledger (a repeated event stops there), takes the sender's lock, and hands the
// message to its channel's use case (email, chat, form, Messenger, call), which threads it into
// its conversation (or starts one), stores it and writes the outbox events.
import { PermanentError, channelNameOf } from '@inbox/lib';
import type { EmailContacts } from '../../../domain/email-contacts';
import type { InboundMessage } from '@inbox/lib/gen/inbox/events/v1/events';
import type { Transaction, UnitOfWork } from '../../../use-cases/unit-of-work';
import type { ChatflowStore } from '../../assist';
import { inboundLockKey, withoutNulCharacters } from '../domain/inbound-events';
import type { InboundChannel, StoreResult } from './store-inbound-batch';
import type { InboundMessageStore } from './inbound-message-store';
import { InboundThreads } from './inbound-threads';
import { StoreInboundCall } from './store-inbound-call';
import { StoreInboundChat, type BotChatSender } from './store-inbound-chat';
import { StoreInboundEmail } from './store-inbound-email';
import { StoreInboundForm } from './store-inbound-form';
import { StoreInboundMessenger } from './store-inbound-messenger';

export type { BotChatSender } from './store-inbound-chat';

export class StoreInboundMessage {
  private readonly email: StoreInboundEmail;
  private readonly chat: StoreInboundChat;
  private readonly form: StoreInboundForm;
  private readonly messenger: StoreInboundMessenger;
  private readonly call: StoreInboundCall;

  constructor(
    private readonly work: UnitOfWork,
    private readonly store: InboundMessageStore,
    contacts: EmailContacts,
    sendOnChat: BotChatSender,
    private readonly onCommitted: () => void = () => undefined,
    chatflows?: Pick<ChatflowStore, 'ofChannel' | 'byId'>,
  ) {
    const threads = new InboundThreads(work, store, contacts);
    this.email = new StoreInboundEmail(store, threads);
    this.chat = new StoreInboundChat(work, store, contacts, threads, sendOnChat, chatflows);
    this.form = new StoreInboundForm(store, threads);
    this.messenger = new StoreInboundMessenger(store, threads);
    this.call = new StoreInboundCall(work, store, threads);
  }

  async execute(input: InboundMessage): Promise<StoreResult> {
    const event = withoutNulCharacters(input);
    const result = await this.work.runWithCachedPlans(async (tx) => {
      const stored = await this.store.recordReceipt(tx, { eventId: event.eventId, accountId: event.accountId, channelType: channelNameOf(event.channelType) ?? null, receivedAt: event.receivedAt ?? new Date() });
      if (!stored) return { duplicate: true };
      const channel = await this.store.channel(tx, event.accountId, event.channelId);
      if (!channel) throw new PermanentError(`channel ${event.channelId} does not exist in account ${event.accountId}`);
      return this.dispatch(tx, event, channel);
    });
    if (!result.duplicate) this.onCommitted();
    return result;
  }

  /**
   * Stores an event whose receipt the caller recorded in this transaction (the batch path, for
   * channels it does not store set-based), opened with cached plans as execute() opens its own.
   */
  async storeRecorded(tx: Transaction, event: InboundMessage, channel: InboundChannel): Promise<StoreResult> {
    return this.dispatch(tx, event, channel);
  }

  private async dispatch(tx: Transaction, event: InboundMessage, channel: InboundChannel): Promise<StoreResult> {
    // One sender's or thread's events are stored one at a time, across consumer replicas too.
    const lockKey = inboundLockKey(event);
    if (lockKey) await this.store.lockSender(tx, lockKey);
    if (event.email) return this.email.execute(tx, event, event.email, channel.inboxId);
    if (event.chat) return this.chat.execute(tx, event, event.chat, channel.inboxId);
    if (event.form) return this.form.execute(tx, event, event.form, channel);
    if (event.messenger) return this.messenger.execute(tx, event, event.messenger, channel.inboxId);
    if (event.call) return this.call.execute(tx, event, event.call, channel.inboxId);
    throw new PermanentError('inbound message without a supported payload');
  }
}
