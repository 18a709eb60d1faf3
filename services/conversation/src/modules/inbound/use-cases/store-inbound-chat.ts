// A live-chat message joins its session's conversation (or starts it), and the channel's bot
// answers in the same transaction.
import { newId } from '@inbox/lib';
import type { EmailContacts } from '../../../domain/email-contacts';
import { ConversationEventType } from '@inbox/lib/gen/inbox/events/v1/events';
import { MessageDirection } from '@inbox/lib/gen/inbox/common/v1/common';
import type { ChatMessageReceived, InboundMessage } from '@inbox/lib/gen/inbox/events/v1/events';
import type { Transaction, UnitOfWork } from '../../../use-cases/unit-of-work';
import { advanceChatflow, startChatflow, withNumberedOptions, type BotTurn, type ChatflowStore } from '../../assist';
import { preview } from '../../../domain/email-rules';
import type { StoreResult } from './store-inbound-batch';
import type { InboundMessageStore } from './inbound-message-store';
import type { InboundThreads, ThreadedConversation } from './inbound-threads';

/** A bot's message to the chat visitor, stored and handed to the chat edge in the same transaction. */
export type BotChatSender = (
  tx: Transaction,
  conversation: { id: string; accountId: string; sessionId: string },
  author: { name: string; userId: string | null },
  text: string,
  extra: { options?: string[]; fields?: Record<string, string>; visitorText?: string },
) => Promise<string>;

export class StoreInboundChat {
  constructor(
    private readonly work: UnitOfWork,
    private readonly store: InboundMessageStore,
    private readonly contacts: EmailContacts,
    private readonly threads: InboundThreads,
    private readonly sendOnChat: BotChatSender,
    private readonly chatflows?: Pick<ChatflowStore, 'ofChannel' | 'byId'>,
  ) {}

  /** A chat message joins its session's conversation, or starts it. */
  async execute(tx: Transaction, event: InboundMessage, chat: ChatMessageReceived, inboxId: string): Promise<StoreResult> {
    const accountId = event.accountId;
    const receivedAt = event.receivedAt ?? new Date();
    const contactId = chat.visitorEmail
      ? (await this.threads.upsertContact(tx, accountId, chat.visitorEmail.toLowerCase(), chat.visitorName)).id
      : await this.store.upsertVisitor(tx, accountId, chat.visitorId, chat.visitorName);
    const blocked = await this.store.isBlocked(tx, accountId, [`chat:${chat.visitorId}`, ...(chat.visitorEmail ? [`email:${chat.visitorEmail.toLowerCase()}`] : [])]);
    const thread = await this.threads.threadedConversation(tx, { accountId, inboxId, channelId: event.channelId, channel: 'chat', threadKey: chat.sessionId, contactId, snippet: preview(chat.text), receivedAt, blocked });
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
    await this.threads.emitInbound(tx, { accountId, inboxId, ...thread, messageId });
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
}
