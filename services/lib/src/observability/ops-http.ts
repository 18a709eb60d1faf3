// /healthz, /readyz and /metrics over plain HTTP, on a port of their own in every service (never
// the public one): the ops server and the request handler it runs.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Health } from './health';

export interface OpsEndpoints {
  health: Health;
  registry: Registry;
}

/** Answers an ops path and returns true, or returns false for any other path. */
export async function handleOpsRequest(req: IncomingMessage, res: ServerResponse, ops: OpsEndpoints): Promise<boolean> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (path === '/healthz') {
    sendJson(res, 200, { status: 'ok' });
    return true;
  }
  if (path === '/readyz') {
    const report = await ops.health.readiness();
    const down = Object.entries(report.checks).filter(([, c]) => !c.ok);
    sendJson(res, report.ready ? 200 : 503, {
      status: report.ready ? (down.length > 0 ? 'degraded' : 'ready') : 'not_ready',
      failing: down.filter(([, c]) => !c.degradesOnly).map(([name]) => name),
      degraded: down.filter(([, c]) => c.degradesOnly).map(([name]) => name),
      checks: report.checks,
    });
    return true;
  }
  if (path === '/metrics') {
    const body = await ops.registry.metrics();
    res.writeHead(200, { 'content-type': ops.registry.contentType });
    res.end(body);
    return true;
  }
  return false;
}

export interface OpsServer {
  port: number;
  close: () => Promise<void>;
}

export async function startOpsServer(port: number, ops: OpsEndpoints, host = '127.0.0.1'): Promise<OpsServer> {
  const server = http.createServer((req, res) => {
    handleOpsRequest(req, res, ops)
      .then((handled) => {
        if (!handled) sendJson(res, 404, { error: { code: 'not_found', message: 'no such ops endpoint' } });
      })
      .catch((error: unknown) => sendJson(res, 500, { error: { code: 'internal', message: String(error) } }));
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
