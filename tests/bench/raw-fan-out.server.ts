// The floor under the gateway's fan-out: a bare Node process that accepts WebSocket upgrades
// without checking them and, when told, writes one prepared text frame to every socket in one
// pass, as the gateway does, then reports the CPU it used. Run by `rawSocketFanOut`.
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { jsonFrame } from '../../services/gateway/src/realtime/text-frame';

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

process.on('message', (message: { commentId: string; payloadBytes: number }) => {
  const bare = { type: 'comment.created', commentId: message.commentId, pad: '' };
  const frame = jsonFrame({ ...bare, pad: 'x'.repeat(Math.max(0, message.payloadBytes - JSON.stringify(bare).length)) });
  const before = process.cpuUsage();
  for (const socket of sockets) socket.write(frame);
  const used = process.cpuUsage(before);
  process.send!({ cpuMs: (used.user + used.system) / 1000, sockets: sockets.length });
});
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
