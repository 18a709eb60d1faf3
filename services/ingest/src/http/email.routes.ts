// POST /ingest/v1/email: a raw RFC 5322 message (message/rfc822) from a provider's inbound-parse
// webhook. Recipients come from ?to= (repeatable), else from the message's own headers.
// 202 {id} once JetStream has it.
import express, { type Router } from 'express';
import { HttpError } from '@inbox/lib';
import { MalformedEmailError } from '../adapters/email-parser';
import { UnknownRecipientError, type AcceptEmail } from '../use-cases/accept-email';

export function emailRoutes(acceptEmail: AcceptEmail, maxBytes: number): Router {
  const router = express.Router();
  router.post('/email', express.raw({ type: () => true, limit: maxBytes }), async (req, res, next) => {
    try {
      if (!req.is('message/rfc822')) throw new HttpError(415, 'unsupported_media_type', 'send the raw message as Content-Type: message/rfc822');
      const raw = Buffer.isBuffer(req.body) ? new Uint8Array(req.body) : new Uint8Array();
      if (raw.length === 0) throw new HttpError(400, 'empty_message', 'the request body is empty');
      const query = req.query.to;
      const explicit = (Array.isArray(query) ? query : query ? [query] : []).map(String);
      const accepted = await acceptEmail.execute(raw, { from: '', recipients: explicit });
      res.status(202).json({ id: accepted.eventIds[0], ids: accepted.eventIds, duplicate: accepted.duplicates === accepted.eventIds.length });
    } catch (error) {
      if (error instanceof UnknownRecipientError) return next(new HttpError(404, 'unknown_recipient', error.message));
      if (error instanceof MalformedEmailError) return next(new HttpError(422, 'malformed_message', error.message));
      next(error);
    }
  });
  return router;
}
