// The edge of a cell deployment (docs/cells.md), as a simulation: one HTTP entry point in front
// of several complete installations ("cells"), each with its own PostgreSQL, NATS and Redis.
// Every request is sent to the cell that holds its account:
// - agents and integrators by the account named in their signed bearer token;
// - sign-in by the email's entry in the account directory; sign-up to the cell with fewest accounts;
// - customers by the channel they write to: email recipient, widget, visitor token, form, Messenger
//   page or verify token, phone channel;
// - WebSocket upgrades (agents' real time by ticket, visitors' chat by visitor token) likewise.
// The directory is this router's memory, written from the answers it forwards (sign-ups, users,
// channels, tickets, chat sessions); production keeps it in its own replicated store. A request
// whose key the directory does not hold goes to each cell in turn until one answers other than
// 404, which the API guarantees changed nothing.
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { jwtVerify } from 'jose';

export interface Cell {
  name: string;
  gatewayUrl: string;
  ingestUrl: string;
}

type Target = { cell: Cell; base: 'gatewayUrl' | 'ingestUrl' };
type Resolution = { cells: Cell[]; learn?: (body: any, cell: Cell) => void };

const MAX_BODY = 30 * 1024 * 1024;

export class CellRouter {
  /** account id → its cell */
  readonly accounts = new Map<string, Cell>();
  /** 'email:…', 'address:…', 'widget:…', 'visitor:…', 'form:…', 'page:…', 'verify:…', 'channel:…', 'ticket:…' → account id */
  private readonly keys = new Map<string, string>();
  private server?: Server;
  url = '';

  constructor(
    readonly cells: Cell[],
    private readonly tokenSecret: string,
  ) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('upgrade', (req, socket, head) => void this.upgrade(req, socket, head));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** The cell an account lives on, as the directory holds it. */
  cellOf(accountId: string): Cell | undefined {
    return this.accounts.get(accountId);
  }

  private remember(kind: string, value: unknown, accountId: string | undefined): void {
    if (typeof value === 'string' && value && accountId) this.keys.set(`${kind}:${value.toLowerCase()}`, accountId);
  }

  private byKey(kind: string, value: string | null | undefined): Cell[] {
    const account = value ? this.keys.get(`${kind}:${value.toLowerCase()}`) : undefined;
    const cell = account ? this.accounts.get(account) : undefined;
    return cell ? [cell] : this.cells;
  }

  private async accountOfToken(authorization: string | undefined): Promise<string | undefined> {
    const token = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
    if (!token) return undefined;
    try {
      const { payload } = await jwtVerify(token, new TextEncoder().encode(this.tokenSecret), { issuer: 'inbox', algorithms: ['HS256'] });
      return typeof payload.acc === 'string' ? payload.acc : undefined;
    } catch {
      return undefined;
    }
  }

  private async resolve(method: string, url: URL, headers: IncomingMessage['headers'], body: Buffer): Promise<Resolution & { base: Target['base'] }> {
    const path = url.pathname;
    if (path.startsWith('/ingest/')) return { base: 'ingestUrl', ...this.resolveInbound(method, url, headers, body) };
    if (method === 'POST' && path === '/api/v1/accounts') {
      const roomiest = [...this.cells].sort((a, b) => this.load(a) - this.load(b))[0];
      return {
        base: 'gatewayUrl',
        cells: [roomiest],
        learn: (answer, cell) => {
          if (typeof answer?.account?.id !== 'string') return;
          this.accounts.set(answer.account.id, cell);
          this.remember('email', answer.user?.email, answer.account.id);
        },
      };
    }
    if (method === 'POST' && path === '/api/v1/auth/login') {
      const email = parseJson(body)?.email;
      return { base: 'gatewayUrl', cells: this.byKey('email', typeof email === 'string' ? email : undefined).slice(0, 1) };
    }
    if (path === '/api/v1/realtime') return { base: 'gatewayUrl', cells: this.byKey('ticket', url.searchParams.get('ticket')) };
    const account = await this.accountOfToken(headers.authorization);
    const cell = account ? this.accounts.get(account) : undefined;
    if (!cell) return { base: 'gatewayUrl', cells: this.cells };
    return { base: 'gatewayUrl', cells: [cell], learn: (answer) => this.learnFromAnswer(path, answer, account!) };
  }

