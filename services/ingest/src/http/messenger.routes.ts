// GET/POST /ingest/v1/messenger/webhook: Meta's subscription handshake and signed deliveries.
import express, { type Router } from 'express';
import type { MessengerWebhook } from '../use-cases/accept-messenger-webhook';

const one = (value: unknown): string => (typeof value === 'string' ? value : '');

export function messengerRoutes(webhook: MessengerWebhook): Router {
  const router = express.Router();
  router.get('/messenger/webhook', async (req, res, next) => {
    try {
      const challenge = await webhook.verify(one(req.query['hub.mode']), one(req.query['hub.verify_token']), one(req.query['hub.challenge']));
      res.status(200).type('text/plain').send(challenge);
    } catch (error) {
      next(error);
    }
  });
  // The raw bytes are kept: the signature covers them exactly as sent.
  router.post('/messenger/webhook', express.raw({ type: () => true, limit: '1mb' }), async (req, res, next) => {
    try {
      const raw = Buffer.isBuffer(req.body) ? new Uint8Array(req.body) : new Uint8Array();
      const result = await webhook.accept(raw, req.header('x-hub-signature-256'));
      res.status(200).json({ status: 'EVENT_RECEIVED', ...result });
    } catch (error) {
      next(error);
    }
  });
  return router;
}
