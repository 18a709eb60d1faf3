import path from 'node:path';
import { commonConfigShape, env, loadConfig, outboundConfigShape, rejectOutboundTestSwitchesInProduction, requireSecrets, z } from '@inbox/lib';

const schema = z.object({
  ...commonConfigShape,
  // Single sign-on reaches identity providers through the guarded HTTP client.
  ...outboundConfigShape,
  BIND_HOST: env.string('127.0.0.1'),
  GATEWAY_PORT: env.port(8080),
  /** /healthz, /readyz and /metrics: never on the public port. */
  GATEWAY_OPS_PORT: env.port(9106),
  /**
   * Gateway processes on one host that all set this listen on the same GATEWAY_PORT, the kernel
   * spreading connections (and so WebSockets) over them (SO_REUSEPORT). Off, a second process on
   * a taken port fails to start instead of quietly sharing it.
   */
  GATEWAY_SHARE_PORT: env.bool(false),
  /** Proxies whose X-Forwarded-For is believed (express "trust proxy" list: addresses, CIDRs, loopback…); empty: none. */
  GATEWAY_TRUSTED_PROXIES: env.list(),
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
  // Watching wallboards get a fresh board at most this often while their account changes.
  GATEWAY_WALLBOARD_REFRESH_MS: env.int(500, 50),
  /** Signs bearer tokens. No default: npm run up generates one per install; only NODE_ENV=test may go without. */
  GATEWAY_JWT_SECRET: z.string().optional(),
  GATEWAY_TOKEN_TTL_SECONDS: env.int(12 * 60 * 60, 60),
  /** How long a session's user is remembered between API calls (changes drop it at once); 0 asks every time. */
  GATEWAY_SESSION_CACHE_MS: env.int(10_000, 0),
  /** How long a conversation list page or thread is served from memory at most (any change it shows drops it at once); 0 turns the cache off. */
  GATEWAY_READ_CACHE_MS: env.int(5_000, 0),
  /** The list pages kept, in MB of JSON (the oldest leave first); counted against the heap caps of the chart. */
  GATEWAY_READ_CACHE_MB: env.int(32, 1),
  /** Failed sign-ins allowed per email and per client in each window before 429 too_many_attempts. */
  GATEWAY_LOGIN_MAX_FAILURES_PER_EMAIL: env.int(5, 1),
  GATEWAY_LOGIN_MAX_FAILURES_PER_CLIENT: env.int(30, 1),
  GATEWAY_LOGIN_WINDOW_SECONDS: env.int(15 * 60, 1),
  /** Open WebSockets one user may hold on one gateway. */
  GATEWAY_MAX_SOCKETS_PER_USER: env.int(20, 1),
});

export type GatewayConfig = Omit<z.infer<typeof schema>, 'GATEWAY_JWT_SECRET'> & { GATEWAY_JWT_SECRET: string };

export function loadGatewayConfig(source?: Record<string, string | undefined>): GatewayConfig {
  const config = loadConfig(schema, source);
  rejectOutboundTestSwitchesInProduction(config);
  return { ...config, ...requireSecrets(config.NODE_ENV, { GATEWAY_JWT_SECRET: config.GATEWAY_JWT_SECRET }) };
}
