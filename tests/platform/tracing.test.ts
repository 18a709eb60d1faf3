// Traces across the services with W3C trace context, exported over OTLP/HTTP to a local
// receiver: a request to the gateway continues the caller's trace into the conversation service's
// gRPC handler; an email posted to ingest is one trace from the edge through JetStream to the
// conversation service's consumer, and on through the outbox to routing, search and notification.
import { randomBytes } from 'node:crypto';
import { uniqueEmail } from '../support/api-client';
import { addAgent, startInboxFixture, type InboxFixture } from '../support/inbox-fixture';
import { OtlpReceiver } from '../support/otlp-receiver';
import { buildEmail } from '../support/smtp';
import { waitFor } from '@inbox/testkit';

jest.setTimeout(180_000);

const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;
const CONSUMER = 5;

describe('distributed traces', () => {
  const receiver = new OtlpReceiver();
  let f: InboxFixture;

  beforeAll(async () => {
    await receiver.start();
    const otlp = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url };
    f = await startInboxFixture(otlp, ['routing', 'search', 'notification'], { conversation: otlp, routing: otlp, search: otlp, notification: otlp, gateway: otlp });
  });

  afterAll(async () => {
    await f?.stop();
    await receiver.stop();
  });

  const traceparent = () => {
    const traceId = randomBytes(16).toString('hex');
    return { traceId, header: `00-${traceId}-${randomBytes(8).toString('hex')}-01` };
  };

  it("continues the caller's trace from the gateway into the conversation service", async () => {
    const { traceId, header } = traceparent();
    const response = await fetch(`${f.stack.gatewayUrl}/api/v1/inboxes`, { headers: { authorization: `Bearer ${f.owner.token}`, traceparent: header } });
    expect(response.status).toBe(200);
    // Each service exports on its own schedule: the gateway's request span ends after the answer
    // and may arrive after the conversation service's, so wait for both ends.
    const spans = await waitFor('the spans exported', async () => {
      const found = receiver.trace(traceId);
      const has = (service: string, kind: number) => found.some((s) => s.service === service && s.kind === kind);
      return has('conversation', SERVER) && has('gateway', SERVER) && has('gateway', CLIENT) ? found : undefined;
    }, 15_000, 200);
    const http = spans.find((s) => s.service === 'gateway' && s.kind === SERVER)!;
    expect(http.name).toBe('GET /api/v1/inboxes');
    expect(http.parentSpanId).toBe(header.split('-')[2]);
    const client = spans.find((s) => s.service === 'gateway' && s.kind === CLIENT && s.parentSpanId === http.spanId)!;
    expect(client).toBeDefined();
    const server = spans.find((s) => s.service === 'conversation' && s.kind === SERVER)!;
    expect(server.parentSpanId).toBe(client.spanId);
  });

  it('follows an email from the edge through every consumer in one trace', async () => {
    // Someone to route to, so routing assigns the conversation and notification tells them.
    await addAgent(f);
    expect((await f.owner.put(`/api/v1/inboxes/${f.inboxId}/routing`, { mode: 'round_robin' })).status).toBe(200);
    const { traceId, header } = traceparent();
    const response = await fetch(`${f.stack.ingestUrl}/ingest/v1/email?to=${encodeURIComponent(f.address)}`, {
      method: 'POST',
      headers: { 'content-type': 'message/rfc822', traceparent: header },
      body: buildEmail({ from: uniqueEmail('traced'), to: f.address, subject: 'Traced', text: 'Follow me' }).raw,
    });
    expect(response.status).toBe(202);
    const spans = await waitFor('routing, search and notification to consume it in the same trace', async () => {
      const found = receiver.trace(traceId);
      const consumedBy = new Set(found.filter((s) => s.kind === CONSUMER).map((s) => s.service));
      return ['conversation', 'routing', 'search', 'notification'].every((s) => consumedBy.has(s)) ? found : undefined;
    }, 30_000, 250);
    const edge = spans.find((s) => s.service === 'ingest' && s.kind === SERVER)!;
    expect(edge.parentSpanId).toBe(header.split('-')[2]);
    const published = spans.find((s) => s.service === 'ingest' && s.kind === PRODUCER)!;
    const stored = spans.find((s) => s.service === 'conversation' && s.kind === CONSUMER)!;
    expect(stored.parentSpanId).toBe(published.spanId);
    // The conversation service's events are published by its outbox relay, in the same trace.
    const relayed = spans.filter((s) => s.service === 'conversation' && s.kind === PRODUCER);
    expect(relayed.length).toBeGreaterThan(0);
    for (const service of ['routing', 'search', 'notification']) {
      const consumed = spans.filter((s) => s.service === service && s.kind === CONSUMER);
      expect(consumed.every((s) => relayed.some((r) => r.spanId === s.parentSpanId))).toBe(true);
    }
  });
});
