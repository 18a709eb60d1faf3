import { commonConfigShape, env, loadConfig, z } from '@inbox/lib';

const schema = z.object({
  ...commonConfigShape,
  BIND_HOST: env.string('127.0.0.1'),
  ROUTING_GRPC_PORT: env.port(50052),
  /** Serves only AgentPresenceService, for ingest (the internet-facing edge). */
  ROUTING_EDGE_GRPC_PORT: env.port(50062),
  ROUTING_HTTP_PORT: env.port(9102),
  ROUTING_DATABASE_URL: env.url('postgres://postgres@127.0.0.1:5432/inbox_routing'),
  ROUTING_DB_POOL_SIZE: env.int(10, 1),
  ROUTING_MIGRATE_ON_BOOT: env.bool(true),
  REDIS_URL: env.url('redis://127.0.0.1:6379'),
  CONVERSATION_GRPC_ADDR: env.string('127.0.0.1:50051'),
  GRPC_DEADLINE_MS: env.int(5000, 50),
  NATS_STREAM_REPLICAS: env.int(1, 1),
  ROUTING_WORKING_HOURS_CHECK_MS: env.int(30_000, 100),
  // Most events one unit of work takes: new conversations of one inbox among them are routed under
  // one hold of its lock. At most 500, the most conversations one facts call may name.
  ROUTING_BATCH_SIZE: env.int(50, 1, 500),
  // How long a copy of an account's directory is used at most when no change announcement arrives.
  ROUTING_DIRECTORY_CACHE_MS: env.int(30_000, 0),
});

export type RoutingConfig = z.infer<typeof schema>;

export function loadRoutingConfig(source?: Record<string, string | undefined>): RoutingConfig {
  return loadConfig(schema, source);
}
