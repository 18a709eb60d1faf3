// Inbound SMTP: recipients are checked as they are given (550 for an address that is no channel),
// the size limit is announced and enforced (552), and the final 250 is sent only after the
// message is durably stored in JetStream; a failure there answers 451 so the sender retries.
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
  hostname?: string;
}

export function createSmtpServer(acceptEmail: AcceptEmail, logger: Logger, options: SmtpOptions): SMTPServer {
  return new SMTPServer({
    name: options.hostname ?? 'inbox-ingest',
    banner: 'Inbox ingest ready',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: options.maxMessageBytes,
    maxClients: 500,
    socketTimeout: 60_000,
    closeTimeout: 10_000,
    logger: false,
    onRcptTo(address, session, callback) {
      if (session.envelope.rcptTo.length >= (options.maxRecipients ?? 100)) {
        return callback(smtpError(452, '4.5.3 Too many recipients'));
      }
      acceptEmail
        .resolveRecipients([address.address])
        .then((found) => callback(found.length ? undefined : smtpError(550, `5.1.1 <${address.address}>: no such mailbox here`)))
        .catch((error: unknown) => {
          logger.warn({ error: errorMessage(error) }, 'recipient lookup failed');
          callback(smtpError(451, '4.3.0 Temporary failure, try again later'));
        });
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        if (!stream.sizeExceeded) chunks.push(chunk);
      });
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          return callback(smtpError(552, `5.3.4 Message exceeds the ${options.maxMessageBytes} byte limit`));
        }
        const raw = Buffer.concat(chunks);
        const recipients = session.envelope.rcptTo.map((r) => r.address);
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        acceptEmail
          .execute(raw, { from, recipients, ip: session.remoteAddress, helo: session.hostNameAppearsAs })
          .then((accepted) => callback(null, `2.0.0 Queued as ${accepted.eventIds.join(',')}`))
          .catch((error: unknown) => {
            if (error instanceof UnknownRecipientError) return callback(smtpError(550, '5.1.1 No valid recipients'));
            if (error instanceof MalformedEmailError) return callback(smtpError(554, `5.6.0 ${error.message}`));
            logger.error({ error: errorMessage(error) }, 'could not queue inbound email');
            callback(smtpError(451, '4.3.0 Temporary failure, try again later'));
          });
      });
    },
  });
}
