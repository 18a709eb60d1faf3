import { Lifecycle } from '../lifecycle/shutdown';
import { createLogger } from '../logging/logger';
import { Health } from './health';
import { createMetrics } from './metrics';
import { startOpsServer, type OpsServer } from './ops-http';

describe('ops HTTP endpoints', () => {
  let up = true;
  let server: OpsServer;
  const health = new Health(
    [
      { name: 'postgres', check: async () => (up ? undefined : Promise.reject(new Error('connection refused'))) },
      { name: 'slow', check: () => new Promise((resolve) => setTimeout(resolve, 10)) },
    ],
    500,
  );
  const metrics = createMetrics('ops-test');

  beforeAll(async () => {
    server = await startOpsServer(0, { health, registry: metrics.registry });
  });
  afterAll(() => server.close());
  const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;

  it('answers /healthz without touching dependencies', async () => {
    up = false;
    const response = await fetch(url('/healthz'));
    expect(response.status).toBe(200);
    up = true;
  });

  it('answers /readyz 200 when every dependency answers', async () => {
    const response = await fetch(url('/readyz'));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ready', failing: [] });
  });

  it('answers /readyz 503 naming the failing dependency and its error', async () => {
    up = false;
    const response = await fetch(url('/readyz'));
    up = true;
    expect(response.status).toBe(503);
    const body = (await response.json()) as { failing: string[]; checks: Record<string, { error?: string }> };
    expect(body.failing).toEqual(['postgres']);
    expect(body.checks.postgres.error).toBe('connection refused');
  });

  it('stays ready, reporting it degraded, when only a dependency marked as degrading is down', async () => {
    let redisUp = false;
    const degrading = new Health([
      { name: 'redis', check: async () => (redisUp ? undefined : Promise.reject(new Error('ECONNREFUSED'))), whenDown: 'degraded' },
      { name: 'postgres', check: async () => (up ? undefined : Promise.reject(new Error('connection refused'))) },
    ]);
    const ops = await startOpsServer(0, { health: degrading, registry: metrics.registry });
    try {
      const read = async () => {
        const response = await fetch(`http://127.0.0.1:${ops.port}/readyz`);
        return { status: response.status, body: (await response.json()) as { status: string; failing: string[]; degraded: string[] } };
      };
      expect(await read()).toMatchObject({ status: 200, body: { status: 'degraded', failing: [], degraded: ['redis'] } });
      up = false;
      expect(await read()).toMatchObject({ status: 503, body: { status: 'not_ready', failing: ['postgres'], degraded: ['redis'] } });
      up = true;
      redisUp = true;
      expect(await read()).toMatchObject({ status: 200, body: { status: 'ready', failing: [], degraded: [] } });
    } finally {
      await ops.close();
    }
  });

  it('keeps serving, not ready, for the drain delay before the shutdown steps run', async () => {
    const stopping = new Health([], 100);
    const steps: number[] = [];
    const exited = new Promise<number>((resolve) => {
      const lifecycle = new Lifecycle(createLogger({ service: 'drain-test', level: 'silent' }), stopping, 5000, resolve, 400);
      lifecycle.onShutdown('stop taking work', () => steps.push(Date.now()));
      void lifecycle.shutdown('test');
    });
    const started = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await stopping.readiness()).ready).toBe(false);
    expect(steps).toEqual([]);
    expect(await exited).toBe(0);
    expect(steps[0] - started).toBeGreaterThanOrEqual(390);
  });

  it('names a dependency that hangs past the timeout', async () => {
    const hanging = new Health([{ name: 'opensearch', check: () => new Promise(() => undefined) }], 100);
    const report = await hanging.readiness();
    expect(report.ready).toBe(false);
    expect(report.checks.opensearch.error).toMatch(/did not answer/);
  });

  it('reports not ready once shutting down', async () => {
    const stopping = new Health([], 100);
    stopping.markShuttingDown();
    expect((await stopping.readiness()).ready).toBe(false);
  });

  it('serves Prometheus metrics with the service label', async () => {
    metrics.eventsHandled.inc({ consumer: 'c', outcome: 'ack' });
    const response = await fetch(url('/metrics'));
    const text = await response.text();
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(text).toContain('inbox_events_handled_total{consumer="c",outcome="ack",service="ops-test"} 1');
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('answers 404 in the error shape for other paths', async () => {
    const response = await fetch(url('/nope'));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'not_found', message: 'no such ops endpoint' } });
  });
});
