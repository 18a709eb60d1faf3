// One end of the loopback round-trip baseline, run by `loopbackRoundTrips` (often under taskset):
// `echo` answers every message with the same bytes; `ping` sends a message, waits for all of it to
// come back, and repeats. Each reports the CPU it used and the cores it was allowed to run on.
import { readFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface EndReport {
  cpuMs: number;
  wallMs?: number;
  cpusAllowed: string;
}

const cpusAllowed = (): string => /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '';
const cpuMsSince = (before: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
};

function echo(): void {
  let before = process.cpuUsage();
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => socket.write(chunk));
    socket.on('error', () => undefined);
  });
  process.on('message', (message: string) => {
    if (message === 'start') before = process.cpuUsage();
    if (message === 'report') process.send!({ cpuMs: cpuMsSince(before), cpusAllowed: cpusAllowed() } satisfies EndReport);
  });
  process.on('disconnect', () => process.exit(0));
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
}

function ping(port: number, roundTrips: number, messageBytes: number): void {
  const message = Buffer.alloc(messageBytes, 'x');
  const socket: Socket = connect({ port, host: '127.0.0.1', noDelay: true });
  let left = roundTrips;
  let awaited = messageBytes;
  let before: NodeJS.CpuUsage;
  let startedAt: number;
  socket.on('connect', () => {
    before = process.cpuUsage();
    startedAt = performance.now();
    socket.write(message);
  });
  socket.on('data', (chunk) => {
    awaited -= chunk.length;
    if (awaited > 0) return;
    left -= 1;
    if (left > 0) {
      awaited = messageBytes;
      socket.write(message);
      return;
    }
    const report: EndReport = { cpuMs: cpuMsSince(before), wallMs: performance.now() - startedAt, cpusAllowed: cpusAllowed() };
    socket.end();
    process.send!(report, () => process.exit(0));
  });
}

const [role, ...args] = process.argv.slice(2);
if (role === 'echo') echo();
else if (role === 'ping') ping(Number(args[0]), Number(args[1]), Number(args[2]));
else {
  process.stderr.write('usage: loopback-round-trip.process.ts echo | ping <port> <round trips> <message bytes>\n');
  process.exit(2);
}
