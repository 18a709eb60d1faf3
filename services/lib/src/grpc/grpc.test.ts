import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { ConversationServiceService } from '../gen/inbox/conversation/v1/conversation';
import { createLogger } from '../logging/logger';
import { currentRequestId, runWithRequestContext } from '../logging/request-context';
import { Health } from '../observability/health';
import { createMetrics } from '../observability/metrics';
import { createServiceClient } from './client';
import { DomainError, NotFoundError } from './errors';
import { grpcHealthCheck } from './health-probe';
import { GrpcServer } from './server';

describe('gRPC server and client helpers', () => {
  let dependencyUp = true;
  const seenRequestIds: (string | undefined)[] = [];
  const metrics = createMetrics('grpc-test');
  const health = new Health([{ name: 'postgres', check: async () => (dependencyUp ? undefined : Promise.reject(new Error('down'))) }]);
  const server = new GrpcServer({ logger: createLogger({ service: 'grpc-test', level: 'silent' }), metrics, health, healthIntervalMs: 50 });
  let client: ReturnType<typeof createServiceClient<typeof ConversationServiceService>>;
  let address = '';

  beforeAll(async () => {
    server.addService('inbox.conversation.v1.ConversationService', ConversationServiceService, {
      async getInboundReceipt(request, call) {
        seenRequestIds.push(currentRequestId());
        if (request.eventId === 'missing') throw new NotFoundError('receipt_not_found', 'no such receipt', { eventId: 'missing' });
        if (request.eventId === 'crash') throw new Error('database password is hunter2');
        if (request.eventId === 'slow') await new Promise((resolve) => setTimeout(resolve, 500));
        return { eventId: request.eventId, deliveries: Math.round(call.remainingMs() > 0 ? 1 : 0), storedAt: new Date('2026-01-02T03:04:05Z') };
      },
    });
    const port = await server.listen(0);
    address = `127.0.0.1:${port}`;
    client = createServiceClient(ConversationServiceService, address, { deadlineMs: 2000 });
  });

  afterAll(async () => {
    client.close();
    await server.shutdown(1000);
  });

  it('round-trips a typed call with a Date field', async () => {
    const response = await client.call.getInboundReceipt({ eventId: 'e1' });
    expect(response).toEqual({ eventId: 'e1', deliveries: 1, storedAt: new Date('2026-01-02T03:04:05Z') });
  });

  it('carries the caller request id in metadata into the handler context', async () => {
    await runWithRequestContext({ requestId: 'trace-me-42' }, () => client.call.getInboundReceipt({ eventId: 'e2' }));
    expect(seenRequestIds[seenRequestIds.length - 1]).toBe('trace-me-42');
  });

  it('maps a domain error to its status code and back, with code and details', async () => {
    const error = await client.call.getInboundReceipt({ eventId: 'missing' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ kind: 'not_found', code: 'receipt_not_found', message: 'no such receipt', details: { eventId: 'missing' } });
  });

  it('turns an unexpected error into INTERNAL without leaking its text', async () => {
    const error = (await client.call.getInboundReceipt({ eventId: 'crash' }).catch((e: unknown) => e)) as DomainError;
    expect(error.kind).toBe('internal');
    expect(error.message).not.toContain('hunter2');
  });

  it('enforces the deadline on the client', async () => {
    const error = (await client.call.getInboundReceipt({ eventId: 'slow' }, { deadlineMs: 100 }).catch((e: unknown) => e)) as DomainError;
    expect(error.kind).toBe('timeout');
    expect(error.code).toBe('upstream_timeout');
  });

  it('answers UNIMPLEMENTED for methods without a handler', async () => {
    const error = (await client.call.listInboxes({ tenant: { accountId: 'a', userId: 'u' } }).catch((e: unknown) => e)) as DomainError;
    expect(error.kind).toBe('not_implemented');
  });

  it('counts handled calls by status code', async () => {
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/inbox_grpc_server_handled_total\{[^}]*method="inbox.conversation.v1.ConversationService\/getInboundReceipt"[^}]*code="NOT_FOUND"[^}]*\} 1/);
    // The process's own service label is kept, not overwritten by the call's.
    expect(text).toMatch(/inbox_grpc_server_handled_total\{[^}]*code="NOT_FOUND",service="grpc-test"\} 1/);
  });

  it('serves grpc.health.v1 following readiness', async () => {
    const check = (service: string) => grpcHealthCheck(address, service);
    expect(await check('')).toBe('SERVING');
    expect(await check('inbox.conversation.v1.ConversationService')).toBe('SERVING');
    dependencyUp = false;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await check('')).toBe('NOT_SERVING');
    dependencyUp = true;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await check('')).toBe('SERVING');
  });
});

