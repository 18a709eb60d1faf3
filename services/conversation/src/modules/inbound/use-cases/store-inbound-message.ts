// Stores one inbound message exactly once: in a single transaction it records the delivery in
// the receipts ledger (a repeated event stops there), upserts the contact, applies the filtering
// rules, threads the message into its conversation (or starts one), stores it with its
// attachments and writes the outbox events.
import { PermanentError, channelNameOf, messageDirection, newId, preparing } from '@inbox/lib';
import type { EmailContacts } from '../../../domain/email-contacts';
import { ConversationEventType } from '@inbox/lib/gen/inbox/events/v1/events';
import { MessageDirection } from '@inbox/lib/gen/inbox/common/v1/common';
import type { CallEvent, ChatMessageReceived, EmailReceived, FormSubmitted, InboundMessage, MessengerMessageReceived } from '@inbox/lib/gen/inbox/events/v1/events';
import type { Transaction, UnitOfWork } from '../../../use-cases/unit-of-work';
import { clock, isEnded, statusRank } from '../../../domain/calls';
import { advanceChatflow, startChatflow, withNumberedOptions, type BotState, type BotTurn, type ChatflowStore } from '../../assist';
import { filterReason, hasReplyPrefix, isSpoofedSender, normaliseSubject, preview, replyTokenFrom } from '../../../domain/email-rules';
import { sanitizeEmailHtml } from '../../../domain/html';
import { visibleReply } from '../../../domain/visible-reply';
import { companyDomainOf, companyNameFor } from '../../../domain/companies';
import { inboundLockKey, withoutNulCharacters } from '../domain/inbound-events';
import { SUBJECT_FALLBACK_DAYS } from '../domain/threading';
import type { InboundChannel, StoreResult } from './store-inbound-batch';
import type { InboundMessageStore } from './inbound-message-store';

/** A bot's message to the chat visitor, stored and handed to the chat edge in the same transaction. */
export type BotChatSender = (
  tx: Transaction,
  conversation: { id: string; accountId: string; sessionId: string },
  author: { name: string; userId: string | null },
  text: string,
  extra: { options?: string[]; fields?: Record<string, string>; visitorText?: string },
) => Promise<string>;

interface ThreadedConversation {
  conversationId: string;
  created: boolean;
  version: number;
  assigneeId: string;
  contactId: string | null;
  /** The chat's bot, while it has one. */
  bot: { chatflowId: string; state: BotState | null; handedOff: boolean } | null;
}

export class StoreInboundMessage {
  constructor(
    private readonly work: UnitOfWork,
    private readonly store: InboundMessageStore,
    private readonly contacts: EmailContacts,
    private readonly sendOnChat: BotChatSender,
    private readonly onCommitted: () => void = () => undefined,
    private readonly chatflows?: Pick<ChatflowStore, 'ofChannel' | 'byId'>,
    /** Named prepared statements: PostgreSQL plans each statement of this hot path once per connection. */
    private readonly prepared = true,
  ) {}

  async execute(input: InboundMessage): Promise<StoreResult> {
    const event = withoutNulCharacters(input);
    const result = await this.work.run(async (client) => {
      const tx = this.prepared ? preparing(client) : client;
      const stored = await this.store.recordReceipt(tx, { eventId: event.eventId, accountId: event.accountId, channelType: channelNameOf(event.channelType) ?? null, receivedAt: event.receivedAt ?? new Date() });
      if (!stored) return { duplicate: true };
      const channel = await this.store.channel(tx, event.accountId, event.channelId);
      if (!channel) throw new PermanentError(`channel ${event.channelId} does not exist in account ${event.accountId}`);
      return this.dispatch(tx, event, channel);
    });
    if (!result.duplicate) this.onCommitted();
    return result;
  }

  /** Stores an event whose receipt the caller recorded in this transaction (the batch path, for channels it does not store set-based). */
  async storeRecorded(client: Transaction, event: InboundMessage, channel: InboundChannel): Promise<StoreResult> {
    return this.dispatch(this.prepared ? preparing(client) : client, event, channel);
  }

