// Typing indicators between a chat visitor and the agents, through the presence board the
// gateway uses: a typing visitor is a short-lived presence entry on their conversation (agents
// see "… is typing"), and an agent typing in a visitor's conversation becomes a typing frame on
// the visitor's socket. The chat edge learns a session's conversation from the conversation
// service once it exists.
import { DomainError, errorMessage, type Logger, type PresenceBoard, type PresenceChange, type ServiceClient } from '@inbox/lib';
import type { ChannelDirectoryServiceService } from '@inbox/lib/gen/inbox/channels/v1/channels';
import type { ChatSession } from '../use-cases/ports';

const VISITOR_TYPING_TTL_MS = 8_000;
const RECHECK_MS = 2_000;

interface Watched {
  session: ChatSession;
  conversation: { conversationId: string; inboxId: string } | null;
  checkedAt: number;
  agentTyping: boolean;
}

export class ChatTyping {
  private readonly watched = new Map<string, Watched>();
  private readonly accounts = new Map<string, { sessions: number; unsubscribe: () => void }>();

  constructor(
    private readonly presence: PresenceBoard,
    private readonly conversation: ServiceClient<typeof ChannelDirectoryServiceService>,
    private readonly logger: Logger,
    private readonly toVisitor: (sessionId: string, frame: Record<string, unknown>) => void,
  ) {}

  /** The visitor has a socket open here: follow agents typing in their conversation. */
  watch(session: ChatSession): void {
    if (this.watched.has(session.sessionId)) return;
    this.watched.set(session.sessionId, { session, conversation: null, checkedAt: 0, agentTyping: false });
    const account = this.accounts.get(session.accountId);
    if (account) account.sessions += 1;
    else this.accounts.set(session.accountId, { sessions: 1, unsubscribe: this.presence.subscribe(session.accountId, (change) => void this.onPresence(change)) });
  }

  unwatch(sessionId: string): void {
    const watched = this.watched.get(sessionId);
    if (!watched) return;
    this.watched.delete(sessionId);
    const account = this.accounts.get(watched.session.accountId);
    if (account && --account.sessions === 0) {
      account.unsubscribe();
      this.accounts.delete(watched.session.accountId);
    }
  }

  async visitorTyping(session: ChatSession, typing: boolean): Promise<void> {
    const conversation = await this.conversationOf(session);
    if (!conversation) return;
    const change = { accountId: session.accountId, ...conversation };
    const connectionId = `visitor:${session.sessionId}`;
    if (typing) await this.presence.set(change, { connectionId, userId: `visitor:${session.visitorId}`, name: session.name || 'Visitor', activity: 'typing' }, VISITOR_TYPING_TTL_MS);
    else await this.presence.clear(change, connectionId);
  }

  private async conversationOf(session: ChatSession): Promise<{ conversationId: string; inboxId: string } | null> {
    const watched = this.watched.get(session.sessionId);
    if (watched?.conversation) return watched.conversation;
    if (watched && Date.now() - watched.checkedAt < RECHECK_MS) return null;
    let found: { conversationId: string; inboxId: string } | null = null;
    try {
      found = await this.conversation.call.findChatConversation({ accountId: session.accountId, sessionId: session.sessionId });
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'conversation_not_found')) throw error;
    }
    if (watched) {
      watched.conversation = found;
      watched.checkedAt = Date.now();
    }
    return found;
  }

  private async onPresence(change: PresenceChange): Promise<void> {
    try {
      const here = [...this.watched.values()].filter((w) => w.session.accountId === change.accountId);
      for (const w of here) if (!w.conversation) await this.conversationOf(w.session);
      const affected = here.filter((w) => w.conversation?.conversationId === change.conversationId);
      if (affected.length === 0) return;
      const typists = (await this.presence.list(change.accountId, change.conversationId)).filter((u) => u.activity === 'typing' && !u.userId.startsWith('visitor:'));
      const typing = typists.length > 0;
      for (const w of affected) {
        if (w.agentTyping === typing) continue;
        w.agentTyping = typing;
        this.toVisitor(w.session.sessionId, { type: 'typing', typing, name: typists[0]?.name ?? '' });
      }
    } catch (error) {
      this.logger.warn({ error: errorMessage(error) }, 'chat typing update failed');
    }
  }
}
