import { commonConfigShape, env, loadConfig, outboundConfigShape, rejectOutboundTestSwitchesInProduction, z } from '@inbox/lib';

const schema = z.object({
  ...commonConfigShape,
  ...outboundConfigShape,
  BIND_HOST: env.string('127.0.0.1'),
  CONVERSATION_GRPC_PORT: env.port(50051),
  /** Serves only ChannelDirectoryService, for ingest (the internet-facing edge). */
  CONVERSATION_EDGE_GRPC_PORT: env.port(50061),
  CONVERSATION_HTTP_PORT: env.port(9101),
  CONVERSATION_DATABASE_URL: env.url('postgres://postgres@127.0.0.1:5432/inbox_conversation'),
  /** A streaming replica for reads that may lag (list views, counts, reports); empty: the primary. Unreachable: the primary. */
  CONVERSATION_READ_DATABASE_URL: z.union([z.literal(''), z.url()]).default(''),
  CONVERSATION_DB_POOL_SIZE: env.int(20, 1),
  // Reports have their own few connections, so a heavy one never takes the inbox's, and a time
  // limit past which PostgreSQL stops them (the caller has given up by then).
  CONVERSATION_REPORTS_POOL_SIZE: env.int(4, 1),
  CONVERSATION_REPORTS_TIMEOUT_MS: env.int(5000, 10),
  // Kept report rows of days that have not changed since, decoded, per replica (0: none kept).
  CONVERSATION_REPORTS_CACHE_MB: env.int(128, 0),
  // How often the report facts' deltas are folded into the counts kept per day.
  CONVERSATION_REPORT_COUNT_COMPACT_MS: env.int(1000, 10),
  CONVERSATION_MIGRATE_ON_BOOT: env.bool(true),
  /** Events stored at once when batching is off. */
  CONVERSATION_INBOUND_CONCURRENCY: env.int(32, 1),
  /** Most inbound events stored in one transaction; 1 stores each event in its own. */
  CONVERSATION_INBOUND_BATCH_SIZE: env.int(200, 1),
  /** Inbound batches stored at once; while they run, the next batch gathers what arrives. */
  CONVERSATION_INBOUND_PARALLEL_BATCHES: env.int(2, 1),
  /** How long a batch that is not full waits for more events: a little latency for fewer statements per message. */
  CONVERSATION_INBOUND_BATCH_LINGER_MS: env.int(5, 0),
  /** Named prepared statements on the hot paths; false sends them unnamed (PgBouncer in transaction mode needs 1.21+ with max_prepared_statements for them). */
  CONVERSATION_PREPARED_STATEMENTS: env.bool(true),
  /** Password hashes and checks run at once (19 MB of memory each); the rest wait their turn. */
  CONVERSATION_PASSWORD_HASHES_AT_ONCE: env.int(2, 1),
  CONVERSATION_MAIL_DOMAIN: env.string('inbox.localhost'),
  /** The web app's public URL: links in the emails the service sends itself (an inbox's survey on close) point there. */
  CONVERSATION_PUBLIC_URL: env.url('http://127.0.0.1:8080'),
  CONVERSATION_SMTP_URL: env.url('smtp://127.0.0.1:1025'),
  // Providers reached over HTTP; replaced by local fakes in tests.
  MESSENGER_GRAPH_URL: env.url('https://graph.facebook.com/v21.0').transform((u) => u.replace(/\/$/, '')),
  TELEPHONY_API_URL: env.url('https://api.twilio.com').transform((u) => u.replace(/\/$/, '')),
  // Where the telephony provider reaches ingest's call callbacks.
  CALLS_CALLBACK_BASE_URL: env.url('http://127.0.0.1:8081').transform((u) => u.replace(/\/$/, '')),
  // AI assist: an OpenAI-compatible endpoint (e.g. https://api.openai.com/v1). Unset: summaries are
  // extractive and Write for me is off.
  CONVERSATION_ASSIST_URL: z.url().transform((u) => u.replace(/\/$/, '')).optional(),
  CONVERSATION_ASSIST_API_KEY: z.string().min(1).optional(),
  CONVERSATION_ASSIST_MODEL: env.string('gpt-4o-mini'),
  CONVERSATION_ASSIST_TIMEOUT_MS: env.int(30_000, 100),
  // Outbound messages a provider refuses for now: how often to try, and the first wait (doubling).
  CONVERSATION_DELIVERY_MAX_ATTEMPTS: env.int(8, 1),
  CONVERSATION_DELIVERY_BACKOFF_MS: env.int(10_000, 10),
  CONVERSATION_PURGE_INTERVAL_MS: env.int(60 * 60 * 1000, 1000),
  // How often due times are checked for breaches (each breach is announced once).
  CONVERSATION_SLA_BREACH_CHECK_MS: env.int(15_000, 100),
  /** How often the deltas behind view counts are folded; reads stay exact in between, only cheaper after. */
  CONVERSATION_VIEW_COUNT_COMPACT_MS: env.int(1000, 50),
  NATS_STREAM_REPLICAS: env.int(1, 1),
});

export type ConversationConfig = z.infer<typeof schema>;

export function loadConversationConfig(source?: Record<string, string | undefined>): ConversationConfig {
  const config = loadConfig(schema, source);
  rejectOutboundTestSwitchesInProduction(config);
  return config;
}
