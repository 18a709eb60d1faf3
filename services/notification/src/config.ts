import { commonConfigShape, env, loadConfig, outboundConfigShape, rejectOutboundTestSwitchesInProduction, z } from '@inbox/lib';

const schema = z.object({
  ...commonConfigShape,
  ...outboundConfigShape,
  BIND_HOST: env.string('127.0.0.1'),
  NOTIFICATION_GRPC_PORT: env.port(50054),
  /** The directory: who an account's admins are (told when a webhook is paused). */
  CONVERSATION_GRPC_ADDR: env.string('127.0.0.1:50051'),
  GRPC_DEADLINE_MS: env.int(5000, 50),
  NOTIFICATION_HTTP_PORT: env.port(9104),
  NOTIFICATION_DATABASE_URL: env.url('postgres://postgres@127.0.0.1:5432/inbox_notification'),
  NOTIFICATION_DB_POOL_SIZE: env.int(10, 1),
  NOTIFICATION_MIGRATE_ON_BOOT: env.bool(true),
  /** Named prepared statements on the polling paths; false sends them unnamed (PgBouncer in transaction mode needs 1.21+ with max_prepared_statements for them). */
  NOTIFICATION_PREPARED_STATEMENTS: env.bool(true),
  NATS_STREAM_REPLICAS: env.int(1, 1),
  /** Email digests of unread notifications, for users who turned them on. */
  NOTIFICATION_SMTP_URL: env.url('smtp://127.0.0.1:1025'),
  NOTIFICATION_EMAIL_FROM: env.string('Inbox <notifications@inbox.localhost>'),
  NOTIFICATION_EMAIL_INTERVAL_MS: env.int(10 * 60 * 1000, 100),
  NOTIFICATION_EMAIL_DELAY_MS: env.int(60 * 1000, 0),
  NOTIFICATION_PUBLIC_URL: env.url('http://127.0.0.1:8080'),
  /** Outbound webhooks: how often due deliveries are looked for, how many at once, how long one send may hold its lease. */
  NOTIFICATION_WEBHOOK_POLL_MS: env.int(500, 10),
  NOTIFICATION_WEBHOOK_BATCH: env.int(20, 1),
  NOTIFICATION_WEBHOOK_LEASE_MS: env.int(60_000, 1000),
  /** Retries: the first after this long, doubling up to the cap, given up this long after the event. */
  NOTIFICATION_WEBHOOK_RETRY_BASE_MS: env.int(10_000, 10),
  NOTIFICATION_WEBHOOK_RETRY_MAX_MS: env.int(60 * 60 * 1000, 10),
  NOTIFICATION_WEBHOOK_GIVE_UP_AFTER_MS: env.int(26 * 60 * 60 * 1000, 1000),
  /** A subscription failing without one success for this long is paused. */
  NOTIFICATION_WEBHOOK_PAUSE_AFTER_MS: env.int(24 * 60 * 60 * 1000, 1000),
  /** Finished deliveries stay in the log this many days. */
  NOTIFICATION_WEBHOOK_LOG_DAYS: env.int(30, 1),
});

export type NotificationConfig = z.infer<typeof schema>;

export function loadNotificationConfig(source?: Record<string, string | undefined>): NotificationConfig {
  const config = loadConfig(schema, source);
  rejectOutboundTestSwitchesInProduction(config);
  return config;
}
