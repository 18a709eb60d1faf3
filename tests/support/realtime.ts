// A WebSocket client of GET /api/v1/realtime for tests: collects every frame and waits for ones
// matching a predicate.
import WebSocket from 'ws';
import { waitFor } from '@inbox/testkit';

export type Frame = Record<string, any>;

export class RealtimeClient {
  readonly frames: Frame[] = [];
  closed: { code: number; reason: string } | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.frames.push(JSON.parse(data.toString())));
    ws.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
  }

  /** A single-use ticket for the socket, as the web app gets one: the token goes in a header, never the URL. */
  static async ticket(gatewayUrl: string, token: string): Promise<string> {
    const response = await fetch(`${gatewayUrl}/api/v1/realtime/tickets`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    if (response.status !== 201) throw Object.assign(new Error(`ticket refused: ${response.status}`), { status: response.status });
    return ((await response.json()) as { ticket: string }).ticket;
  }

  /** Opens a socket (a ticket for `token` in the query, or `ticket` as given, unless `authFrame` is given) and waits for hello. */
  static async connect(
    gatewayUrl: string,
    options: { token?: string; ticket?: string; since?: Record<string, number>; authFrame?: Frame; expectHello?: boolean } = {},
  ): Promise<RealtimeClient> {
    const url = new URL('/api/v1/realtime', gatewayUrl.replace(/^http/, 'ws'));
    const ticket = options.ticket ?? (options.token ? await RealtimeClient.ticket(gatewayUrl, options.token) : undefined);
    if (ticket) url.searchParams.set('ticket', ticket);
    if (options.since) url.searchParams.set('since', Object.entries(options.since).map(([k, v]) => `${k}:${v}`).join(','));
    const ws = new WebSocket(url);
    const client = new RealtimeClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode} ${res.statusMessage}`), { status: res.statusCode, statusLine: `${res.statusCode} ${res.statusMessage}` })));
      ws.once('error', reject);
    });
    if (options.authFrame) client.send(options.authFrame);
    if (options.expectHello !== false) await client.next((f) => f.type === 'hello');
    return client;
  }

  send(frame: Frame | string): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  next(predicate: (frame: Frame) => boolean, timeoutMs = 10_000): Promise<Frame> {
    return waitFor('a realtime frame', async () => this.frames.find(predicate), timeoutMs, 20);
  }

  all(predicate: (frame: Frame) => boolean): Frame[] {
    return this.frames.filter(predicate);
  }

  get hello(): Frame {
    return this.frames.find((f) => f.type === 'hello')!;
  }

  /** Highest sequence received per stream (starting from hello's). */
  lastSeq(): Record<string, number> {
    const seq = { ...this.hello.seq };
    for (const f of this.frames) if (f.stream && typeof f.seq === 'number') seq[f.stream] = Math.max(seq[f.stream] ?? 0, f.seq);
    return seq;
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}
