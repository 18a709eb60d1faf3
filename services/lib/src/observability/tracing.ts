// Distributed traces with W3C trace context across HTTP → gRPC → NATS → consumers. Every service
// creates spans and carries `traceparent` in HTTP headers, gRPC metadata and NATS headers (and
// through the conversation service's outbox), so one trace follows an email from the edge to
// every consumer; spans are exported over OTLP/HTTP only when an endpoint is configured.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace, type Context, type Link, type Span, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

export { SpanKind, SpanStatusCode } from '@opentelemetry/api';

const TRACER = 'inbox';
export const TRACEPARENT_HEADER = 'traceparent';

export interface Tracing {
  shutdown: () => Promise<void>;
}

/**
 * With an OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT, e.g. http://collector:4318) registers a
 * tracer provider whose spans are batched to `<endpoint>/v1/traces`. Without one, only the
 * context machinery (AsyncLocalStorage, W3C propagation): no span is recorded, which costs next
 * to nothing, and a caller's trace context still passes through to the next hop and the logs.
 */
export function startTracing(service: string, otlpEndpoint = ''): Tracing {
  if (!otlpEndpoint) {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    return { shutdown: async () => undefined };
  }
  // The exporting SDK is loaded only when spans are exported, not carried unused by every service.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${otlpEndpoint.replace(/\/$/, '')}/v1/traces` }), { scheduledDelayMillis: 500 })],
  });
  provider.register();
  return { shutdown: () => provider.shutdown() };
}

export function tracer() {
  return trace.getTracer(TRACER);
}

/** Runs work in a new span (a child of the active one, or of `parent`), ending it when work settles. */
export async function inSpan<T>(name: string, options: { kind: SpanKind; attributes?: Record<string, string | number>; parent?: Context; links?: Link[] }, work: (span: Span) => Promise<T>): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(name, { kind: options.kind, attributes: options.attributes, links: options.links }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
    throw error;
  } finally {
    span.end();
  }
}

/** The W3C headers of the active context (empty when there is none). */
export function traceHeaders(ctx: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

/** The context a carrier (HTTP headers, gRPC metadata, NATS headers) names, via its getter. */
export function extractContext<C>(carrier: C, getter: TextMapGetter<C>): Context {
  return propagation.extract(ROOT_CONTEXT, carrier, getter);
}

export function injectContext<C>(carrier: C, setter: TextMapSetter<C>, ctx: Context = context.active()): void {
  propagation.inject(ctx, carrier, setter);
}

/** The active trace id, for log lines. */
export function activeTraceId(): string | undefined {
  const span = trace.getActiveSpan();
  const id = span?.spanContext().traceId;
  return id && id !== '00000000000000000000000000000000' ? id : undefined;
}