  private async dispatch(tx: Transaction, event: InboundMessage, channel: InboundChannel): Promise<StoreResult> {
    // One sender's or thread's events are stored one at a time, across consumer replicas too.
    const lockKey = inboundLockKey(event);
    if (lockKey) await this.store.lockSender(tx, lockKey);
    if (event.email) return this.storeEmail(tx, event, event.email, channel.inboxId);
    if (event.chat) return this.storeChat(tx, event, event.chat, channel.inboxId);
    if (event.form) return this.storeForm(tx, event, event.form, channel);
    if (event.messenger) return this.storeMessenger(tx, event, event.messenger, channel.inboxId);
    if (event.call) return this.storeCall(tx, event, event.call, channel.inboxId);
    throw new PermanentError('inbound message without a supported payload');
  }

  private async storeEmail(tx: Transaction, event: InboundMessage, email: EmailReceived, inboxId: string): Promise<StoreResult> {
    const accountId = event.accountId;
    const receivedAt = event.receivedAt ?? new Date();
    const fromAddress = (email.from?.address || email.envelopeFrom || '').trim().toLowerCase();
    const fromName = email.from?.name?.trim() ?? '';

    const contact = fromAddress ? await this.upsertContact(tx, accountId, fromAddress, fromName) : null;
    const blocked = fromAddress ? await this.store.isBlocked(tx, accountId, [`email:${fromAddress}`]) : false;
    // Mail that claims one of our people as its sender is theirs only when its From domain authenticates.
    const claimedAgent = fromAddress ? await this.store.userWithEmail(tx, accountId, fromAddress) : undefined;
    const spoofed = isSpoofedSender(!!claimedAgent, email.authentication);
    const reason = spoofed ? 'spoofed_sender' : filterReason({ blocked, headers: email.headers, fromAddress, knownContact: contact?.known ?? false });

    let conversationId = blocked || spoofed ? null : await this.findThread(tx, accountId, inboxId, email, contact?.id ?? null);
    const text = email.text;
    const reply = visibleReply(text);
    const snippet = preview(reply || text || email.subject);
    const ownAddresses = new Set(email.envelopeTo.map((a) => a.toLowerCase()));
    const participants = new Set([fromAddress, ...email.cc.map((c) => c.address.toLowerCase())].filter((a) => a && !ownAddresses.has(a)));
    let created = false;
    let version: number;
    let assigneeId = '';
    if (conversationId) {
      ({ version, assigneeId } = await this.store.touchEmailConversation(tx, { id: conversationId, accountId, receivedAt, preview: snippet, participants: participants.size || 1 }));
    } else {
      conversationId = newId('con');
      created = true;
      version = 1;
      await this.store.insertConversation(tx, {
        id: conversationId,
        accountId,
        inboxId,
        channelId: event.channelId,
        channel: 'email',
        subject: email.subject,
        contactId: contact?.id ?? null,
        participants: participants.size || 1,
        preview: snippet,
        receivedAt,
        filteredReason: reason,
      });
    }

    const messageId = newId('msg');
    const auth = email.authentication;
    await this.store.insertEmailMessage(tx, {
      id: messageId,
      accountId,
      conversationId,
      channel: 'email',
      sourceEventId: event.eventId,
      rfcMessageId: email.messageId || null,
      inReplyTo: email.inReplyTo,
      references: email.references,
      fromName,
      fromAddress,
      to: email.to,
      cc: email.cc,
      subject: email.subject,
      text,
      html: email.html ? sanitizeEmailHtml(email.html) : null,
      rawObjectKey: email.rawObjectKey || null,
      receivedAt,
      replyText: reply,
      authentication: auth ? { spf: auth.spf, dkim: auth.dkim, dmarc: auth.dmarc, aligned: auth.aligned } : null,
      authorUserId: claimedAgent && !spoofed ? claimedAgent : null,
      rawInline: email.rawInline.length > 0 ? email.rawInline : null,
    });
    await this.store.insertAttachments(tx, accountId, messageId, email.attachments);
    await this.emitInbound(tx, { accountId, inboxId, conversationId, version, created, messageId, assigneeId });
    return { duplicate: false, conversationId, messageId, created };
  }

