import path from 'node:path';
import { commonConfigShape, env, loadConfig, rejectDevSecretsInProduction, z } from '@inbox/lib';

const schema = z.object({
  ...commonConfigShape,
  BIND_HOST: env.string('127.0.0.1'),
  GATEWAY_PORT: env.port(8080),
  GATEWAY_PUBLIC_URL: env.url('http://127.0.0.1:8080'),
  /** Where ingest is reachable from outside, for the connect instructions shown with each channel. */
  GATEWAY_INGEST_PUBLIC_URL: env.url('http://127.0.0.1:8081'),
  GATEWAY_WEB_DIR: env.string(path.resolve(__dirname, '../../web/dist')),
  GATEWAY_MAX_BODY_BYTES: env.int(1024 * 1024, 1024),
  GATEWAY_SIGNUP_ENABLED: env.bool(true),
  REDIS_URL: env.url('redis://127.0.0.1:6379'),
  CONVERSATION_GRPC_ADDR: env.string('127.0.0.1:50051'),
  ROUTING_GRPC_ADDR: env.string('127.0.0.1:50052'),
  SEARCH_GRPC_ADDR: env.string('127.0.0.1:50053'),
  NOTIFICATION_GRPC_ADDR: env.string('127.0.0.1:50054'),
  GRPC_DEADLINE_MS: env.int(5000, 50),
  NATS_STREAM_REPLICAS: env.int(1, 1),
  /** A reconnecting WebSocket client that missed more of its account's events than this is told to refetch. */
  GATEWAY_REALTIME_MAX_REPLAY: env.int(5000, 1),
  GATEWAY_JWT_SECRET: env.string('dev-insecure-jwt-secret-change-me-in-production'),
  GATEWAY_TOKEN_TTL_SECONDS: env.int(12 * 60 * 60, 60),
});

export type GatewayConfig = z.infer<typeof schema>;

export function loadGatewayConfig(source?: Record<string, string | undefined>): GatewayConfig {
  const config = loadConfig(schema, source);
  rejectDevSecretsInProduction(config.NODE_ENV, { GATEWAY_JWT_SECRET: config.GATEWAY_JWT_SECRET });
  return config;
}
