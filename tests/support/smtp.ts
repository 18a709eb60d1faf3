// A real SMTP sink standing in for the outbound relay (it records what the conversation service
// sends), and a raw SMTP sender for inbound mail (nodemailer speaking SMTP to ingest).
import { SMTPServer } from 'smtp-server';
import nodemailer from 'nodemailer';
import PostalMime, { type Email } from 'postal-mime';
import { freePort } from './service-process';

export interface CaughtMail {
  envelope: { from: string; to: string[] };
  raw: Buffer;
  parsed: Email;
}

export class SmtpSink {
  readonly messages: CaughtMail[] = [];
  /** Every attempt the relay answered with a refusal, in order. */
  readonly refused: { to: string[]; code: number }[] = [];
  /** Decides, per delivery attempt to these recipients, to refuse it with an SMTP code (or accept: null). */
  refuse: (to: string[]) => { code: number; message: string } | null = () => null;
  private server: SMTPServer | undefined;
  port = 0;

  async start(): Promise<this> {
    this.port = await freePort();
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks);
          const to = session.envelope.rcptTo.map((r) => r.address);
          const refusal = this.refuse(to);
          if (refusal) {
            this.refused.push({ to, code: refusal.code });
            return callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
          }
          PostalMime.parse(raw).then((parsed) => {
            this.messages.push({
              envelope: { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address) },
              raw,
              parsed,
            });
            callback();
          }, callback);
        });
      },
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', () => resolve()));
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

export interface SmtpResult {
  accepted: boolean;
  code: number;
  response: string;
}

/** Sends raw RFC 5322 bytes over SMTP with the given envelope; resolves with the server's final answer. */
export async function sendRawSmtp(port: number, envelope: { from: string; to: string[] }, raw: Buffer | string): Promise<SmtpResult> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, connectionTimeout: 10_000 });
  try {
    const info = await transport.sendMail({ envelope, raw });
    return { accepted: info.rejected.length === 0, code: Number(String(info.response).slice(0, 3)), response: info.response };
  } catch (error) {
    const e = error as { responseCode?: number; response?: string; message: string };
    return { accepted: false, code: e.responseCode ?? 0, response: e.response ?? e.message };
  } finally {
    transport.close();
  }
}

let sequence = 0;

/** Builds a plain RFC 5322 message. */
export function buildEmail(input: {
  from: string;
  to: string;
  subject: string;
  text: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  headers?: Record<string, string>;
  cc?: string;
  attachments?: { filename: string; contentType: string; content: Buffer }[];
}): { raw: string; messageId: string } {
  sequence += 1;
  const messageId = input.messageId ?? `test-${Date.now()}-${sequence}-${Math.random().toString(36).slice(2, 8)}@client.example`;
  const lines = [
    `From: ${input.from}`,
    `To: ${input.to}`,
    ...(input.cc ? [`Cc: ${input.cc}`] : []),
    `Subject: ${input.subject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${messageId}>`,
    ...(input.inReplyTo ? [`In-Reply-To: <${input.inReplyTo}>`] : []),
    ...(input.references?.length ? [`References: ${input.references.map((r) => `<${r}>`).join(' ')}`] : []),
    ...Object.entries(input.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    'MIME-Version: 1.0',
  ];
  const text = ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', input.text, ''];
  if (!input.attachments?.length) return { raw: [...lines, ...text].join('\r\n'), messageId };
  const parts = input.attachments.flatMap((a) => [
    '--part',
    `Content-Type: ${a.contentType}; name="${a.filename}"`,
    `Content-Disposition: attachment; filename="${a.filename}"`,
    'Content-Transfer-Encoding: base64',
    '',
    a.content.toString('base64').replace(/.{76}/g, '$&\r\n'),
  ]);
  return { raw: [...lines, 'Content-Type: multipart/mixed; boundary="part"', '', '--part', ...text, ...parts, '--part--', ''].join('\r\n'), messageId };
}
