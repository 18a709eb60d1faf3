// Prometheus metrics: one registry per service with the default process metrics, and the
// counters and histograms the shared runtime records (gRPC calls, consumed events, HTTP).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ServiceMetrics {
  registry: Registry;
  /** method is the full gRPC path (package.Service/method); the service label is the process's own. */
  grpcHandled: Counter<'method' | 'code'>;
  grpcDuration: Histogram<'method'>;
  eventsHandled: Counter<'consumer' | 'outcome'>;
  eventDuration: Histogram<'consumer'>;
  eventBatchSize: Histogram<'consumer'>;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  /** Messages a durable consumer has not been handed yet (its lag), and handed but not acknowledged. */
  consumerPending: Gauge<'consumer'>;
  consumerAckPending: Gauge<'consumer'>;
  /** Reports a PostgreSQL pool's connections at each scrape: in use, idle, waiting callers, max. */
  observePool: (name: string, pool: PoolCounts) => void;
}

export interface PoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options: { max?: number };
}

const EVENT_LOOP_SAMPLE_MS = 100;

export function createMetrics(service: string): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  // The event-loop delay is sampled every 100 ms instead of prom-client's 10 ms: that timer woke
  // every process 200 times a second doing nothing else. A stall longer than 100 ms is still
  // measured whole; a shorter one is caught when it covers a sample.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  const pools = new Map<string, PoolCounts>();
  new Gauge({
    name: 'inbox_pg_pool_connections',
    help: 'PostgreSQL pool connections by state: in_use, idle, waiting (callers queued for one) and max',
    labelNames: ['pool', 'state'],
    registers: [registry],
    collect() {
      for (const [name, pool] of pools) {
        this.set({ pool: name, state: 'in_use' }, pool.totalCount - pool.idleCount);
        this.set({ pool: name, state: 'idle' }, pool.idleCount);
        this.set({ pool: name, state: 'waiting' }, pool.waitingCount);
        this.set({ pool: name, state: 'max' }, pool.options.max ?? 10);
      }
    },
  });
  const buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  return {
    registry,
    grpcHandled: new Counter({
      name: 'inbox_grpc_server_handled_total',
      help: 'gRPC calls handled, by status code',
      labelNames: ['method', 'code'],
      registers: [registry],
    }),
    grpcDuration: new Histogram({
      name: 'inbox_grpc_server_duration_seconds',
      help: 'gRPC handler duration',
      labelNames: ['method'],
      buckets,
      registers: [registry],
    }),
    eventsHandled: new Counter({
      name: 'inbox_events_handled_total',
      help: 'JetStream messages handled, by outcome (ack, nak, dead_letter; batch_split counts failed batches)',
      labelNames: ['consumer', 'outcome'],
      registers: [registry],
    }),
    eventDuration: new Histogram({
      name: 'inbox_event_handler_duration_seconds',
      help: 'JetStream handler duration',
      labelNames: ['consumer'],
      buckets,
      registers: [registry],
    }),
    eventBatchSize: new Histogram({
      name: 'inbox_event_batch_size',
      help: 'JetStream messages handled together in one batch',
      labelNames: ['consumer'],
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
      registers: [registry],
    }),
    httpRequests: new Counter({
      name: 'inbox_http_requests_total',
      help: 'HTTP requests, by route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'inbox_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route'],
      buckets,
      registers: [registry],
    }),
    consumerPending: new Gauge({
      name: 'inbox_consumer_pending_messages',
      help: 'Messages in the stream a durable consumer has not been handed yet (its lag)',
      labelNames: ['consumer'],
      registers: [registry],
    }),
    consumerAckPending: new Gauge({
      name: 'inbox_consumer_ack_pending_messages',
      help: 'Messages handed to a durable consumer and not acknowledged yet',
      labelNames: ['consumer'],
      registers: [registry],
    }),
    observePool: (name, pool) => void pools.set(name, pool),
  };
}
