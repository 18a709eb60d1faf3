// The floor under the gateway's fan-out: a bare Node process that accepts WebSocket upgrades
// without checking them and, when told, writes one prepared text frame to every socket in one
// pass, as the gateway does, then reports the CPU it used. Run by `rawSocketFanOut`.
import { createServer, type AddressInfo, type Socket } from 'node:net';

const UPGRADED = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n';
const sockets: Socket[] = [];

const server = createServer((socket) => {
  socket.setNoDelay(true);
  socket.on('error', () => undefined);
  socket.once('data', () => {
    socket.write(UPGRADED);
    sockets.push(socket);
  });
});

function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const header = payload.length < 126 ? Buffer.from([0x81, payload.length]) : Buffer.from([0x81, 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([header, payload]);
}

process.on('message', (message: { commentId: string; payloadBytes: number }) => {
  const text = JSON.stringify({ type: 'comment.created', commentId: message.commentId, pad: '' });
  const frame = textFrame(text.replace('"pad":""', `"pad":"${'x'.repeat(Math.max(0, message.payloadBytes - text.length))}"`));
  const before = process.cpuUsage();
  for (const socket of sockets) socket.write(frame);
  const used = process.cpuUsage(before);
  process.send!({ cpuMs: (used.user + used.system) / 1000, sockets: sockets.length });
});
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
