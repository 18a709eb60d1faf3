// NATS over TLS against a real nats-server that requires it, with a private CA: a tls:// URL with
// the CA file connects; without the CA the certificate is refused.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import path from 'node:path';
import { privateCertificates, waitFor } from '@inbox/testkit';
import { createLogger } from '../logging/logger';
import { connectNats } from './connection';

const ROOT = path.resolve(__dirname, '../../../..');
const NATS_SERVER = path.join(process.env.STACK_DIR ?? path.join(ROOT, '.stack'), 'bin/nats-server');
const logger = createLogger({ service: 'nats-tls-test', level: 'silent' });

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('NATS over TLS with a private CA', () => {
  let server: ChildProcess;
  let port = 0;
  let ca = '';

  beforeAll(async () => {
    expect(existsSync(NATS_SERVER)).toBe(true);
    const files = privateCertificates();
    ca = files.ca;
    port = await freePort();
    server = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port), '--tls', '--tlscert', files.cert, '--tlskey', files.key], { stdio: 'ignore' });
    await waitFor('nats-server to listen', () => new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    }), 10_000, 100);
  });

  afterAll(() => {
    server?.kill();
  });

  it('connects to a tls:// URL with the CA file and answers a round trip', async () => {
    const nc = await connectNats(`tls://127.0.0.1:${port}`, 'tls-test', logger, { caFile: ca });
    try {
      await nc.flush();
      expect(nc.info?.tls_required).toBe(true);
    } finally {
      await nc.close();
    }
  });

  it('refuses the server certificate without the CA', async () => {
    await expect(connectNats(`tls://127.0.0.1:${port}`, 'tls-test', logger)).rejects.toThrow(/certificate|self.signed|unable to verify/i);
  });
});
