// POST /ingest/v1/forms/:formId — JSON or application/x-www-form-urlencoded; 202 {id} once queued.
import express, { type Router } from 'express';
import { HttpError } from '@inbox/lib';
import type { AcceptForm } from '../use-cases/accept-form';

export function formRoutes(acceptForm: AcceptForm): Router {
  const router = express.Router();
  router.post(
    '/forms/:formId',
    express.json({ limit: '256kb' }),
    express.urlencoded({ extended: false, limit: '256kb', parameterLimit: 100 }),
    async (req, res, next) => {
      try {
        if (!req.is('application/json') && !req.is('application/x-www-form-urlencoded')) {
          throw new HttpError(415, 'unsupported_media_type', 'send the form as application/json or application/x-www-form-urlencoded');
        }
        const key = req.header('idempotency-key');
        if (key !== undefined && !/^[\x21-\x7e]{1,128}$/.test(key)) throw new HttpError(400, 'invalid_idempotency_key', 'Idempotency-Key must be 1 to 128 visible ASCII characters');
        const accepted = await acceptForm.execute(String(req.params.formId), req.body, key, req.ip ?? '');
        res.status(202).json(accepted);
      } catch (error) {
        const retryAfter = (error as { details?: { retryAfterSeconds?: number } }).details?.retryAfterSeconds;
        if (retryAfter) res.setHeader('Retry-After', String(retryAfter));
        next(error);
      }
    },
  );
  return router;
}