  /** A chat message joins its session's conversation, or starts it. */
  private async storeChat(tx: Transaction, event: InboundMessage, chat: ChatMessageReceived, inboxId: string): Promise<StoreResult> {
    const accountId = event.accountId;
    const receivedAt = event.receivedAt ?? new Date();
    const contactId = chat.visitorEmail
      ? (await this.upsertContact(tx, accountId, chat.visitorEmail.toLowerCase(), chat.visitorName)).id
      : await this.store.upsertVisitor(tx, accountId, chat.visitorId, chat.visitorName);
    const blocked = await this.store.isBlocked(tx, accountId, [`chat:${chat.visitorId}`, ...(chat.visitorEmail ? [`email:${chat.visitorEmail.toLowerCase()}`] : [])]);
    const thread = await this.threadedConversation(tx, { accountId, inboxId, channelId: event.channelId, channel: 'chat', threadKey: chat.sessionId, contactId, snippet: preview(chat.text), receivedAt, blocked });
    const messageId = newId('msg');
    await this.store.insertMessage(tx, {
      id: messageId,
      accountId,
      conversationId: thread.conversationId,
      channel: 'chat',
      sourceEventId: event.eventId,
      fromName: chat.visitorName,
      fromAddress: chat.visitorEmail,
      subject: '',
      text: chat.text,
      replyText: chat.text,
      receivedAt,
    });
    await this.emitInbound(tx, { accountId, inboxId, ...thread, messageId });
    await this.runBot(tx, { accountId, inboxId, channelId: event.channelId, sessionId: chat.sessionId, text: chat.text }, thread);
    return { duplicate: false, conversationId: thread.conversationId, messageId, created: thread.created };
  }

  /**
   * The channel's chatflow answers first: a new chat is greeted, and each visitor message moves
   * the bot on until it hands the chat to the team (or a person takes it). The bot's replies are
   * part of the same transaction as the visitor's message, so each is sent exactly once.
   */
  private async runBot(tx: Transaction, c: { accountId: string; inboxId: string; channelId: string; sessionId: string; text: string }, thread: ThreadedConversation): Promise<void> {
    if (!this.chatflows) return;
    let flow;
    let turn: BotTurn;
    if (thread.created) {
      flow = await this.chatflows.ofChannel(tx, c.accountId, c.channelId);
      if (!flow?.enabled) return;
      turn = startChatflow(flow);
    } else {
      if (!thread.bot || thread.bot.handedOff || thread.assigneeId) return;
      const state = thread.bot.state;
      flow = await this.chatflows.byId(tx, c.accountId, thread.bot.chatflowId);
      // The bot was removed mid-chat: the visitor goes to the team.
      turn = flow ? advanceChatflow(flow, state ?? { step: flow.steps[0].id, answers: {} }, c.text) : { state: state ?? { step: '', answers: {} }, say: [], handoff: true };
    }
    const conversationId = thread.conversationId;
    if (turn.answer && thread.contactId) await this.keepAnswer(tx, c.accountId, conversationId, thread.contactId, turn.answer);
    const botName = flow?.name ?? 'Bot';
    const messageIds: string[] = [];
    for (const line of turn.say) {
      messageIds.push(
        await this.sendOnChat(tx, { id: conversationId, accountId: c.accountId, sessionId: c.sessionId }, { name: botName, userId: null }, withNumberedOptions(line), {
          options: line.options,
          visitorText: line.text,
          fields: { bot: flow?.id ?? thread.bot?.chatflowId ?? '' },
        }),
      );
    }
    const version = await this.store.setBotState(tx, conversationId, flow?.id ?? null, turn.state, turn.handoff);
    const base = { accountId: c.accountId, inboxId: c.inboxId, conversationId, version: String(version) };
    await this.work.emit(tx, [
      ...messageIds.map((id) => ({ ...base, type: ConversationEventType.CONVERSATION_EVENT_TYPE_MESSAGE_CREATED, messageId: id, messageDirection: MessageDirection.MESSAGE_DIRECTION_OUTBOUND })),
      { ...base, type: ConversationEventType.CONVERSATION_EVENT_TYPE_UPDATED },
    ]);
  }

