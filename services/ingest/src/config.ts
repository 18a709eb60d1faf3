import { ConfigError, commonConfigShape, env, loadConfig, outboundConfigShape, rejectOutboundTestSwitchesInProduction, z } from '@inbox/lib';

const schema = z.object({
  ...commonConfigShape,
  ...outboundConfigShape,
  BIND_HOST: env.string('127.0.0.1'),
  INGEST_HTTP_PORT: env.port(8081),
  INGEST_SMTP_PORT: env.port(2525),
  /** /healthz, /readyz and /metrics: never on the public port. */
  INGEST_OPS_PORT: env.port(9105),
  /** Proxies whose X-Forwarded-For is believed (express "trust proxy" list); empty: none. */
  INGEST_TRUSTED_PROXIES: env.list(),
  // Chat: new sessions per widget and client in each minute; visitor messages per session in each minute.
  INGEST_CHAT_SESSION_RATE_LIMIT: env.int(30, 1),
  INGEST_CHAT_MESSAGE_RATE_LIMIT: env.int(120, 1),
  INGEST_MAX_MESSAGE_BYTES: env.int(25 * 1024 * 1024, 1024),
  /** Raw email up to this size travels inside its JetStream event (one publish); larger goes to the object store first. */
  INGEST_INLINE_RAW_BYTES: env.int(64 * 1024, 0),
  REDIS_URL: env.url('redis://127.0.0.1:6379'),
  /** The conversation service's edge port, which serves ChannelDirectoryService and nothing else. */
  CONVERSATION_DIRECTORY_GRPC_ADDR: env.string('127.0.0.1:50061'),
  /** Routing's edge port (AgentPresenceService only): whether anyone is there to chat; empty: business hours alone decide. */
  ROUTING_PRESENCE_GRPC_ADDR: z.string().default('127.0.0.1:50062'),
  /** How long the widget's "someone is there" answer is kept. */
  INGEST_PRESENCE_CACHE_MS: env.int(5_000, 0),
  /** How long a channel looked up by address or id is kept: a changed or deleted channel reaches ingest within this. */
  INGEST_CHANNEL_CACHE_MS: env.int(60_000, 0),
  NATS_STREAM_REPLICAS: env.int(1, 1),
  // The scheme and host providers call (behind a proxy), for webhook signatures over the URL.
  // SPF/DKIM/DMARC of inbound mail: the DNS servers to ask (empty: the system's), and whether to check at all.
  INGEST_MAIL_AUTH: env.bool(true),
  INGEST_DNS_SERVERS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean)),
  /** This MTA's name: the SMTP greeting and the authserv-id of Authentication-Results (the MX host). */
  INGEST_MTA_NAME: env.string('inbox.localhost'),
  /** PEM files of the MX's certificate chain and key; with both, SMTP offers STARTTLS. */
  INGEST_SMTP_TLS_CERT_FILE: z.string().default(''),
  INGEST_SMTP_TLS_KEY_FILE: z.string().default(''),
  // Form submissions per form and client address in each minute.
  INGEST_FORM_RATE_LIMIT: env.int(30, 1),
  INGEST_PUBLIC_URL: z.url().transform((u) => u.replace(/\/$/, '')).optional(),
});

export type IngestConfig = z.infer<typeof schema>;

export function loadIngestConfig(source?: Record<string, string | undefined>): IngestConfig {
  const config = loadConfig(schema, source);
  rejectOutboundTestSwitchesInProduction(config);
  if (Boolean(config.INGEST_SMTP_TLS_CERT_FILE) !== Boolean(config.INGEST_SMTP_TLS_KEY_FILE)) {
    throw new ConfigError(['INGEST_SMTP_TLS_CERT_FILE and INGEST_SMTP_TLS_KEY_FILE: give both (STARTTLS) or neither']);
  }
  return config;
}
