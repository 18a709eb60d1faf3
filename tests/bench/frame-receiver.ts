// The real-time scenario's client end: a WebSocket receiver that does no more per frame than the
// measurement needs. Ten thousand `ws` clients parsing every frame as JSON cost the load
// generator about 20 ms of CPU per 1,000 frames on the same two cores as the gateway it measures,
// more than the gateway spent sending them; browsers parse frames natively on their own machines.
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

const OPCODE_TEXT = 0x1;
const OPCODE_CLOSE = 0x8;
const OPCODE_PING = 0x9;
const OPCODE_PONG = 0xa;

/**
 * Splits a server's (unmasked) byte stream into frames, however TCP cut or joined them. `onFrame`
 * gets the opcode and the payload (a view into the chunk, valid during the call).
 */
export class FrameSplitter {
  private pending: Buffer | undefined;

  constructor(private readonly onFrame: (opcode: number, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    const data = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    let at = 0;
    while (data.length - at >= 2) {
      const opcode = data[at] & 0x0f;
      let length = data[at + 1] & 0x7f;
      let header = 2;
      if (length === 126) {
        if (data.length - at < 4) break;
        length = data.readUInt16BE(at + 2);
        header = 4;
      } else if (length === 127) {
        if (data.length - at < 10) break;
        length = Number(data.readBigUInt64BE(at + 2));
        header = 10;
      }
      if (data.length - at < header + length) break;
      this.onFrame(opcode, data.subarray(at + header, at + header + length));
      at += header + length;
    }
    if (at < data.length) this.pending = Buffer.from(data.subarray(at));
  }
}

/** A client's frame: masked, as RFC 6455 requires of clients (a zero key leaves the payload as is). */
export function clientFrame(opcode: number, payload: Buffer): Buffer {
  if (payload.length > 125) throw new Error('control frames only');
  return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | payload.length, 0, 0, 0, 0]), payload]);
}

const READ_BUFFER = Buffer.alloc(64 * 1024);

const COMMENT_ID = Buffer.from('"commentId":"');
const COMMENT_CREATED = Buffer.from('"type":"comment.created"');

/** The comment a comment.created frame announces, read without parsing the rest of the frame. */
export function commentIdOf(payload: Buffer): string | undefined {
  if (payload.indexOf(COMMENT_CREATED) < 0) return undefined;
  const start = payload.indexOf(COMMENT_ID);
  if (start < 0) return undefined;
  const from = start + COMMENT_ID.length;
  const end = payload.indexOf(0x22, from);
  return end < 0 ? undefined : payload.toString('latin1', from, end);
}

/**
 * Opens a WebSocket to `url` (ws://host:port/path?query) and calls `onComment` with the id and size
 * of each comment.created frame as it arrives. Answers pings, so the gateway's heartbeat keeps it.
 */
export function openFrameReceiver(url: string, onComment: (commentId: string, payloadBytes: number) => void): Promise<Socket> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    let upgraded = false;
    let head = Buffer.alloc(0);
    const splitter = new FrameSplitter((opcode, payload) => {
      if (opcode === OPCODE_TEXT) {
        const id = commentIdOf(payload);
        if (id) onComment(id, payload.length);
      } else if (opcode === OPCODE_PING) {
        socket.write(clientFrame(OPCODE_PONG, payload));
      } else if (opcode === OPCODE_CLOSE) {
        socket.end();
      }
    });
    const received = (chunk: Buffer) => {
      if (upgraded) return splitter.push(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      const status = head.toString('latin1', 0, head.indexOf('\r\n'));
      if (!/^HTTP\/1\.1 101 /.test(status)) {
        socket.destroy();
        return reject(new Error(`the upgrade was refused: ${status}`));
      }
      upgraded = true;
      socket.removeListener('error', reject);
      socket.on('error', () => undefined);
      resolve(socket);
      if (end + 4 < head.length) splitter.push(head.subarray(end + 4));
    };
    // Reads land in one buffer shared by every receiver, with no stream or 'data' event per read:
    // each read is handled before the next, and the splitter copies what it keeps.
    const socket = connect({ port: Number(target.port), host: target.hostname, noDelay: true, onread: { buffer: READ_BUFFER, callback: (n) => (received(READ_BUFFER.subarray(0, n)), true) } });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.write(
        `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
  });
}

/** Closes the socket with a close frame, as a browser leaving the page would. */
export function closeFrameReceiver(socket: Socket): void {
  if (!socket.destroyed) socket.end(clientFrame(OPCODE_CLOSE, Buffer.from([0x03, 0xe8])));
}