  /** An answer the bot collected: the visitor's email (joining a contact we already know), name, or a contact property. */
  private async keepAnswer(tx: Transaction, accountId: string, conversationId: string, contactId: string, answer: { key: string; value: string }): Promise<void> {
    if (answer.key === 'email') {
      const email = answer.value.toLowerCase();
      const known = await this.contacts.byEmail(tx, accountId, email);
      if (known && known !== contactId) await this.store.moveToContact(tx, conversationId, known);
      else if (!known) await this.store.setContactEmailIfMissing(tx, contactId, email);
    } else if (answer.key === 'name') {
      await this.store.setContactNameIfMissing(tx, contactId, answer.value);
    } else {
      await this.store.setContactProperty(tx, contactId, answer.key, answer.value);
    }
  }

  /** A Messenger message or postback joins the conversation with that person on that page, or starts it. */
  private async storeMessenger(tx: Transaction, event: InboundMessage, messenger: MessengerMessageReceived, inboxId: string): Promise<StoreResult> {
    const accountId = event.accountId;
    const receivedAt = event.receivedAt ?? new Date();
    const threadKey = `${messenger.pageId}:${messenger.senderPsid}`;
    const contactId = await this.store.upsertVisitor(tx, accountId, `fb:${messenger.senderPsid}`, '');
    const blocked = await this.store.isBlocked(tx, accountId, [`messenger:fb:${messenger.senderPsid}`]);
    const text = messenger.text || messenger.attachments.map((a) => `[${a.filename}]`).join(' ');
    const thread = await this.threadedConversation(tx, { accountId, inboxId, channelId: event.channelId, channel: 'messenger', threadKey, contactId, snippet: preview(text), receivedAt, blocked });
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
    await this.emitInbound(tx, { accountId, inboxId, ...thread, messageId });
    return { duplicate: false, conversationId: thread.conversationId, messageId, created: thread.created };
  }

