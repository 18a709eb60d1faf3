// Inbound SMTP: recipients are checked as they are given (550 for an address that is no channel),
// the size limit is announced and enforced (552), and the final 250 is sent only after the
// message is durably stored in JetStream; a failure there answers 451 so the sender retries.
// With a certificate, STARTTLS is offered, so senders that prefer (or require) TLS get it. Every
// reply code is counted by stage.
import { Counter, type Registry } from 'prom-client';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { Logger } from '@inbox/lib';
import { errorMessage } from '@inbox/lib';
import { MalformedEmailError } from './email-parser';
import { UnknownRecipientError, type AcceptEmail } from '../use-cases/accept-email';

type SmtpError = Error & { responseCode?: number };

function smtpError(code: number, message: string): SmtpError {
  const error: SmtpError = new Error(message);
  error.responseCode = code;
  return error;
}

export interface SmtpOptions {
  maxMessageBytes: number;
  maxRecipients?: number;
  /** The name the server greets with (the MX host). */
  hostname?: string;
  /** PEM certificate chain and key: STARTTLS is offered when both are given. */
  tls?: { cert: Buffer; key: Buffer };
  registry?: Registry;
}

export function createSmtpServer(acceptEmail: AcceptEmail, logger: Logger, options: SmtpOptions): SMTPServer {
  const replies = new Counter({
    name: 'inbox_smtp_replies_total',
    help: 'SMTP replies to recipients (stage rcpt) and messages (stage data), by reply code',
    labelNames: ['stage', 'code'],
    registers: options.registry ? [options.registry] : [],
  });
  const reply = (stage: 'rcpt' | 'data', callback: (error?: Error | null, message?: string) => void, error?: SmtpError, message?: string) => {
    replies.inc({ stage, code: String(error?.responseCode ?? 250) });
    if (error) callback(error);
    else callback(null, message);
  };
  return new SMTPServer({
    name: options.hostname ?? 'inbox-ingest',
    banner: 'Inbox ingest ready',
    authOptional: true,
    disabledCommands: options.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(options.tls ? { cert: options.tls.cert, key: options.tls.key } : {}),
    size: options.maxMessageBytes,
    maxClients: 500,
    socketTimeout: 60_000,
    closeTimeout: 10_000,
    logger: false,
    onRcptTo(address, session, callback) {
      if (session.envelope.rcptTo.length >= (options.maxRecipients ?? 100)) {
        return reply('rcpt', callback, smtpError(452, '4.5.3 Too many recipients'));
      }
      acceptEmail
        .resolveRecipients([address.address])
        .then((found) => reply('rcpt', callback, found.length ? undefined : smtpError(550, `5.1.1 <${address.address}>: no such mailbox here`)))
        .catch((error: unknown) => {
          logger.warn({ error: errorMessage(error) }, 'recipient lookup failed');
          reply('rcpt', callback, smtpError(451, '4.3.0 Temporary failure, try again later'));
        });
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        if (!stream.sizeExceeded) chunks.push(chunk);
      });
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          return reply('data', callback, smtpError(552, `5.3.4 Message exceeds the ${options.maxMessageBytes} byte limit`));
        }
        const raw = Buffer.concat(chunks);
        const recipients = session.envelope.rcptTo.map((r) => r.address);
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        acceptEmail
          .execute(raw, { from, recipients, ip: session.remoteAddress, helo: session.hostNameAppearsAs })
          .then((accepted) => reply('data', callback, undefined, `2.0.0 Queued as ${accepted.eventIds.join(',')}`))
          .catch((error: unknown) => {
            if (error instanceof UnknownRecipientError) return reply('data', callback, smtpError(550, '5.1.1 No valid recipients'));
            if (error instanceof MalformedEmailError) return reply('data', callback, smtpError(554, `5.6.0 ${error.message}`));
            logger.error({ error: errorMessage(error) }, 'could not queue inbound email');
            reply('data', callback, smtpError(451, '4.3.0 Temporary failure, try again later'));
          });
      });
    },
  });
}
