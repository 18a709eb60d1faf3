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
});

export type NotificationConfig = z.infer<typeof schema>;

export function loadNotificationConfig(source?: Record<string, string | undefined>): NotificationConfig {
  return loadConfig(schema, source);
}
