// A form submission starts a conversation of its own (and a ticket, where the channel says so).
import { newId } from '@inbox/lib';
import type { FormSubmitted, InboundMessage } from '@inbox/lib/gen/inbox/events/v1/events';
import type { Transaction } from '../../../use-cases/unit-of-work';
import { preview } from '../../../domain/email-rules';
import type { InboundChannel, StoreResult } from './store-inbound-batch';
import type { InboundMessageStore } from './inbound-message-store';
import type { InboundThreads } from './inbound-threads';

export class StoreInboundForm {
  constructor(
    private readonly store: InboundMessageStore,
    private readonly threads: InboundThreads,
  ) {}

  /** Every form submission starts a conversation of its own, with the fields kept as structured data. */
  async execute(tx: Transaction, event: InboundMessage, form: FormSubmitted, channel: InboundChannel): Promise<StoreResult> {
    const inboxId = channel.inboxId;
    const accountId = event.accountId;
    const receivedAt = event.receivedAt ?? new Date();
    const email = form.email.toLowerCase();
    const contactId = email ? (await this.threads.upsertContact(tx, accountId, email, form.name)).id : await this.store.upsertVisitor(tx, accountId, `form:${form.submissionId}`, form.name);
    const blocked = email ? await this.store.isBlocked(tx, accountId, [`email:${email}`]) : false;
    const filteredReason = blocked ? 'blocked_sender' : form.honeypotTripped ? 'honeypot' : null;
    const subject = (form.fields.subject ?? form.fields.Subject ?? '').trim() || channel.name || 'Form';
    const text = Object.entries(form.fields)
      .map(([name, value]) => `${name}: ${value}`)
      .join('\n');
    const body = form.fields.message ?? form.fields.Message ?? text;
    const conversationId = newId('con');
    await this.store.insertConversation(tx, {
      id: conversationId,
      accountId,
      inboxId,
      channelId: event.channelId,
      channel: 'form',
      subject,
      contactId,
      preview: preview(body),
      receivedAt,
      filteredReason,
    });
    if (channel.settings.createTicket && !filteredReason) await this.store.insertTicket(tx, { id: newId('tkt'), accountId, conversationId, title: subject });
    const messageId = newId('msg');
    await this.store.insertMessage(tx, {
      id: messageId,
      accountId,
      conversationId,
      channel: 'form',
      sourceEventId: event.eventId,
      fromName: form.name,
      fromAddress: email,
      subject,
      text,
      replyText: text,
      fields: form.fields,
      receivedAt,
    });
    await this.threads.emitInbound(tx, { accountId, inboxId, conversationId, version: 1, created: true, messageId, assigneeId: '' });
    return { duplicate: false, conversationId, messageId, created: true };
  }
}
