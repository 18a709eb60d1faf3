// The contract's error shape {"error": {code, message, details}} for every HTTP service, with
// body-parser failures (malformed JSON, oversize, wrong charset) mapped to precise 4xx codes
// and domain errors mapped from their kind to their HTTP status.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DomainError, HTTP_STATUS_OF_KIND } from '../domain/errors';
import type { Logger } from '../logging/logger';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export function sendError(res: ServerResponse, status: number, code: string, message: string, details?: Record<string, unknown>): void {
  if (res.headersSent) return;
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ error: details ? { code, message, details } : { code, message } }));
}

type BodyParserError = Error & { type?: string; status?: number };

export function jsonErrorHandler(logger: Logger) {
  return (error: unknown, _req: IncomingMessage, res: ServerResponse, _next: (e?: unknown) => void): void => {
    if (error instanceof HttpError) return sendError(res, error.status, error.code, error.message, error.details);
    if (error instanceof DomainError) {
      const status = HTTP_STATUS_OF_KIND[error.kind] ?? 500;
      if (status >= 500) logger.error({ code: error.code, kind: error.kind }, 'upstream error');
      return sendError(res, status, error.code, status >= 500 && status !== 501 && status !== 503 ? 'upstream error' : error.message, error.details);
    }
    const parserError = error as BodyParserError;
    switch (parserError?.type) {
      case 'entity.parse.failed':
        return sendError(res, 400, 'invalid_json', 'the request body is not valid JSON');
      case 'entity.too.large':
        return sendError(res, 413, 'payload_too_large', 'the request body is too large');
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return sendError(res, 415, 'unsupported_encoding', 'the request body encoding is not supported');
      case 'request.aborted':
        return sendError(res, 400, 'request_aborted', 'the request was aborted');
      default:
        logger.error({ err: error }, 'unhandled request error');
        return sendError(res, 500, 'internal', 'internal error');
    }
  };
}

export function notFoundHandler() {
  return (_req: IncomingMessage, res: ServerResponse): void => sendError(res, 404, 'not_found', 'no such endpoint');
}