describe('gRPC across replicas', () => {
  const replicas: { server: GrpcServer; calls: number }[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 2; i += 1) {
      const replica = {
        server: new GrpcServer({ logger: createLogger({ service: 'grpc-replica', level: 'silent' }), metrics: createMetrics(`grpc-replica-${i}`), health: new Health([]), maxConnectionAgeMs: 300 }),
        calls: 0,
      };
      replica.server.addService('inbox.conversation.v1.ConversationService', ConversationServiceService, {
        async getInboundReceipt(request) {
          replica.calls += 1;
          return { eventId: request.eventId, deliveries: i, storedAt: undefined };
        },
      });
      await replica.server.listen(0);
      replicas.push(replica);
    }
  });

  afterAll(async () => {
    for (const r of replicas) await r.server.shutdown(1000);
  });

  it('spreads calls over every address the name resolves to, and survives connections closed at their maximum age', async () => {
    // The ipv4: target resolves to both replicas, as a headless Service's DNS name resolves to every pod.
    const client = createServiceClient(ConversationServiceService, `ipv4:${replicas.map((r) => `127.0.0.1:${r.server.port}`).join(',')}`, { deadlineMs: 2000 });
    try {
      const failures: unknown[] = [];
      // 2 seconds of calls: every connection is closed several times at its 300 ms age meanwhile.
      for (let i = 0; i < 40; i += 1) {
        await client.call.getInboundReceipt({ eventId: `e${i}` }).catch((error: unknown) => failures.push(error));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(failures).toEqual([]);
      for (const r of replicas) expect(r.calls).toBeGreaterThanOrEqual(10);
    } finally {
      client.close();
    }
  });
});

describe('streams a server refuses', () => {
  // A bare HTTP/2 server that refuses the first `refusals` streams (REFUSED_STREAM: the handler never
  // saw them) and answers the rest as a gRPC server would.
  async function refusingServer(refusals: number) {
    const seen = { streams: 0 };
    const server = http2.createServer();
    server.on('stream', (stream) => {
      seen.streams += 1;
      stream.on('error', () => undefined);
      if (seen.streams <= refusals) return stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
      stream.on('data', () => undefined);
      stream.on('end', () => {
        const message = ConversationServiceService.getInboundReceipt.responseSerialize({ eventId: 'answered', deliveries: 1, storedAt: undefined });
        const frame = Buffer.alloc(5 + message.length);
        frame.writeUInt32BE(message.length, 1);
        message.copy(frame, 5);
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        stream.end(frame);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { server, seen, address: `127.0.0.1:${(server.address() as AddressInfo).port}` };
  }

  it('sends a refused call again, as the handler never saw it, up to three refusals', async () => {
    const { server, seen, address } = await refusingServer(3);
    const client = createServiceClient(ConversationServiceService, address, { deadlineMs: 2000 });
    try {
      expect(await client.call.getInboundReceipt({ eventId: 'e1' })).toMatchObject({ eventId: 'answered', deliveries: 1 });
      expect(seen.streams).toBe(4);
    } finally {
      client.close();
      server.close();
    }
  });

  it('gives up after three attempts, each also retried once by grpc-js, with the server unavailable', async () => {
    const { server, seen, address } = await refusingServer(100);
    const client = createServiceClient(ConversationServiceService, address, { deadlineMs: 2000 });
    try {
      await expect(client.call.getInboundReceipt({ eventId: 'e1' })).rejects.toMatchObject({ message: 'Stream refused by server' });
      expect(seen.streams).toBe(6);
    } finally {
      client.close();
      server.close();
    }
  });
});
