// Composition root of the notification service: its own PostgreSQL database, NATS, gRPC.
import { GrpcServer, ServiceRuntime, bootService, connectNats, createPool, migrate, pingNats, pingPostgres } from '@inbox/lib';
import { NotificationServiceService } from '@inbox/lib/gen/inbox/notification/v1/notification';
import { loadNotificationConfig } from './config';
import { MIGRATIONS_DIR } from './migrations-dir';

bootService(async () => {
  const config = loadNotificationConfig();
  const runtime = new ServiceRuntime({ service: 'notification', logLevel: config.LOG_LEVEL, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  const { logger, metrics, health, lifecycle } = runtime;

  const pool = createPool(config.NOTIFICATION_DATABASE_URL, logger, config.NOTIFICATION_DB_POOL_SIZE);
  runtime.dependsOn('postgres', () => pingPostgres(pool));
  if (config.NOTIFICATION_MIGRATE_ON_BOOT) await migrate(pool, MIGRATIONS_DIR);
  const nc = await connectNats(config.NATS_URL, 'notification', logger);
  runtime.dependsOn('nats', () => pingNats(nc));

  const grpc = new GrpcServer({ logger, metrics, health });
  // Listing and marking notifications arrive with the notification issue; until then every RPC answers UNIMPLEMENTED.
  grpc.addService('inbox.notification.v1.NotificationService', NotificationServiceService, {});
  const grpcPort = await grpc.listen(config.NOTIFICATION_GRPC_PORT, config.BIND_HOST);
  const ops = await runtime.serveOps(config.NOTIFICATION_HTTP_PORT, config.BIND_HOST);

  lifecycle.onShutdown('grpc', () => grpc.shutdown(config.SHUTDOWN_TIMEOUT_MS / 3));
  lifecycle.onShutdown('nats', () => nc.drain());
  lifecycle.onShutdown('postgres', () => pool.end());
  lifecycle.onShutdown('ops http', () => ops.close());

  runtime.started({ grpcPort, httpPort: ops.port });
});