  private resolveInbound(method: string, url: URL, headers: IncomingMessage['headers'], body: Buffer): Resolution {
    const path = url.pathname;
    let match: RegExpExecArray | null;
    if (path === '/ingest/v1/email') {
      const explicit = url.searchParams.getAll('to');
      const recipients = explicit.length > 0 ? explicit : headerAddresses(body);
      const known = recipients.map((r) => this.byKey('address', r)).find((cells) => cells.length === 1);
      return { cells: known ?? this.cells };
    }
    if ((match = /^\/ingest\/v1\/chat\/sessions\/([^/]+)\//.exec(path))) {
      return { cells: this.byKey('visitor', String(headers['x-visitor-token'] ?? headers.authorization?.replace(/^Bearer /i, '') ?? match[1])) };
    }
    if (path === '/ingest/v1/chat/ws') return { cells: this.byKey('visitor', url.searchParams.get('visitorToken')) };
    if ((match = /^\/ingest\/v1\/chat\/([^/]+)\/(config|sessions)$/.exec(path))) {
      const widgetId = match[1];
      const cells = this.byKey('widget', widgetId);
      return {
        cells,
        learn: (answer) => {
          const account = this.keys.get(`widget:${widgetId.toLowerCase()}`);
          this.remember('visitor', answer?.visitorToken, account);
          this.remember('visitor', answer?.sessionId, account);
        },
      };
    }
    if ((match = /^\/ingest\/v1\/forms\/([^/]+)$/.exec(path))) return { cells: this.byKey('form', match[1]) };
    if ((match = /^\/ingest\/v1\/calls\/([^/]+)\/events$/.exec(path))) return { cells: this.byKey('channel', match[1]) };
    if (path === '/ingest/v1/messenger/webhook') {
      if (method === 'GET') return { cells: this.byKey('verify', url.searchParams.get('hub.verify_token')) };
      const page = parseJson(body)?.entry?.[0]?.id;
      return { cells: this.byKey('page', typeof page === 'string' ? page : undefined) };
    }
    return { cells: this.cells };
  }

  private learnFromAnswer(path: string, answer: any, account: string): void {
    if (!answer || typeof answer !== 'object') return;
    if (/^\/api\/v1\/users(\/[^/]+)?$/.test(path)) this.remember('email', answer.email, account);
    if (/^\/api\/v1\/(inboxes\/[^/]+\/)?channels(\/[^/]+)?$/.test(path)) {
      this.remember('address', answer.address, account);
      this.remember('widget', answer.widgetId, account);
      this.remember('form', answer.formId, account);
      this.remember('page', answer.pageId, account);
      this.remember('verify', answer.verifyToken, account);
      this.remember('channel', answer.id, account);
    }
    if (path === '/api/v1/realtime/tickets') this.remember('ticket', answer.ticket, account);
  }

  private load(cell: Cell): number {
    return [...this.accounts.values()].filter((c) => c === cell).length;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const body = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://router');
      const { cells, learn, base } = await this.resolve(req.method ?? 'GET', url, req.headers, body);
      let answer: Forwarded | undefined;
      for (const cell of cells) {
        answer = await forward(req, body, new URL(url.pathname + url.search, cell[base]));
        if (answer.status !== 404 || cells.length === 1) {
          if (answer.status < 300 && learn && /json/.test(String(answer.headers['content-type']))) learn(parseJson(answer.body), cell);
          break;
        }
      }
      res.writeHead(answer!.status, answer!.headers);
      res.end(answer!.body);
    } catch (error) {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 'cell_unreachable', message: String(error) }));
    }
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://router');
    const { cells, base } = await this.resolve('GET', url, req.headers, Buffer.alloc(0));
    const target = new URL(cells[0][base]);
    const upstream = connect(Number(target.port), target.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`, ...Object.entries(req.headers).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${k}: ${x}`))];
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    const close = () => {
      upstream.destroy();
      socket.destroy();
    };
    upstream.on('error', close);
    socket.on('error', close);
    upstream.on('close', close);
    socket.on('close', close);
  }
}

interface Forwarded {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

function forward(req: IncomingMessage, body: Buffer, target: URL): Promise<Forwarded> {
  const headers = { ...req.headers, host: target.host, 'content-length': String(body.length) };
  delete headers['transfer-encoding'];
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(target, { method: req.method, headers }, (response) => {
      readBody(response).then(
        (answer) => {
          const kept = Object.fromEntries(Object.entries(response.headers).filter(([k, v]) => v !== undefined && k !== 'transfer-encoding' && k !== 'connection')) as Record<string, string | string[]>;
          resolve({ status: response.statusCode ?? 502, headers: { ...kept, 'content-length': String(answer.length) }, body: answer });
        },
        reject,
      );
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) stream.destroy(new Error('body too large for the router'));
      else chunks.push(chunk);
    });
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function parseJson(body: Buffer): any {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The addresses in a raw message's To, Cc and Delivered-To headers. */
function headerAddresses(raw: Buffer): string[] {
  const head = raw.toString('utf8', 0, Math.min(raw.length, 64 * 1024)).split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
  return head
    .split(/\r?\n/)
    .filter((line) => /^(to|cc|delivered-to):/i.test(line))
    .flatMap((line) => line.match(/[^\s<>,"]+@[^\s<>,"]+/g) ?? []);
}
