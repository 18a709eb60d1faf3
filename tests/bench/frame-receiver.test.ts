import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { FrameSplitter, closeFrameReceiver, commentIdOf, openFrameReceiver } from './frame-receiver';

function serverFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  if (payload.length < 126) return Buffer.concat([Buffer.from([0x81, payload.length]), payload]);
  const header = Buffer.from([0x81, 126, 0, 0]);
  header.writeUInt16BE(payload.length, 2);
  return Buffer.concat([header, payload]);
}

describe('the bench frame receiver', () => {
  it('splits frames however the stream cuts or joins them', () => {
    const frames: string[] = [];
    const splitter = new FrameSplitter((opcode, payload) => frames.push(`${opcode}:${payload.toString()}`));
    const long = 'x'.repeat(300);
    const stream = Buffer.concat([serverFrame('one'), serverFrame(long), serverFrame('three')]);
    for (const cut of [1, 3, 7, 200, stream.length]) {
      frames.length = 0;
      for (let at = 0; at < stream.length; at += cut) splitter.push(stream.subarray(at, at + cut));
      expect(frames).toEqual(['1:one', `1:${long}`, '1:three']);
    }
  });

  it('reads the comment id of a comment.created frame and nothing from other frames', () => {
    expect(commentIdOf(Buffer.from('{"type":"comment.created","conversationId":"c1","commentId":"cm_42","text":"hi"}'))).toBe('cm_42');
    expect(commentIdOf(Buffer.from('{"type":"message.created","commentId":"cm_42"}'))).toBeUndefined();
    expect(commentIdOf(Buffer.from('{"type":"hello"}'))).toBeUndefined();
  });

  it('upgrades against a real WebSocket server, receives its comments, answers its pings and closes', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => wss.once('listening', resolve));
    const connected = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
    const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/api/v1/realtime?ticket=t`;
    const seen: string[] = [];
    const socket = await openFrameReceiver(url, (id) => seen.push(id));
    const server = await connected;
    const pong = new Promise<string>((resolve) => server.once('pong', (data) => resolve(data.toString())));
    server.ping('beat');
    expect(await pong).toBe('beat');
    server.send(JSON.stringify({ type: 'hello' }));
    server.send(JSON.stringify({ type: 'comment.created', commentId: 'cm_1', text: 'x'.repeat(500) }));
    server.send(JSON.stringify({ type: 'comment.created', commentId: 'cm_2' }));
    const deadline = Date.now() + 5000;
    while (seen.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(seen).toEqual(['cm_1', 'cm_2']);
    const closed = new Promise<number>((resolve) => server.once('close', (code) => resolve(code)));
    closeFrameReceiver(socket);
    expect(await closed).toBe(1000);
    await new Promise((resolve) => wss.close(resolve));
  });

  it('rejects when the server refuses the upgrade', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, verifyClient: () => false });
    await new Promise((resolve) => wss.once('listening', resolve));
    const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/x`;
    await expect(openFrameReceiver(url, () => undefined)).rejects.toThrow(/refused: HTTP\/1\.1 401/);
    await new Promise((resolve) => wss.close(resolve));
  });
});
