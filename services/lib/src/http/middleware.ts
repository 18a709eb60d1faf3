// Connect-style middleware (usable by express without the lib depending on it): request id in
// and out, and request metrics by route. Ops endpoints are never here: they have their own port.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Logger } from '../logging/logger';
import { REQUEST_ID_HEADER, requestIdFrom, runWithRequestContext } from '../logging/request-context';
import type { ServiceMetrics } from '../observability/metrics';
import { SpanKind, SpanStatusCode, extractContext, tracer } from '../observability/tracing';
import { context, trace } from '@opentelemetry/api';

type Next = (error?: unknown) => void;
type Middleware = (req: IncomingMessage, res: ServerResponse, next: Next) => void;

/** The request id in and out, and a server span continuing the caller's W3C trace context. */
export function requestIdMiddleware(): Middleware {
  return (req, res, next) => {
    const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const parent = extractContext(req.headers, HEADER_GETTER);
    const span = tracer().startSpan(`${req.method ?? 'GET'}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method ?? 'GET' } }, parent);
    res.on('finish', () => {
      const routed = req as IncomingMessage & { route?: { path?: string }; baseUrl?: string };
      const route = routed.route?.path ? `${routed.baseUrl ?? ''}${routed.route.path}` : undefined;
      if (route) {
        span.updateName(`${req.method ?? 'GET'} ${route}`);
        span.setAttribute('http.route', route);
      }
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    runWithRequestContext({ requestId }, () => context.with(trace.setSpan(parent, span), () => next()));
  };
}

const HEADER_GETTER = {
  keys: (carrier: IncomingMessage['headers']) => Object.keys(carrier),
  get: (carrier: IncomingMessage['headers'], key: string) => carrier[key.toLowerCase()],
};

/**
 * Records count and duration per matched route (express sets req.route), never per raw URL, and
 * logs every request (info; 4xx warn; 5xx error) with its route, status and duration.
 */
export function httpMetricsMiddleware(metrics: ServiceMetrics, logger?: Logger): Middleware {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const routed = req as IncomingMessage & { route?: { path?: string }; baseUrl?: string };
      const route = routed.route?.path ? `${routed.baseUrl ?? ''}${routed.route.path}` : 'unmatched';
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpRequests.inc({ method: req.method ?? 'GET', route, status: String(res.statusCode) });
      metrics.httpDuration.observe({ method: req.method ?? 'GET', route }, seconds);
      if (logger) {
        const level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info';
        // 'finish' may fire outside the request's context: the id is taken from the response.
        const requestId = res.getHeader(REQUEST_ID_HEADER);
        logger[level]({ requestId, method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1000) }, 'request');
      }
    });
    next();
  };
}

/** reusePort: several processes bind the same port and the kernel spreads connections over them. */
export function listen(server: Server, port: number, host: string, options: { reusePort?: boolean } = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, reusePort: options.reusePort ?? false }, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** Stops accepting connections, lets in-flight requests finish, cuts the rest at the deadline. */
export function closeHttpServer(server: Server, deadlineMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), deadlineMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}