  /**
   * A provider callback about a call: the call's row follows it (its status never goes back), and
   * what an agent needs to see becomes a message: the incoming call, a missed call, the end of a
   * call, a voicemail, its transcript. Each call is one conversation in Calls; a call we placed
   * is logged where it was placed.
   */
  private async storeCall(tx: Transaction, event: InboundMessage, call: CallEvent, inboxId: string): Promise<StoreResult> {
    const accountId = event.accountId;
    const receivedAt = event.receivedAt ?? new Date();
    let row = await this.store.findCall(tx, accountId, call.callSid, call.callId);
    const lines: string[] = [];
    let conversationId: string;
    let created = false;
    if (!row) {
      const direction = messageDirection.nameOf(call.direction, call.directionName) ?? 'inbound';
      const customer = direction === 'outbound' ? call.to : call.from;
      const contactId = customer ? await this.upsertPhoneContact(tx, accountId, customer) : await this.store.upsertVisitor(tx, accountId, `call:${call.callSid}`, '');
      const blocked = customer ? await this.store.isBlocked(tx, accountId, [`phone:tel:${customer}`]) : false;
      const subject = direction === 'outbound' ? `Call to ${customer || 'unknown number'}` : `Call from ${customer || 'unknown number'}`;
      const thread = await this.threadedConversation(tx, { accountId, inboxId, channelId: event.channelId, channel: 'phone', threadKey: call.callSid, contactId, snippet: subject, receivedAt, blocked, subject });
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
    await this.emitInbound(tx, { accountId, inboxId, conversationId, version: conversation.version, created, messageId, assigneeId: conversation.assigneeId });
    return { duplicate: false, conversationId, messageId, created };
  }

  /** The contact of a calling number, or a new one identified by it. */
  private async upsertPhoneContact(tx: Transaction, accountId: string, phone: string): Promise<string> {
    return (await this.contacts.byPhone(tx, accountId, phone)) ?? this.store.upsertPhoneContact(tx, accountId, phone);
  }

  /** The conversation of a channel thread (chat session, Messenger person, call), reopened and updated, or started. */
  private async threadedConversation(
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

  /** Every form submission starts a conversation of its own, with the fields kept as structured data. */
  private async storeForm(tx: Transaction, event: InboundMessage, form: FormSubmitted, channel: InboundChannel): Promise<StoreResult> {
    const inboxId = channel.inboxId;
    const accountId = event.accountId;
    const receivedAt = event.receivedAt ?? new Date();
    const email = form.email.toLowerCase();
    const contactId = email ? (await this.upsertContact(tx, accountId, email, form.name)).id : await this.store.upsertVisitor(tx, accountId, `form:${form.submissionId}`, form.name);
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
    await this.emitInbound(tx, { accountId, inboxId, conversationId, version: 1, created: true, messageId, assigneeId: '' });
    return { duplicate: false, conversationId, messageId, created: true };
  }

  private async emitInbound(
    tx: Transaction,
    e: { accountId: string; inboxId: string; conversationId: string; version: number; created: boolean; messageId: string; assigneeId: string },
  ): Promise<void> {
    const base = { accountId: e.accountId, inboxId: e.inboxId, conversationId: e.conversationId, version: String(e.version) };
    await this.work.emit(tx, [
      { ...base, type: e.created ? ConversationEventType.CONVERSATION_EVENT_TYPE_CREATED : ConversationEventType.CONVERSATION_EVENT_TYPE_UPDATED },
      { ...base, type: ConversationEventType.CONVERSATION_EVENT_TYPE_MESSAGE_CREATED, messageId: e.messageId, assigneeId: e.assigneeId, messageDirection: MessageDirection.MESSAGE_DIRECTION_INBOUND },
    ]);
  }

  private async upsertContact(tx: Transaction, accountId: string, email: string, name: string): Promise<{ id: string; known: boolean }> {
    const row = await this.contacts.upsert(tx, accountId, email, name);
    if (row.inserted) {
      const domain = companyDomainOf(email);
      if (domain) await this.store.linkCompany(tx, accountId, row.id, { name: companyNameFor(domain), domain });
      return { id: row.id, known: false };
    }
    // Known means we have talked before: an unfiltered conversation with this contact exists.
    return { id: row.id, known: await this.store.hasTalkedWith(tx, accountId, row.id) };
  }

  /** Message-ID headers first, then a reply token, then the conservative subject + contact fallback. */
  private async findThread(tx: Transaction, accountId: string, inboxId: string, email: EmailReceived, contactId: string | null): Promise<string | null> {
    const ids = [...new Set([...email.inReplyTo, ...email.references])];
    if (ids.length > 0) {
      const byHeaders = await this.store.conversationByMessageIds(tx, accountId, inboxId, ids);
      if (byHeaders) return byHeaders;
    }
    const tokens = [...email.envelopeTo, ...email.to.map((t) => t.address)].map(replyTokenFrom).filter((t): t is string => !!t);
    if (tokens.length > 0) {
      const byToken = await this.store.conversationByReplyTokens(tx, accountId, tokens);
      if (byToken) return byToken;
    }
    if (contactId && hasReplyPrefix(email.subject)) {
      const subject = normaliseSubject(email.subject);
      const recent = await this.store.recentEmailConversations(tx, accountId, inboxId, contactId, SUBJECT_FALLBACK_DAYS);
      const match = recent.find((row) => normaliseSubject(row.subject) === subject);
      if (match) return match.id;
    }
    return null;
  }
}
