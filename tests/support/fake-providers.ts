// Local stand-ins, at the HTTP boundary, for providers this machine cannot reach: Meta's Graph
// API (Send API and the attachment CDN) and a Twilio-style telephony REST API. They speak the
// documented wire formats, record every request, and answer what a test scripts.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Scripted = { status: number; body: unknown; contentType?: string };
type Responder = (request: RecordedRequest) => Scripted;

export class FakeProvider {
  readonly requests: RecordedRequest[] = [];
  private server?: http.Server;
  private readonly queued: Scripted[] = [];
  url = '';

  constructor(private readonly respond: Responder) {}

  /** The next requests get these answers, in order, before the default responder again. */
  answerNext(...answers: Scripted[]): void {
    this.queued.push(...answers);
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://fake');
        const recorded = { method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        this.requests.push(recorded);
        const answer = this.queued.shift() ?? this.respond(recorded);
        const payload = Buffer.isBuffer(answer.body) ? answer.body : Buffer.from(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
        res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'application/json' });
        res.end(payload);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

let graphMessageCounter = 0;
export const PHOTO_BYTES = Buffer.from('\x89PNG\r\n\x1a\n fake photo bytes', 'latin1');

/** Graph API: POST /me/messages answers like the Send API; GET /cdn/* serves attachment bytes. */
export function fakeGraphApi(): FakeProvider {
  return new FakeProvider((request) => {
    if (request.method === 'GET' && request.path.startsWith('/cdn/')) return { status: 200, body: PHOTO_BYTES, contentType: 'image/png' };
    if (request.method === 'POST' && request.path === '/me/messages') {
      const recipient = (JSON.parse(request.body) as { recipient: { id: string } }).recipient.id;
      return { status: 200, body: { recipient_id: recipient, message_id: `m_fake${++graphMessageCounter}` } };
    }
    return { status: 404, body: { error: { message: 'Unknown path components', type: 'OAuthException', code: 2500 } } };
  });
}

let callCounter = 0;
/** Twilio-style Calls resource: POST /2010-04-01/Accounts/:sid/Calls.json answers 201 with a call sid. */
export function fakeTelephonyApi(): FakeProvider {
  return new FakeProvider((request) => {
    if (request.method === 'POST' && /^\/2010-04-01\/Accounts\/\w+\/Calls\.json$/.test(request.path)) {
      const form = new URLSearchParams(request.body);
      return { status: 201, body: { sid: `CA${String(++callCounter).padStart(32, '0')}`, status: 'queued', to: form.get('To'), from: form.get('From') } };
    }
    return { status: 404, body: { code: 20404, message: 'The requested resource was not found', status: 404 } };
  });
}

/** An OpenAI-compatible model: POST /v1/chat/completions answers with one choice echoing what it was asked for. */
export function fakeChatModel(): FakeProvider {
  return new FakeProvider((request) => {
    if (request.method !== 'POST' || request.path !== '/v1/chat/completions') return { status: 404, body: { error: { message: 'unknown endpoint' } } };
    const asked = JSON.parse(request.body) as { model: string; messages: { role: string; content: string }[] };
    const summarising = asked.messages[0].content.includes('summarise');
    const content = summarising ? `MODEL SUMMARY (${asked.model})` : `MODEL DRAFT for: ${asked.messages[1].content.split("The agent's instruction: ")[1] ?? ''}`;
    return { status: 200, body: { id: 'chatcmpl-1', object: 'chat.completion', model: asked.model, choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] } };
  });
}
