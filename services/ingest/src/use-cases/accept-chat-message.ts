// Live chat from the visitor's side: start a session on a widget, send messages (queued as
// InboundMessage events; a repeated clientMessageId is stored once).
import { createHash, randomUUID } from 'node:crypto';
import type { JetStreamClient } from '@nats-io/jetstream';
import { HttpError, isWithinWorkingHours, publishDurably } from '@inbox/lib';
import { ChannelType } from '@inbox/lib/gen/inbox/common/v1/common';
import { InboundMessage } from '@inbox/lib/gen/inbox/events/v1/events';
import type { ChannelDirectory } from './ports';
import type { ChatSession, ChatSessions } from './ports';

/** How many of an inbox's agents could answer now; undefined when that cannot be known. */
export interface AgentPresence {
  availableAgents(accountId: string, inboxId: string): Promise<number | undefined>;
}

export class StartChatSession {
  constructor(
    private readonly channels: ChannelDirectory,
    private readonly sessions: ChatSessions,
    private readonly presence?: AgentPresence,
  ) {}

  /** What the widget shows before a chat starts: its name, whether someone is there, whether it asks for an email. */
  async config(widgetId: string, now = new Date()): Promise<{ widgetId: string; name: string; online: boolean; preChatEmail: string }> {
    const channel = await this.widget(widgetId);
    return {
      widgetId,
      name: channel.name || 'Chat',
      online: await this.online(channel, now),
      preChatEmail: channel.preChatEmail || 'optional',
    };
  }

  /**
   * Someone is there when the channel is within its business hours and at least one member of
   * its inbox is available. When availability cannot be learnt, business hours alone decide.
   */
  private async online(channel: { accountId: string; inboxId: string; businessHours?: Parameters<typeof isWithinWorkingHours>[0] }, now: Date): Promise<boolean> {
    if (channel.businessHours && !isWithinWorkingHours(channel.businessHours, now)) return false;
    const available = await this.presence?.availableAgents(channel.accountId, channel.inboxId);
    return available === undefined || available > 0;
  }

  async execute(widgetId: string, visitor: { name?: string; email?: string }): Promise<{ sessionId: string; visitorToken: string }> {
    const channel = await this.widget(widgetId);
    // Offline, nobody answers live: without an address the answer could never reach the visitor.
    const offline = !(await this.online(channel, new Date()));
    if (!visitor.email?.trim() && (channel.preChatEmail === 'required' || offline)) {
      throw new HttpError(422, 'email_required', offline ? 'we are offline: leave an email address so we can answer' : 'this chat asks for your email address first');
    }
    const { session, visitorToken } = await this.sessions.create({
      accountId: channel.accountId,
      inboxId: channel.inboxId,
      channelId: channel.channelId,
      widgetId,
      name: visitor.name?.trim() ?? '',
      email: visitor.email?.trim().toLowerCase() ?? '',
    });
    return { sessionId: session.sessionId, visitorToken };
  }

  private async widget(widgetId: string) {
    const channel = /^wgt_[\w-]{1,64}$/.test(widgetId) ? await this.channels.resolve(ChannelType.CHANNEL_TYPE_CHAT, widgetId) : null;
    if (!channel) throw new HttpError(404, 'widget_not_found', 'no chat widget with this id');
    return channel;
  }
}

export class AcceptChatMessage {
  constructor(
    private readonly sessions: ChatSessions,
    private readonly js: JetStreamClient,
  ) {}

  async execute(session: ChatSession, input: { text: string; clientMessageId?: string }): Promise<{ id: string; duplicate: boolean }> {
    const clientMessageId = input.clientMessageId ?? randomUUID();
    const eventId = `ch_${createHash('sha256').update(`${session.sessionId}\u0000${clientMessageId}`).digest('hex').slice(0, 40)}`;
    const event = InboundMessage.encode({
      eventId,
      accountId: session.accountId,
      inboxId: session.inboxId,
      channelId: session.channelId,
      channelType: ChannelType.CHANNEL_TYPE_CHAT,
      receivedAt: new Date(),
      chat: {
        sessionId: session.sessionId,
        visitorId: session.visitorId,
        visitorName: session.name,
        visitorEmail: session.email,
        text: input.text,
        clientMessageId,
      },
    }).finish();
    const ack = await publishDurably(this.js, 'ingest.inbound.chat', event, { msgId: eventId });
    await this.sessions.append(session.sessionId, { id: eventId, from: 'visitor', text: input.text, authorName: session.name, at: new Date().toISOString() });
    return { id: eventId, duplicate: ack.duplicate };
  }
}
