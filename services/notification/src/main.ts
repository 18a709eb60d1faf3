// Composition root of the notification service: its own PostgreSQL database, NATS, gRPC.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import nodemailer from 'nodemailer';
import {
  CONSUMERS,
  GrpcServer,
  STREAMS,
  ServiceRuntime,
  bootService,
  connectNats,
  createPool,
  migrate,
  natsReadiness,
  pingPostgres,
  provisionJetStream,
  runConsumer,
} from '@inbox/lib';
import { NotificationServiceService } from '@inbox/lib/gen/inbox/notification/v1/notification';
import { ConversationEventHandler } from './adapters/conversation-event.handler';
import { notificationGrpcHandlers } from './adapters/notification.grpc';
import { EmailPreferencesRepository } from './adapters/email-preferences.repository';
import { NotificationsRepository } from './adapters/notifications.repository';
import { loadNotificationConfig } from './config';
import { CreateNotifications } from './use-cases/create-notifications';
import { EmailDigestSender } from './adapters/email-digest.sender';
import { MIGRATIONS_DIR } from './migrations-dir';

bootService(async () => {
  const config = loadNotificationConfig();
  const runtime = new ServiceRuntime({ service: 'notification', logLevel: config.LOG_LEVEL, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS, drainDelayMs: config.SHUTDOWN_DRAIN_DELAY_MS, otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
  const { logger, metrics, health, lifecycle } = runtime;

  const pool = createPool(config.NOTIFICATION_DATABASE_URL, logger, config.NOTIFICATION_DB_POOL_SIZE);
  runtime.metrics.observePool('main', pool);
  runtime.dependsOn('postgres', () => pingPostgres(pool));
  if (config.NOTIFICATION_MIGRATE_ON_BOOT) await migrate(pool, MIGRATIONS_DIR);
  const nc = await connectNats(config.NATS_URL, 'notification', logger, { caFile: config.NATS_TLS_CA_FILE });
  runtime.dependsOn('nats', natsReadiness(nc, runtime.liveness));
  await provisionJetStream(
    await jetstreamManager(nc),
    [STREAMS.conversationEvents, STREAMS.notificationEvents, STREAMS.deadLetter],
    [CONSUMERS.notificationFanout],
    { replicas: config.NATS_STREAM_REPLICAS },
  );
  const js = jetstream(nc);
  const notifications = new NotificationsRepository(pool);

  const grpc = new GrpcServer({ logger, metrics, health });
  grpc.addService('inbox.notification.v1.NotificationService', NotificationServiceService, notificationGrpcHandlers(notifications, new EmailPreferencesRepository(pool)));
  const grpcPort = await grpc.listen(config.NOTIFICATION_GRPC_PORT, config.BIND_HOST);
  const ops = await runtime.serveOps(config.NOTIFICATION_HTTP_PORT, config.BIND_HOST);
  const fanout = await runConsumer({
    js,
    spec: CONSUMERS.notificationFanout,
    handler: new ConversationEventHandler(new CreateNotifications(notifications, js)),
    logger,
    metrics,
    liveness: runtime.liveness,
  });

  const mailer = nodemailer.createTransport(config.NOTIFICATION_SMTP_URL);
  const digests = new EmailDigestSender(pool, mailer, logger, {
    intervalMs: config.NOTIFICATION_EMAIL_INTERVAL_MS,
    delayMs: config.NOTIFICATION_EMAIL_DELAY_MS,
    from: config.NOTIFICATION_EMAIL_FROM,
    publicUrl: config.NOTIFICATION_PUBLIC_URL,
  });
  digests.start();

  // New work stops first (the consumer hands back what it has not started), then the API drains.
  lifecycle.onShutdown('notification fanout', () => fanout.stop());
  lifecycle.onShutdown('grpc', () => grpc.shutdown(config.SHUTDOWN_TIMEOUT_MS / 3));
  lifecycle.onShutdown('email digests', async () => {
    await digests.stop();
    mailer.close();
  });
  lifecycle.onShutdown('nats', () => nc.drain());
  lifecycle.onShutdown('postgres', () => pool.end());
  lifecycle.onShutdown('ops http', () => ops.close());

  runtime.started({ grpcPort, httpPort: ops.port });
});
