// The MX as senders see it: the greeting names the configured host, STARTTLS is offered (and
// works) when a certificate is configured and not otherwise, and every reply is counted by stage
// and code. The use case behind it is a stand-in: what it does is tested end to end elsewhere.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, type AddressInfo } from 'node:net';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { Registry } from 'prom-client';
import type { SMTPServer } from 'smtp-server';
import { createLogger } from '@inbox/lib';
import type { AcceptEmail } from '../use-cases/accept-email';
import { createSmtpServer } from './smtp.server';
import { scratchDirectory } from '@inbox/testkit';

const logger = createLogger({ service: 'smtp-test', level: 'silent' });
const accepted: string[] = [];
const acceptEmail = {
  resolveRecipients: async (addresses: string[]) => addresses.filter((a) => a.startsWith('support@')).map((address) => ({ address, channel: {} })),
  execute: async (raw: Uint8Array) => {
    accepted.push(Buffer.from(raw).toString('utf8'));
    return { eventIds: [`ev${accepted.length}`] };
  },
} as unknown as AcceptEmail;

function selfSignedCertificate(): { cert: Buffer; key: Buffer } {
  const dir = scratchDirectory('mx-');
  const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=mx.support.example.com'], { stdio: 'pipe' });
  return { cert: readFileSync(cert), key: readFileSync(key) };
}

async function start(server: SMTPServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return (server.server.address() as AddressInfo).port;
}

describe('the SMTP server', () => {
  const servers: SMTPServer[] = [];
  afterAll(async () => {
    for (const s of servers) await new Promise<void>((resolve) => s.close(() => resolve()));
  });

  it('greets with its configured name and, with a certificate, takes mail over STARTTLS', async () => {
    const registry = new Registry();
    const server = createSmtpServer(acceptEmail, logger, { maxMessageBytes: 1024 * 1024, hostname: 'mx.support.example.com', tls: selfSignedCertificate(), registry });
    servers.push(server);
    const port = await start(server);
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, requireTLS: true, tls: { rejectUnauthorized: false }, logger: false });
    const info = await transport.sendMail({ from: 'customer@example.org', to: 'support@inbox.example.com', subject: 'Over TLS', text: 'Encrypted hello' });
    expect(info.response).toMatch(/^250 2\.0\.0 Queued as ev\d+/);
    expect(accepted.at(-1)).toContain('Encrypted hello');
    // An unknown mailbox is refused at RCPT, and both replies are counted.
    await expect(transport.sendMail({ from: 'customer@example.org', to: 'nobody@inbox.example.com', subject: 'x', text: 'x' })).rejects.toThrow(/550/);
    const metrics = await registry.getSingleMetricAsString('inbox_smtp_replies_total');
    expect(metrics).toMatch(/inbox_smtp_replies_total\{stage="rcpt",code="250"\} 1/);
    expect(metrics).toMatch(/inbox_smtp_replies_total\{stage="rcpt",code="550"\} 1/);
    expect(metrics).toMatch(/inbox_smtp_replies_total\{stage="data",code="250"\} 1/);
    transport.close();
    const banner = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('data', (data: Buffer) => {
        resolve(data.toString());
        socket.end();
      });
      socket.once('error', reject);
    });
    expect(banner).toMatch(/^220 mx\.support\.example\.com /);
  });

  it('does not offer STARTTLS without a certificate', async () => {
    const server = createSmtpServer(acceptEmail, logger, { maxMessageBytes: 1024 * 1024 });
    servers.push(server);
    const port = await start(server);
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, requireTLS: true, logger: false });
    await expect(transport.sendMail({ from: 'customer@example.org', to: 'support@inbox.example.com', subject: 'x', text: 'x' })).rejects.toThrow(/STARTTLS/i);
    transport.close();
  });
});
