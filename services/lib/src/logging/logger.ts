// One logger factory for every service: stable field names, PII redacted, request id attached.
import { activeTraceId } from '../observability/tracing';
import pino, { type Logger, type LoggerOptions } from 'pino';
import { currentRequestContext } from './request-context';

export type { Logger } from 'pino';

/** Paths whose values are personal data or secrets; their values never reach a log line. */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-visitor-token"]',
  'headers.authorization',
  'email',
  '*.email',
  'from',
  '*.from',
  'to',
  '*.to',
  'cc',
  '*.cc',
  'phone',
  '*.phone',
  'phoneNumber',
  '*.phoneNumber',
  'body',
  '*.body',
  'text',
  '*.text',
  'html',
  '*.html',
  'subject',
  '*.subject',
  'raw',
  '*.raw',
];

export interface LoggerSettings {
  service: string;
  level?: string;
  destination?: pino.DestinationStream;
}

export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level: settings.level ?? 'info',
    base: { service: settings.service },
    messageKey: 'msg',
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    mixin() {
      const context = currentRequestContext();
      const traceId = activeTraceId();
      const trace = traceId ? { traceId } : {};
      if (!context) return trace;
      return context.tenantId
        ? { requestId: context.requestId, tenantId: context.tenantId, ...trace }
        : { requestId: context.requestId, ...trace };
    },
  };
  return settings.destination ? pino(options, settings.destination) : pino(options);
}
