import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { acceptWebSocket, SocketState, type AgentSocket } from './agent-socket';
import { jsonFrame } from './text-frame';

// The client end is the ws library, as the tests and benchmarks use it; browsers speak the same RFC.
type Client = import('ws').WebSocket;
const { WebSocket } = createRequire(__filename)('ws') as typeof import('ws');

interface Accepted {
  socket: AgentSocket;
  messages: string[];
  pongs: number;
  closed?: { code: number; reason: string };
}

let server: Server;
let url: string;
let port: number;
const accepted: Accepted[] = [];
const MAX_PAYLOAD = 1024;

beforeAll(async () => {
  server = createServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (req, socket, head) => {
    const agentSocket = acceptWebSocket(req, socket, head, MAX_PAYLOAD);
    if (!agentSocket) return;
    const entry: Accepted = { socket: agentSocket, messages: [], pongs: 0 };
    accepted.push(entry);
    agentSocket.listen({
      message: (data) => entry.messages.push(data.toString()),
      pong: () => (entry.pongs += 1),
      closed: (code, reason) => (entry.closed = { code, reason }),
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
  url = `ws://127.0.0.1:${port}/socket`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function until(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function open(): Promise<{ client: Client; server: Accepted; received: string[] }> {
  const before = accepted.length;
  const client = new WebSocket(url);
  const received: string[] = [];
  client.on('message', (data) => received.push(data.toString()));
  await once(client, 'open');
  await until('the server side', () => accepted.length > before);
  return { client, server: accepted[accepted.length - 1], received };
}

/** A raw TCP client that completed the handshake: for frames a well-behaved library never sends. */
async function rawClient(): Promise<{ socket: Socket; bytes: () => Buffer; server: Accepted }> {
  const before = accepted.length;
  const socket = connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk) => chunks.push(chunk));
  await once(socket, 'connect');
  socket.write(`GET /socket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
  await until('the 101', () => Buffer.concat(chunks).includes('\r\n\r\n'));
  expect(Buffer.concat(chunks).toString()).toContain('Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  chunks.length = 0;
  await until('the server side', () => accepted.length > before);
  return { socket, bytes: () => Buffer.concat(chunks), server: accepted[accepted.length - 1] };
}

function maskedFrame(first: number, payload: Buffer): Buffer {
  const mask = Buffer.from([1, 2, 3, 4]);
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i & 3]));
  const length = payload.length < 126 ? Buffer.from([0x80 | payload.length]) : Buffer.from([0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([Buffer.from([first]), length, mask, body]);
}

/** The close code of the first close frame in what the server wrote. */
function closeCodeIn(bytes: Buffer): number | undefined {
  const at = bytes.indexOf(0x88);
  return at >= 0 && bytes.length >= at + 4 ? bytes.readUInt16BE(at + 2) : undefined;
}

describe('AgentSocket', () => {
  it('completes the handshake and carries text both ways, prepared frames included', async () => {
    const { client, server: side, received } = await open();
    client.send('{"type":"ping"}');
    client.send('x'.repeat(500));
    await until('two messages', () => side.messages.length === 2);
    expect(side.messages).toEqual(['{"type":"ping"}', 'x'.repeat(500)]);
    side.socket.write(jsonFrame({ type: 'hello' }));
    side.socket.sendJson({ type: 'pong', n: 1 });
    await until('two frames', () => received.length === 2);
    expect(received.map((r) => JSON.parse(r))).toEqual([{ type: 'hello' }, { type: 'pong', n: 1 }]);
    client.close();
    await until('the close', () => side.closed !== undefined);
    expect(side.closed).toEqual({ code: 1005, reason: '' });
    expect(side.socket.state).toBe(SocketState.Closed);
  });

  it('joins a fragmented message and answers pings; its own pings come back as pongs', async () => {
    const { client, server: side } = await open();
    client.send('first half, ', { fin: false });
    client.send('second half', { fin: true });
    await until('the joined message', () => side.messages.length === 1);
    expect(side.messages).toEqual(['first half, second half']);
    const pong = once(client, 'pong');
    client.ping('are you there');
    expect(((await pong) as [Buffer])[0].toString()).toBe('are you there');
    side.socket.alive = false;
    side.socket.ping();
    await until('a pong', () => side.pongs === 1);
    expect(side.socket.alive).toBe(true);
    client.terminate();
  });

  it('closes with its code and reason, and the client gets both', async () => {
    const { client, server: side } = await open();
    const closed = once(client, 'close');
    side.socket.close(4401, 'session revoked');
    const [code, reason] = (await closed) as [number, Buffer];
    expect([code, reason.toString()]).toEqual([4401, 'session revoked']);
    await until('the server side closed', () => side.closed !== undefined);
    expect(side.socket.state).toBe(SocketState.Closed);
    side.socket.write(jsonFrame({ type: 'late' })); // nothing is written to a closed socket
  });

  it('answers a client close with the same code', async () => {
    const { client, server: side } = await open();
    const closed = once(client, 'close');
    client.close(4000, 'bye');
    const [code] = (await closed) as [number];
    expect(code).toBe(4000);
    await until('the server side closed', () => side.closed !== undefined);
    expect(side.closed).toEqual({ code: 4000, reason: 'bye' });
  });

  it('closes with 1009 on a message over the limit, whole or in fragments', async () => {
    const whole = await open();
    const closedWhole = once(whole.client, 'close');
    whole.client.send('x'.repeat(MAX_PAYLOAD + 1));
    expect(((await closedWhole) as [number])[0]).toBe(1009);
    expect(whole.server.messages).toEqual([]);

    const fragmented = await open();
    const closedFragmented = once(fragmented.client, 'close');
    fragmented.client.send('x'.repeat(MAX_PAYLOAD), { fin: false });
    fragmented.client.send('x', { fin: true });
    expect(((await closedFragmented) as [number])[0]).toBe(1009);
    expect(fragmented.server.messages).toEqual([]);
  });

  it('refuses unmasked frames, continuations of nothing and text that is not UTF-8', async () => {
    const unmasked = await rawClient();
    unmasked.socket.write(Buffer.from([0x81, 0x02, 0x68, 0x69]));
    await until('a close frame', () => closeCodeIn(unmasked.bytes()) !== undefined);
    expect(closeCodeIn(unmasked.bytes())).toBe(1002);

    const continuation = await rawClient();
    continuation.socket.write(maskedFrame(0x80, Buffer.from('orphan')));
    await until('a close frame', () => closeCodeIn(continuation.bytes()) !== undefined);
    expect(closeCodeIn(continuation.bytes())).toBe(1002);

    const invalid = await rawClient();
    invalid.socket.write(maskedFrame(0x81, Buffer.from([0xc3, 0x28])));
    await until('a close frame', () => closeCodeIn(invalid.bytes()) !== undefined);
    expect(closeCodeIn(invalid.bytes())).toBe(1007);
    for (const c of [unmasked, continuation, invalid]) {
      expect(c.server.messages).toEqual([]);
      c.socket.destroy();
    }
  });

  it('answers a close code no client may send with 1002', async () => {
    const { socket, bytes, server: side } = await rawClient();
    socket.write(maskedFrame(0x88, Buffer.from([0x03, 0xee]))); // 1006, which only describes a lost connection
    await until('a close frame', () => closeCodeIn(bytes()) !== undefined);
    expect(closeCodeIn(bytes())).toBe(1002);
    await until('the server side closed', () => side.closed !== undefined);
    expect(side.closed?.code).toBe(1006);
    socket.destroy();
  });

  it('reads frames however TCP cuts them, one byte at a time included', async () => {
    const { socket, server: side } = await rawClient();
    const frames = Buffer.concat([maskedFrame(0x81, Buffer.from('{"a":1}')), maskedFrame(0x81, Buffer.from('é'.repeat(100)))]);
    for (const byte of frames) {
      socket.write(Buffer.from([byte]));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await until('both messages', () => side.messages.length === 2);
    expect(side.messages).toEqual(['{"a":1}', 'é'.repeat(100)]);
    socket.destroy();
  });

  it('refuses a request that is not a version 13 WebSocket handshake', async () => {
    const ask = async (headers: string) => {
      const socket = connect(port, '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.on('data', (chunk) => chunks.push(chunk));
      socket.write(`GET /socket HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\n${headers}\r\n`);
      await once(socket, 'close');
      return Buffer.concat(chunks).toString().split('\r\n')[0];
    };
    const before = accepted.length;
    expect(await ask('Upgrade: websocket\r\nSec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n')).toBe('HTTP/1.1 400 Bad Request');
    expect(await ask('Upgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n')).toBe('HTTP/1.1 426 Upgrade Required');
    expect(accepted.length).toBe(before);
  });

  it('cuts a socket that does not answer its close frame', async () => {
    const { socket, server: side, bytes } = await rawClient();
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'performance', 'Date'] });
    try {
      side.socket.close(1001, 'server shutting down');
      expect(side.socket.state).toBe(SocketState.Closing);
      jest.advanceTimersByTime(5_000);
    } finally {
      jest.useRealTimers();
    }
    await until('the server side closed', () => side.closed !== undefined);
    expect(closeCodeIn(bytes())).toBe(1001);
    expect(side.closed).toEqual({ code: 1006, reason: '' });
    socket.destroy();
  });
});
