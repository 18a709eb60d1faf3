// A Messenger message or postback joins the conversation with that person on that page.
import { newId } from '@inbox/lib';
import type { InboundMessage, MessengerMessageReceived } from '@inbox/lib/gen/inbox/events/v1/events';
import type { Transaction } from '../../../use-cases/unit-of-work';
import { preview } from '../../../domain/email-rules';
import type { StoreResult } from './store-inbound-batch';
import type { InboundMessageStore } from './inbound-message-store';
import type { InboundThreads } from './inbound-threads';

export class StoreInboundMessenger {
  constructor(
    private readonly store: InboundMessageStore,
    private readonly threads: InboundThreads,
  ) {}

  /** A Messenger message or postback joins the conversation with that person on that page, or starts it. */
  async execute(tx: Transaction, event: InboundMessage, messenger: MessengerMessageReceived, inboxId: string): Promise<StoreResult> {
    const accountId = event.accountId;
    const receivedAt = event.receivedAt ?? new Date();
    const threadKey = `${messenger.pageId}:${messenger.senderPsid}`;
    const contactId = await this.store.upsertVisitor(tx, accountId, `fb:${messenger.senderPsid}`, '');
    const blocked = await this.store.isBlocked(tx, accountId, [`messenger:fb:${messenger.senderPsid}`]);
    const text = messenger.text || messenger.attachments.map((a) => `[${a.filename}]`).join(' ');
    const thread = await this.threads.threadedConversation(tx, { accountId, inboxId, channelId: event.channelId, channel: 'messenger', threadKey, contactId, snippet: preview(text), receivedAt, blocked });
    const messageId = newId('msg');
    await this.store.insertMessage(tx, {
      id: messageId,
      accountId,
      conversationId: thread.conversationId,
      channel: 'messenger',
      sourceEventId: event.eventId,
      externalId: messenger.mid,
      fromName: '',
      fromAddress: '',
      subject: '',
      text,
      replyText: text,
      fields: messenger.postbackPayload ? { postback: messenger.postbackPayload } : null,
      receivedAt,
    });
    await this.store.insertAttachments(tx, accountId, messageId, messenger.attachments);
    await this.threads.emitInbound(tx, { accountId, inboxId, ...thread, messageId });
    return { duplicate: false, conversationId: thread.conversationId, messageId, created: thread.created };
  }
}
