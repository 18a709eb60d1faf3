// The channel-edge HTTP app (ops endpoints live on their own port): request ids, metrics and the JSON error contract.
// Channel routes (raw email, chat, forms, Messenger, calls) mount under /ingest/v1.
import express, { type Express, type Router } from 'express';
import helmet from 'helmet';
import {
  httpMetricsMiddleware,
  jsonErrorHandler,
  notFoundHandler,
  requestIdMiddleware,
  type ServiceRuntime,
} from '@inbox/lib';

export interface IngestRoutes {
  email: Router;
  forms: Router;
  chat: Router;
  messenger: Router;
  calls: Router;
}

export function createIngestApp(runtime: ServiceRuntime, routes: IngestRoutes, trustedProxies: string[] = []): Express {
  const app = express();
  app.disable('x-powered-by');
  // X-Forwarded-For decides whose rate limit a request counts against, so only named proxies are believed.
  app.set('trust proxy', trustedProxies.length ? trustedProxies : false);
  app.use(requestIdMiddleware());
  app.use(httpMetricsMiddleware(runtime.metrics, runtime.logger));
  // A public edge: the chat widget's script and API are used from customers' websites.
  app.use(helmet({ crossOriginResourcePolicy: { policy: 'cross-origin' } }));
  app.use('/ingest/v1', routes.email);
  app.use('/ingest/v1', routes.forms);
  app.use('/ingest/v1', routes.chat);
  app.use('/ingest/v1', routes.messenger);
  app.use('/ingest/v1', routes.calls);
  app.use(notFoundHandler());
  app.use(jsonErrorHandler(runtime.logger));
  return app;
}
