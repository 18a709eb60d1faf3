// The server end of one WebSocket (RFC 6455), as little as the agents' socket needs: the
// handshake, masked client frames (fragments, ping, pong, close), and writes of frames made once
// for every socket (text-frame.ts). The `ws` library held a WebSocket, a Receiver and a Sender
// stream, their states and listeners for each socket: 2.9 KB of heap and 8 KB resident against
// 1.3 and 4.5 KB for the socket alone, so the gateway held 10,000 agents in more than its 200 MB.
import { createHash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { OPCODE_TEXT, jsonFrame, serverFrame } from './text-frame';

const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const KEY = /^[+/0-9A-Za-z]{22}==$/;
/** How long a closing socket waits for the client's close frame before it is cut. */
const CLOSE_TIMEOUT_MS = 5_000;
const EMPTY = Buffer.alloc(0);

const OPCODE_CONTINUATION = 0x0;
const OPCODE_BINARY = 0x2;
const OPCODE_CLOSE = 0x8;
const OPCODE_PING = 0x9;
const OPCODE_PONG = 0xa;

const CLOSE_NORMAL = 1000;
export const CLOSE_GOING_AWAY = 1001;
const CLOSE_PROTOCOL_ERROR = 1002;
const CLOSE_NO_STATUS = 1005;
const CLOSE_ABNORMAL = 1006;
const CLOSE_INVALID_DATA = 1007;
const CLOSE_TOO_BIG = 1009;
export const CLOSE_INTERNAL_ERROR = 1011;

export enum SocketState {
  Open = 1,
  Closing = 2,
  Closed = 3,
}

export interface SocketListener {
  /** A whole text or binary message. */
  message(data: Buffer): void;
  pong(): void;
  /** Once, when the TCP connection is gone; 1006 when no close frame came. */
  closed(code: number, reason: string): void;
}

const IGNORE: SocketListener = { message: () => undefined, pong: () => undefined, closed: () => undefined };

/**
 * Answers a WebSocket upgrade request on `socket`: a 101 and the open socket, or an HTTP error
 * written to the socket and undefined when the request is not a version-13 WebSocket handshake.
 */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, maxPayload: number): AgentSocket | undefined {
  const key = req.headers['sec-websocket-key'];
  const version = req.headers['sec-websocket-version'];
  if (req.method !== 'GET' || req.headers.upgrade?.toLowerCase() !== 'websocket' || typeof key !== 'string' || !KEY.test(key)) {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    return undefined;
  }
  if (version !== '13') {
    socket.end('HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    return undefined;
  }
  if (!socket.readable || !socket.writable) {
    socket.destroy();
    return undefined;
  }
  const accept = createHash('sha1').update(key + HANDSHAKE_GUID).digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  return new AgentSocket(socket, maxPayload, head);
}

export class AgentSocket {
  state = SocketState.Open;
  /** Cleared by each heartbeat, set again by the client's pong. */
  alive = true;
  private listener: SocketListener = IGNORE;
  /** Bytes of a frame not yet whole. */
  private partial: Buffer | null = null;
  private fragments: Buffer[] | null = null;
  private fragmentsOpcode = OPCODE_TEXT;
  private fragmentsLength = 0;
  private closeTimer: NodeJS.Timeout | undefined;
  private received: { code: number; reason: string } | undefined;

  constructor(
    readonly socket: Duplex,
    private readonly maxPayload: number,
    /** Bytes read past the upgrade request: frames handled once someone listens. */
    head: Buffer = EMPTY,
  ) {
    if (head.length > 0) this.partial = Buffer.from(head);
    // As ws did: frames leave at once, and no idle timeout of the HTTP server applies to a socket.
    const tcp = socket as Duplex & { setNoDelay?: (noDelay: boolean) => void; setTimeout?: (ms: number) => void };
    tcp.setNoDelay?.(true);
    tcp.setTimeout?.(0);
    // Shared listeners that find their AgentSocket on the socket: no closures per connection.
    (socket as OwnedSocket)[OWNER] = this;
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', onError);
    socket.on('close', onClose);
  }

  listen(listener: SocketListener): void {
    this.listener = listener;
    if (this.partial) this.receive(EMPTY);
  }

  /** Bytes written and not yet taken by the kernel. */
  get bufferedAmount(): number {
    return this.socket.writableLength;
  }

  /** A prepared frame (text-frame.ts), the same bytes for every socket. */
  write(frame: Buffer): void {
    if (this.state === SocketState.Open) this.socket.write(frame);
  }

  sendJson(value: unknown): void {
    this.write(jsonFrame(value));
  }

  ping(): void {
    this.write(serverFrame(OPCODE_PING, EMPTY));
  }

  /** Sends a close frame and waits (a while) for the client's before cutting the connection. */
  close(code: number, reason = ''): void {
    if (this.state !== SocketState.Open) return;
    const reasonBytes = Buffer.from(reason).subarray(0, 123);
    const payload = Buffer.allocUnsafe(2 + reasonBytes.length);
    payload.writeUInt16BE(code, 0);
    reasonBytes.copy(payload, 2);
    this.socket.write(serverFrame(OPCODE_CLOSE, payload));
    this.state = SocketState.Closing;
    if (this.received) this.socket.end();
    else {
      this.closeTimer = setTimeout(() => this.socket.destroy(), CLOSE_TIMEOUT_MS);
      this.closeTimer.unref();
    }
  }

  terminate(): void {
    this.state = SocketState.Closing;
    this.socket.destroy();
  }

  /** Bytes from the client: every whole frame in them is handled, the rest kept for the next. */
  receive(chunk: Buffer): void {
    const bytes = this.partial ? Buffer.concat([this.partial, chunk]) : chunk;
    this.partial = null;
    let offset = 0;
    while (this.state !== SocketState.Closed && bytes.length - offset >= 2) {
      const first = bytes[offset];
      const second = bytes[offset + 1];
      const opcode = first & 0x0f;
      const final = (first & 0x80) !== 0;
      if ((first & 0x70) !== 0 || (second & 0x80) === 0) return this.fail(CLOSE_PROTOCOL_ERROR, 'frames from a client are masked and use no extension');
      let length = second & 0x7f;
      let header = 2;
      if (length === 126) {
        if (bytes.length - offset < 4) break;
        length = bytes.readUInt16BE(offset + 2);
        header = 4;
      } else if (length === 127) {
        if (bytes.length - offset < 10) break;
        if (bytes.readUInt32BE(offset + 2) !== 0) return this.fail(CLOSE_TOO_BIG, 'message too big');
        length = bytes.readUInt32BE(offset + 6);
        header = 10;
      }
      if (length > this.maxPayload) return this.fail(CLOSE_TOO_BIG, 'message too big');
      if (opcode >= OPCODE_CLOSE && (!final || length > 125)) return this.fail(CLOSE_PROTOCOL_ERROR, 'control frames are whole and short');
      const start = offset + header + 4;
      if (bytes.length < start + length) break;
      const payload = Buffer.allocUnsafe(length);
      for (let i = 0; i < length; i += 1) payload[i] = bytes[start + i] ^ bytes[offset + header + (i & 3)];
      offset = start + length;
      this.frame(opcode, final, payload);
    }
    // A copy: the rest of a large read buffer is not kept alive for a few bytes.
    if (offset < bytes.length && this.state !== SocketState.Closed) this.partial = Buffer.from(bytes.subarray(offset));
  }

  private frame(opcode: number, final: boolean, payload: Buffer): void {
    switch (opcode) {
      case OPCODE_PING:
        return this.write(serverFrame(OPCODE_PONG, payload));
      case OPCODE_PONG:
        this.alive = true;
        return this.listener.pong();
      case OPCODE_CLOSE:
        return this.closeReceived(payload);
      case OPCODE_TEXT:
      case OPCODE_BINARY:
        if (this.fragments) return this.fail(CLOSE_PROTOCOL_ERROR, 'a new message inside a fragmented one');
        if (final) return this.message(opcode, payload);
        this.fragments = [payload];
        this.fragmentsOpcode = opcode;
        this.fragmentsLength = payload.length;
        return;
      case OPCODE_CONTINUATION: {
        if (!this.fragments) return this.fail(CLOSE_PROTOCOL_ERROR, 'a continuation of no message');
        this.fragmentsLength += payload.length;
        if (this.fragmentsLength > this.maxPayload) return this.fail(CLOSE_TOO_BIG, 'message too big');
        this.fragments.push(payload);
        if (!final) return;
        const whole = Buffer.concat(this.fragments, this.fragmentsLength);
        this.fragments = null;
        return this.message(this.fragmentsOpcode, whole);
      }
      default:
        return this.fail(CLOSE_PROTOCOL_ERROR, 'unknown opcode');
    }
  }

  private message(opcode: number, payload: Buffer): void {
    if (opcode === OPCODE_TEXT && !isUtf8(payload)) return this.fail(CLOSE_INVALID_DATA, 'text is not UTF-8');
    if (this.state === SocketState.Open) this.listener.message(payload);
  }

  private closeReceived(payload: Buffer): void {
    const code = payload.length >= 2 ? payload.readUInt16BE(0) : CLOSE_NO_STATUS;
    this.received = { code, reason: payload.subarray(2).toString() };
    // Answered with the same code, then the connection ends (RFC 6455 §5.5.1); a code a peer may
    // not send (1005, 1006, an unassigned one) is answered as a protocol error.
    const answer = code === CLOSE_NO_STATUS ? CLOSE_NORMAL : sendableCloseCode(code) ? code : CLOSE_PROTOCOL_ERROR;
    if (this.state === SocketState.Open) this.close(answer);
    else this.socket.end();
  }

  private fail(code: number, reason: string): void {
    this.partial = null;
    this.fragments = null;
    if (this.state === SocketState.Open) this.close(code, reason);
    this.socket.end();
  }

  /** The TCP connection is gone. */
  gone(): void {
    if (this.state === SocketState.Closed) return;
    this.state = SocketState.Closed;
    clearTimeout(this.closeTimer);
    this.partial = null;
    this.fragments = null;
    const { code, reason } = this.received ?? { code: CLOSE_ABNORMAL, reason: '' };
    this.listener.closed(code, reason);
  }
}

const OWNER = Symbol('agentSocket');
type OwnedSocket = Duplex & { [OWNER]: AgentSocket };

function onData(this: Duplex, chunk: Buffer): void {
  (this as OwnedSocket)[OWNER].receive(chunk);
}

/** The HTTP server's sockets stay half-open: a client that ends its side gets the end of ours. */
function onEnd(this: Duplex): void {
  this.end();
}

function onError(this: Duplex): void {
  this.destroy();
}

function onClose(this: Duplex): void {
  (this as OwnedSocket)[OWNER].gone();
}

/** The close codes an endpoint may put in a close frame (RFC 6455 §7.4). */
function sendableCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}
