// A tiny authoritative DNS server on loopback UDP, for SPF, DKIM and DMARC records in tests
// (this machine has no public DNS). Unknown names answer NXDOMAIN, as the real thing would.
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import * as packet from 'dns-packet';

export class FakeDns {
  private readonly txt = new Map<string, string[]>();
  private socket?: dgram.Socket;
  address = '';

  setTxt(name: string, value: string): this {
    this.txt.set(name.toLowerCase(), [...(this.txt.get(name.toLowerCase()) ?? []), value]);
    return this;
  }

  async start(): Promise<this> {
    const socket = dgram.createSocket('udp4');
    this.socket = socket;
    socket.on('message', (message, remote) => {
      const query = packet.decode(message);
      const question = query.questions?.[0];
      const name = question?.name.toLowerCase() ?? '';
      const records = question?.type === 'TXT' ? this.txt.get(name) : undefined;
      const known = [...this.txt.keys()].some((k) => k === name);
      const response = packet.encode({
        id: query.id,
        type: 'response',
        flags: packet.AUTHORITATIVE_ANSWER | (known ? 0 : 3), // rcode 3: NXDOMAIN
        questions: query.questions,
        // Long TXT values are split into 255-byte strings, as DNS requires.
        answers: (records ?? []).map((value) => ({ type: 'TXT' as const, name, ttl: 60, class: 'IN' as const, data: value.match(/.{1,255}/g) ?? [''] })),
      });
      socket.send(response, remote.port, remote.address);
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    this.address = `127.0.0.1:${(socket.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.socket ? this.socket.close(() => resolve()) : resolve()));
  }
}
