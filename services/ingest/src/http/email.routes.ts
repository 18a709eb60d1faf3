// POST /ingest/v1/email: a raw RFC 5322 message (message/rfc822) from a provider's inbound-parse
// webhook. Recipients come from ?to= (repeatable), else from Delivered-To / X-Original-To / To / Cc.
// 202 {id} once JetStream has it.
import express, { type Router } from 'express';
import { HttpError } from '@inbox/lib';
import PostalMime from 'postal-mime';
import { MalformedEmailError } from '../adapters/email-parser';
import { UnknownRecipientError, type AcceptEmail } from '../use-cases/accept-email';

async function headerRecipients(raw: Uint8Array): Promise<string[]> {
  try {
    const email = await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer' });
    const fromHeaders = email.headers
      .filter((h) => h.key === 'delivered-to' || h.key === 'x-original-to')
      .map((h) => h.value.replace(/[<>]/g, '').trim());
    const addressed = [...(email.to ?? []), ...(email.cc ?? [])].flatMap((a) => (a.group ? a.group : [a])).map((a) => a.address ?? '');
    return [...fromHeaders, ...addressed].filter(Boolean);
  } catch {
    return [];
  }
}

export function emailRoutes(acceptEmail: AcceptEmail, maxBytes: number): Router {
  const router = express.Router();
  router.post('/email', express.raw({ type: () => true, limit: maxBytes }), async (req, res, next) => {
    try {
      if (!req.is('message/rfc822')) throw new HttpError(415, 'unsupported_media_type', 'send the raw message as Content-Type: message/rfc822');
      const raw = Buffer.isBuffer(req.body) ? new Uint8Array(req.body) : new Uint8Array();
      if (raw.length === 0) throw new HttpError(400, 'empty_message', 'the request body is empty');
      const query = req.query.to;
      const explicit = (Array.isArray(query) ? query : query ? [query] : []).map(String);
      const recipients = explicit.length ? explicit : await headerRecipients(raw);
      const accepted = await acceptEmail.execute(raw, { from: '', recipients });
      res.status(202).json({ id: accepted.eventIds[0], ids: accepted.eventIds, duplicate: accepted.duplicates === accepted.eventIds.length });
    } catch (error) {
      if (error instanceof UnknownRecipientError) return next(new HttpError(404, 'unknown_recipient', error.message));
      if (error instanceof MalformedEmailError) return next(new HttpError(422, 'malformed_message', error.message));
      next(error);
    }
  });
  return router;
}
