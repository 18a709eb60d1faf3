// The gateway's HTTP app: ops endpoints, request ids, security headers, the REST API under
// /api/v1 (JSON errors everywhere), and the web inbox's static files at /.
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Express } from 'express';
import compression from 'compression';
import helmet from 'helmet';
import {
  currentRequestContext,
  httpMetricsMiddleware,
  requestClientFrom,
  jsonErrorHandler,
  notFoundHandler,
  requestIdMiddleware,
  type ServiceRuntime,
} from '@inbox/lib';
import type { GatewayConfig } from '../config';
import { registerApi, type GatewayDependencies } from './api';

export type { GatewayDependencies };


export function createGatewayApp(runtime: ServiceRuntime, config: GatewayConfig, deps: GatewayDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  // X-Forwarded-For decides the client address of sign-in throttling, so only named proxies are believed.
  app.set('trust proxy', config.GATEWAY_TRUSTED_PROXIES.length ? config.GATEWAY_TRUSTED_PROXIES : false);
  app.use(requestIdMiddleware());
  // Carried to every service this request calls, for the audit trail's "from where".
  app.use((req, _res, next) => {
    const context = currentRequestContext();
    if (context) context.client = requestClientFrom(req.ip ?? '', req.headers['user-agent'] ?? '');
    next();
  });
  // JSON and the web app's scripts shrink about tenfold (a 200-message thread: 245 KB → 11 KB).
  app.use(compression());
  app.use(httpMetricsMiddleware(runtime.metrics, runtime.logger));
  // Served over https, browsers are told to stay on https; served over plain http (an intranet
  // host name), they must not be, or every script is fetched over https and the page is blank.
  const https = new URL(config.GATEWAY_PUBLIC_URL).protocol === 'https:';
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          connectSrc: ["'self'", 'ws:', 'wss:'],
          imgSrc: ["'self'", 'data:', 'blob:'],
          frameSrc: ["'self'", 'blob:'],
          styleSrc: ["'self'", "'unsafe-inline'"],
          upgradeInsecureRequests: https ? [] : null,
        },
      },
      strictTransportSecurity: https,
    }),
  );

  const api = express.Router();
  api.use(express.json({ limit: config.GATEWAY_MAX_BODY_BYTES, strict: true }));
  const openApiDocument = registerApi(api, deps, {
    signupEnabled: config.GATEWAY_SIGNUP_ENABLED,
    ingestPublicUrl: config.GATEWAY_INGEST_PUBLIC_URL.replace(/\/$/, ''),
    publicUrl: config.GATEWAY_PUBLIC_URL,
  });
  api.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  api.use(notFoundHandler());
  app.use('/api/v1', api);

  const webDir = path.resolve(config.GATEWAY_WEB_DIR);
  if (existsSync(path.join(webDir, 'index.html'))) {
    // Vite names built assets by content hash: they never change under their name.
    app.use('/assets', express.static(path.join(webDir, 'assets'), { index: false, maxAge: '365d', immutable: true }), notFoundHandler());
    app.use(express.static(webDir, { index: false, maxAge: '1h', immutable: false }));
    // Client-side routes (/inbox/..., /c/<id>#message) all load the single page.
    // Ops paths are never the page: they live on the ops port, and here answer 404.
    app.get(/^\/(?!api\/|ingest\/|metrics$|healthz$|readyz$).*/, (_req, res) => {
      res.setHeader('cache-control', 'no-cache');
      res.sendFile(path.join(webDir, 'index.html'));
    });
  } else {
    runtime.logger.warn({ webDir }, 'web UI not built; serving the API only');
  }
  app.use(notFoundHandler());
  app.use(jsonErrorHandler(runtime.logger));
  return app;
}
