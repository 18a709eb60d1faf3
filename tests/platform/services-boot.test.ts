// Every backend service boots for real against the real servers: ready, health, metrics, the
// gRPC health service, and a clean exit on SIGTERM; a bad configuration stops the boot.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { grpcHealthCheck } from '@inbox/lib';
import { waitFor } from '@inbox/testkit';
import { ROOT } from '../support/service-process';
import { DEPENDENCIES, SERVICE_NAMES, launchService, type LaunchedService, type ServiceName } from '../support/services';

describe.each(SERVICE_NAMES)('the %s service', (name: ServiceName) => {
  let service: LaunchedService;

  beforeAll(async () => {
    service = await launchService(name);
    await service.process.waitReady();
  });

  afterAll(async () => {
    await service.process.stop();
  });

  it('reports ready with each of its own dependencies checked', async () => {
    const response = await fetch(`${service.opsUrl}/readyz`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { checks: Record<string, { ok: boolean }> };
    expect(Object.keys(body.checks).sort()).toEqual([...DEPENDENCIES[name]].sort());
    expect(Object.values(body.checks).every((c) => c.ok)).toBe(true);
  });

  it('answers /healthz and serves Prometheus metrics labelled with its name', async () => {
    expect((await fetch(`${service.opsUrl}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`${service.opsUrl}/metrics`)).text();
    expect(metrics).toContain(`service="${name}"`);
    expect(metrics).toContain('nodejs_eventloop_lag_seconds');
  });

  if (name === 'ingest' || name === 'gateway') {
    it('keeps /metrics, /healthz and /readyz off its public port', async () => {
      for (const path of ['/metrics', '/healthz', '/readyz']) expect((await fetch(`${service.httpUrl}${path}`)).status).toBe(404);
    });

    it('logs every request with its route, status, duration and request id, not only failures', async () => {
      const path = name === 'gateway' ? '/api/v1/openapi.json' : '/ingest/v1/chat/widget.js';
      const response = await fetch(`${service.httpUrl}${path}`, { headers: { 'x-request-id': `access-log-${name}` } });
      expect(response.status).toBeLessThan(500);
      const logged = await waitFor('the access log line', async () =>
        service.process.output
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as Record<string, unknown>)
          .find((entry) => entry.msg === 'request' && entry.requestId === `access-log-${name}`),
      );
      expect(logged).toMatchObject({ status: response.status, method: 'GET', ms: expect.any(Number) });
    });
  }

  it('reports its own name on gRPC metrics and its pools and consumers by name', async () => {
    const metrics = await (await fetch(`${service.opsUrl}/metrics`)).text();
    expect(metrics).not.toContain('service="grpc"');
    if (['conversation', 'routing', 'notification'].includes(name)) expect(metrics).toMatch(new RegExp(`inbox_pg_pool_connections\\{pool="main",state="max",service="${name}"\\}`));
    if (name !== 'gateway') expect(metrics).toMatch(new RegExp(`inbox_consumer_pending_messages\\{consumer="[\\w-]+",service="${name}"\\}`));
  });

  it('trims the native memory its allocator keeps free and reports it', async () => {
    const metrics = await (await fetch(`${service.opsUrl}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`^inbox_native_memory_free_bytes\\{service="${name}"\\} \\d+$`, 'm'));
    expect(metrics).toMatch(new RegExp(`^inbox_native_memory_released_bytes_total\\{service="${name}"\\} \\d+$`, 'm'));
  });

  if (name !== 'ingest' && name !== 'gateway') {
    it('serves the standard gRPC health service as SERVING', async () => {
      expect(await grpcHealthCheck(service.grpcAddress!)).toBe('SERVING');
    });
  }

  it('logs structured JSON lines with its service name', () => {
    const lines = service.process.output.split('\n').filter((line) => line.startsWith('{'));
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ service: name });
  });

  it('shuts down in order and exits 0 on SIGTERM', async () => {
    service.process.signal('SIGTERM');
    const exit = await service.process.exited(20_000);
    expect(exit).toEqual({ code: 0, signal: null });
    const messages = service.process.output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg: string; failed?: boolean });
    const shuttingDown = messages.findIndex((m) => m.msg === 'shutting down');
    const stopped = messages.findIndex((m) => m.msg === 'stopped');
    expect(shuttingDown).toBeGreaterThanOrEqual(0);
    expect(stopped).toBeGreaterThan(shuttingDown);
    expect(messages[stopped].failed).toBe(false);
  });
});

describe('configuration errors stop the boot', () => {
  const badValues: Record<ServiceName, [string, string]> = {
    conversation: ['CONVERSATION_GRPC_PORT', 'not-a-port'],
    routing: ['ROUTING_DATABASE_URL', 'nope'],
    search: ['OPENSEARCH_URL', '::bad'],
    notification: ['NOTIFICATION_HTTP_PORT', '99999'],
    ingest: ['INGEST_MAX_MESSAGE_BYTES', '-5'],
    gateway: ['LOG_LEVEL', 'chatty'],
  };

  it.each(SERVICE_NAMES)('%s names the bad variable and exits 1', (name) => {
    const [variable, value] = badValues[name];
    const result = spawnSync(process.execPath, [path.join(ROOT, 'services', name, 'dist', 'main.js')], {
      env: { PATH: process.env.PATH ?? '', [variable]: value },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(variable);
    expect(result.stderr).toContain('invalid configuration');
  });
});
