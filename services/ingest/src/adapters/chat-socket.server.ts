// The visitor's WebSocket (/ingest/v1/chat/ws?visitorToken=…): on connect it sends the
// transcript, then every new entry of the session as it happens, on whichever replica it was
// appended. JSON frames out: {type:"hello", sessionId, transcript}, {type:"message", message} and
// {type:"typing", typing, name} (an agent typing); in: {type:"typing", typing} (the visitor).
import type { IncomingMessage, Server } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import type { Logger, PresenceBoard, RedisClient, ServiceClient } from '@inbox/lib';
import { errorMessage } from '@inbox/lib';
import type { ChannelDirectoryServiceService } from '@inbox/lib/gen/inbox/channels/v1/channels';
import { sessionChannel, type ChatSessionStore } from './chat-session.store';
import type { ChatSession } from '../use-cases/ports';
import { ChatTyping } from './chat-typing';

export class ChatSocketServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 });
  private readonly sockets = new Map<string, Set<WebSocket>>();
  private heartbeat: NodeJS.Timeout | undefined;

  readonly typing: ChatTyping;

  constructor(
    private readonly sessions: ChatSessionStore,
    private readonly subscriber: RedisClient,
    private readonly logger: Logger,
    presence: PresenceBoard,
    conversation: ServiceClient<typeof ChannelDirectoryServiceService>,
  ) {
    this.typing = new ChatTyping(presence, conversation, logger, (sessionId, frame) => this.sendFrame(sessionId, JSON.stringify(frame)));
  }

  attach(server: Server): void {
    server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== '/ingest/v1/chat/ws') return socket.destroy();
      void this.accept(req, url, socket, head);
    });
    this.heartbeat = setInterval(() => {
      for (const ws of this.wss.clients) if (ws.readyState === WebSocket.OPEN) ws.ping();
    }, 25_000);
    this.heartbeat.unref();
  }

  private async accept(req: IncomingMessage, url: URL, socket: import('node:stream').Duplex, head: Buffer): Promise<void> {
    try {
      const session = await this.sessions.authenticate(url.searchParams.get('visitorToken') ?? '');
      if (!session) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"error":{"code":"invalid_visitor_token","message":"unknown visitor token"}}');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => void this.register(session, ws));
    } catch (error) {
      this.logger.warn({ error: errorMessage(error) }, 'chat socket upgrade failed');
      socket.destroy();
    }
  }

  private async register(session: ChatSession, ws: WebSocket): Promise<void> {
    const sessionId = session.sessionId;
    let set = this.sockets.get(sessionId);
    if (!set) {
      set = new Set();
      this.sockets.set(sessionId, set);
      await this.subscriber.subscribe(sessionChannel(sessionId), (payload) => this.broadcast(sessionId, payload));
    }
    set.add(ws);
    ws.on('close', () => {
      set!.delete(ws);
      if (set!.size === 0) {
        this.sockets.delete(sessionId);
        this.typing.unwatch(sessionId);
        void this.typing.visitorTyping(session, false).catch(() => undefined);
        void this.subscriber.unsubscribe(sessionChannel(sessionId)).catch(() => undefined);
      }
    });
    this.typing.watch(session);
    ws.on('message', (data) => {
      let frame: { type?: unknown; typing?: unknown };
      try {
        frame = JSON.parse(data.toString());
      } catch {
        return;
      }
      if (frame?.type === 'typing' && typeof frame.typing === 'boolean') {
        this.typing.visitorTyping(session, frame.typing).catch((error: unknown) => this.logger.warn({ error: errorMessage(error) }, 'visitor typing failed'));
      }
    });
    ws.send(JSON.stringify({ type: 'hello', sessionId, transcript: await this.sessions.transcript(sessionId) }));
  }

  private broadcast(sessionId: string, payload: string): void {
    this.sendFrame(sessionId, `{"type":"message","message":${payload}}`);
  }

  private sendFrame(sessionId: string, frame: string): void {
    for (const ws of this.sockets.get(sessionId) ?? []) if (ws.readyState === WebSocket.OPEN) ws.send(frame);
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const ws of this.wss.clients) ws.close(1001, 'server shutting down');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
