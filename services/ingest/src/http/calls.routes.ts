// POST /ingest/v1/calls/:channelId/events: the telephony provider's voice callbacks, answered with
// TwiML (see AnswerCall): a new inbound call rings agents, a dial that ends unanswered rings the
// next or takes a voicemail, every other callback gets an empty response.
import express, { type Request, type Router } from 'express';
import { HttpError } from '@inbox/lib';
import type { AnswerCall } from '../use-cases/answer-call';

const queryString = (value: unknown) => (typeof value === 'string' ? value : undefined);

export function callRoutes(calls: AnswerCall, publicUrl: string | undefined): Router {
  const router = express.Router();
  // The signature covers the URL the provider called, as the public sees it.
  const origin = (req: Request) => publicUrl ?? `${req.protocol}://${req.get('host')}`;
  router.post('/calls/:channelId/events', express.urlencoded({ extended: false, limit: '256kb', parameterLimit: 200 }), async (req, res, next) => {
    try {
      if (!req.is('application/x-www-form-urlencoded')) throw new HttpError(415, 'unsupported_media_type', 'send application/x-www-form-urlencoded fields');
      const params = Object.fromEntries(Object.entries((req.body ?? {}) as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
      const channelId = String(req.params.channelId);
      const twiml = await calls.handle({
        channelId,
        url: `${origin(req)}${req.originalUrl}`,
        eventsUrl: `${origin(req)}${req.baseUrl}/calls/${encodeURIComponent(channelId)}/events`,
        params,
        signature: req.header('x-twilio-signature'),
        query: { call: queryString(req.query.call), ring: queryString(req.query.ring), answeredBy: queryString(req.query.answeredBy) },
      });
      res.status(200).type('text/xml').send(twiml);
    } catch (error) {
      next(error);
    }
  });
  return router;
}
