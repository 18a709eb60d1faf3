// POST /ingest/v1/calls/:channelId/events: the telephony provider's voice callbacks.
// Answered with TwiML: a new inbound call is asked to leave a voicemail (transcribed); every
// other callback gets an empty response.
import express, { type Request, type Router } from 'express';
import { HttpError } from '@inbox/lib';
import type { CallEvents } from '../use-cases/accept-call-event';

const EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response/>';
const VOICEMAIL =
  '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Thanks for calling. Nobody can take your call right now; please leave a message after the tone.</Say>' +
  '<Record maxLength="180" transcribe="true"/></Response>';

export function callRoutes(events: CallEvents, publicUrl: string | undefined): Router {
  const router = express.Router();
  // The signature covers the URL the provider called, as the public sees it.
  const calledUrl = (req: Request) => `${publicUrl ?? `${req.protocol}://${req.get('host')}`}${req.originalUrl}`;
  router.post('/calls/:channelId/events', express.urlencoded({ extended: false, limit: '256kb', parameterLimit: 200 }), async (req, res, next) => {
    try {
      if (!req.is('application/x-www-form-urlencoded')) throw new HttpError(415, 'unsupported_media_type', 'send application/x-www-form-urlencoded fields');
      const params = Object.fromEntries(Object.entries((req.body ?? {}) as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
      const callId = typeof req.query.call === 'string' ? req.query.call : '';
      const result = await events.accept(String(req.params.channelId), calledUrl(req), params, req.header('x-twilio-signature'), callId);
      const newInboundCall = result.status === 'ringing' && !(params.Direction ?? 'inbound').startsWith('outbound');
      res.status(200).type('text/xml').send(newInboundCall ? VOICEMAIL : EMPTY);
    } catch (error) {
      next(error);
    }
  });
  return router;
}
