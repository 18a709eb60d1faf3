// The visitor's WebSocket (/ingest/v1/chat/ws?visitorToken=…): on connect it sends the
// transcript, then every new entry of the session as it happens, on whichever replica it was
// appended. JSON frames: {type:"hello", sessionId, transcript} and {type:"message", message}.
import type { IncomingMessage, Server } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import type { Logger, RedisClient } from '@inbox/lib';
import { errorMessage } from '@inbox/lib';
import { sessionChannel, type ChatSessionStore } from './chat-session.store';

export class ChatSocketServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 });
  private readonly sockets = new Map<string, Set<WebSocket>>();
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly sessions: ChatSessionStore,
    private readonly subscriber: RedisClient,
    private readonly logger: Logger,
  ) {}

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
      this.wss.handleUpgrade(req, socket, head, (ws) => void this.register(session.sessionId, ws));
    } catch (error) {
      this.logger.warn({ error: errorMessage(error) }, 'chat socket upgrade failed');
      socket.destroy();
    }
  }

  private async register(sessionId: string, ws: WebSocket): Promise<void> {
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
        void this.subscriber.unsubscribe(sessionChannel(sessionId)).catch(() => undefined);
      }
    });
    ws.on('message', () => undefined);
    ws.send(JSON.stringify({ type: 'hello', sessionId, transcript: await this.sessions.transcript(sessionId) }));
  }

  private broadcast(sessionId: string, payload: string): void {
    const frame = `{"type":"message","message":${payload}}`;
    for (const ws of this.sockets.get(sessionId) ?? []) if (ws.readyState === WebSocket.OPEN) ws.send(frame);
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const ws of this.wss.clients) ws.close(1001, 'server shutting down');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
