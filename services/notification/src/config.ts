import { commonConfigShape, env, loadConfig, z } from '@inbox/lib';

const schema = z.object({
  ...commonConfigShape,
  BIND_HOST: env.string('127.0.0.1'),
  NOTIFICATION_GRPC_PORT: env.port(50054),
  NOTIFICATION_HTTP_PORT: env.port(9104),
  NOTIFICATION_DATABASE_URL: env.url('postgres://postgres@127.0.0.1:5432/inbox_notification'),
  NOTIFICATION_DB_POOL_SIZE: env.int(10, 1),
  NOTIFICATION_MIGRATE_ON_BOOT: env.bool(true),
  NATS_STREAM_REPLICAS: env.int(1, 1),
  /** Email digests of unread notifications, for users who turned them on. */
  NOTIFICATION_SMTP_URL: env.url('smtp://127.0.0.1:1025'),
  NOTIFICATION_EMAIL_FROM: env.string('Inbox <notifications@inbox.localhost>'),
  NOTIFICATION_EMAIL_INTERVAL_MS: env.int(10 * 60 * 1000, 100),
  NOTIFICATION_EMAIL_DELAY_MS: env.int(60 * 1000, 0),
  NOTIFICATION_PUBLIC_URL: env.url('http://127.0.0.1:8080'),
});

export type NotificationConfig = z.infer<typeof schema>;

export function loadNotificationConfig(source?: Record<string, string | undefined>): NotificationConfig {
  return loadConfig(schema, source);
}
