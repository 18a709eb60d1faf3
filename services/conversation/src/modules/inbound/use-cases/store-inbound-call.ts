// A telephony provider's callback about a call: the call's record follows it, and what an agent
// needs to see becomes a message in the call's conversation.
import { messageDirection, newId } from '@inbox/lib';
import { ConversationEventType } from '@inbox/lib/gen/inbox/events/v1/events';
import type { CallEvent, InboundMessage } from '@inbox/lib/gen/inbox/events/v1/events';
import type { Transaction, UnitOfWork } from '../../../use-cases/unit-of-work';
import { clock, isEnded, statusRank } from '../../../domain/calls';
import { preview } from '../../../domain/email-rules';
import type { StoreResult } from './store-inbound-batch';
import type { InboundMessageStore } from './inbound-message-store';
import type { InboundThreads } from './inbound-threads';

export class StoreInboundCall {
  constructor(
    private readonly work: UnitOfWork,
    private readonly store: InboundMessageStore,
    private readonly threads: InboundThreads,
  ) {}

  /**
   * A provider callback about a call: the call's row follows it (its status never goes back), and
   * what an agent needs to see becomes a message: the incoming call, a missed call, the end of a
   * call, a voicemail, its transcript. Each call is one conversation in Calls; a call we placed
   * is logged where it was placed.
   */
  async execute(tx: Transaction, event: InboundMessage, call: CallEvent, inboxId: string): Promise<StoreResult> {
    const accountId = event.accountId;
    const receivedAt = event.receivedAt ?? new Date();
    let row = await this.store.findCall(tx, accountId, call.callSid, call.callId);
    const lines: string[] = [];
    let conversationId: string;
    let created = false;
    if (!row) {
      const direction = messageDirection.nameOf(call.direction, call.directionName) ?? 'inbound';
      const customer = direction === 'outbound' ? call.to : call.from;
      const contactId = customer ? await this.threads.upsertPhoneContact(tx, accountId, customer) : await this.store.upsertVisitor(tx, accountId, `call:${call.callSid}`, '');
      const blocked = customer ? await this.store.isBlocked(tx, accountId, [`phone:tel:${customer}`]) : false;
      const subject = direction === 'outbound' ? `Call to ${customer || 'unknown number'}` : `Call from ${customer || 'unknown number'}`;
      const thread = await this.threads.threadedConversation(tx, { accountId, inboxId, channelId: event.channelId, channel: 'phone', threadKey: call.callSid, contactId, snippet: subject, receivedAt, blocked, subject });
      conversationId = thread.conversationId;
      created = thread.created;
      row = await this.store.insertCall(tx, {
        id: newId('cal'),
        accountId,
        conversationId,
        channelId: event.channelId,
        callSid: call.callSid,
        direction,
        from: call.from,
        to: call.to,
        status: call.status || 'ringing',
        startedAt: receivedAt,
      });
      if (row.direction === 'inbound') lines.push(`Incoming call from ${row.fromNumber || 'an unknown number'}`);
    } else {
      conversationId = row.conversationId;
      if (!row.callSid) await this.store.setCallSid(tx, row.id, call.callSid);
    }

    const customer = row.direction === 'outbound' ? row.toNumber : row.fromNumber;
    let answeredBy = '';
    if (call.kind === 'status' && call.status && statusRank(call.status) >= statusRank(row.status) && call.status !== row.status) {
      const ended = isEnded(call.status);
      await this.store.setCallStatus(tx, row.id, call.status, call.durationSeconds, ended ? receivedAt : null);
      if (call.status === 'completed') lines.push(`Call ${row.direction === 'outbound' ? 'to' : 'from'} ${customer} ended after ${clock(call.durationSeconds)}`);
      else if (ended && row.direction === 'inbound') lines.push(`Missed call from ${customer} (${call.status})`);
      else if (ended) lines.push(`Call to ${customer} not answered (${call.status})`);
    } else if (call.kind === 'recording') {
      await this.store.setCallRecording(tx, row.id, call.recordingUrl);
      lines.push(`Voicemail from ${customer} (${clock(call.durationSeconds)}): ${call.recordingUrl}`);
    } else if (call.kind === 'answered' && call.answeredByUserId && !row.answeredBy) {
      answeredBy = call.answeredByUserId;
      await this.store.setCallAnsweredBy(tx, row.id, answeredBy);
      lines.push(`Answered by ${(await this.store.userName(tx, accountId, answeredBy)) || 'an agent'}`);
    } else if (call.kind === 'transcription' && call.transcript.trim()) {
      await this.store.setCallTranscript(tx, row.id, call.transcript);
      lines.push(`Transcript: ${call.transcript}`);
    }

    // Whoever picks up the call takes its conversation, unless someone already has it.
    const assigned = answeredBy ? await this.store.assignIfUnowned(tx, accountId, conversationId, answeredBy) : false;
    const conversation = await this.store.bumpVersion(tx, accountId, conversationId);
    const base = { accountId, inboxId, conversationId, version: String(conversation.version) };
    if (assigned) await this.work.emit(tx, [{ ...base, type: ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED, assigneeId: answeredBy, previousAssigneeId: '' }]);
    if (lines.length === 0 || row.messageId) {
      // A call we placed is logged by its outbound message; the provider's news only updates it.
      if (lines.length > 0 && row.messageId) await this.store.appendToMessage(tx, row.messageId, `\n${lines.join('\n')}`);
      await this.work.emit(tx, [{ ...base, type: created ? ConversationEventType.CONVERSATION_EVENT_TYPE_CREATED : ConversationEventType.CONVERSATION_EVENT_TYPE_UPDATED }]);
      return { duplicate: false, conversationId, created };
    }
    const text = lines.join('\n');
    await this.store.showCallNews(tx, { id: conversationId, accountId, receivedAt, preview: preview(text) });
    const messageId = newId('msg');
    await this.store.insertMessage(tx, {
      id: messageId,
      accountId,
      conversationId,
      channel: 'phone',
      sourceEventId: event.eventId,
      externalId: call.callSid,
      fromName: '',
      fromAddress: customer,
      subject: '',
      text,
      replyText: text,
      receivedAt,
    });
    await this.threads.emitInbound(tx, { accountId, inboxId, conversationId, version: conversation.version, created, messageId, assigneeId: conversation.assigneeId });
    return { duplicate: false, conversationId, messageId, created };
  }
}
