// Composition root of the notification service: its own PostgreSQL database, NATS, gRPC.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import nodemailer from 'nodemailer';
import {
  AuditTrail,
  createServiceClient,
  auditGrpcHandlers,
  CONSUMERS,
  GrpcServer,
  STREAMS,
  ServiceRuntime,
  runtimeSettingsFrom,
  bootService,
  connectNats,
  createGuardedFetch,
  createPool,
  migrate,
  natsReadiness,
  outboundPolicy,
  pingPostgres,
  provisionJetStream,
  loggedSettle,
  runConsumer,
} from '@inbox/lib';
import { DirectoryServiceService } from '@inbox/lib/gen/inbox/conversation/v1/directory';
import { DirectoryAdmins } from './adapters/directory-admins';
import { NoticeWebhookPaused } from './use-cases/notice-webhook-paused';
import { AuditServiceService } from '@inbox/lib/gen/inbox/audit/v1/audit';
import { NotificationServiceService } from '@inbox/lib/gen/inbox/notification/v1/notification';
import { WebhookServiceService } from '@inbox/lib/gen/inbox/notification/v1/webhooks';
import { ConversationEventHandler } from './adapters/conversation-event.handler';
import { notificationGrpcHandlers } from './adapters/notification.grpc';
import { EmailPreferencesRepository } from './adapters/email-preferences.repository';
import { NotificationsRepository } from './adapters/notifications.repository';
import { loadNotificationConfig } from './config';
import { CreateNotifications } from './use-cases/create-notifications';
import { EmailDigestSender } from './adapters/email-digest.sender';
import { MIGRATIONS_DIR } from './migrations-dir';
import { WebhookDispatcher } from './adapters/webhook-dispatcher';
import { WebhookDeliveries } from './adapters/webhook-deliveries';
import { webhookGrpcHandlers } from './adapters/webhooks.grpc';
import { SubscribedEventTypes } from './adapters/subscribed-event-types';
import { WebhooksRepository } from './adapters/webhooks.repository';

bootService(async () => {
  const config = loadNotificationConfig();
  const runtime = new ServiceRuntime(runtimeSettingsFrom('notification', config));
  const { logger, metrics, health, lifecycle } = runtime;

  const pool = createPool(config.NOTIFICATION_DATABASE_URL, logger, config.NOTIFICATION_DB_POOL_SIZE, { namedStatements: config.NOTIFICATION_PREPARED_STATEMENTS });
  runtime.metrics.observePool('main', pool);
  runtime.dependsOn('postgres', () => pingPostgres(pool));
  if (config.NOTIFICATION_MIGRATE_ON_BOOT) await migrate(pool, MIGRATIONS_DIR);
  const nc = await connectNats(config.NATS_URL, 'notification', logger, { caFile: config.NATS_TLS_CA_FILE });
  runtime.dependsOn('nats', natsReadiness(nc, runtime.liveness));
  await provisionJetStream(
    await jetstreamManager(nc),
    [STREAMS.conversationEvents, STREAMS.notificationEvents, STREAMS.deadLetter],
    [CONSUMERS.notificationEvents],
    { replicas: config.NATS_STREAM_REPLICAS, settle: loggedSettle(logger) },
  );
  const js = jetstream(nc);
  const notifications = new NotificationsRepository(pool);
  const webhooks = new WebhooksRepository(pool);
  const subscribedTypes = new SubscribedEventTypes((accountId) => webhooks.eventTypesOf(accountId), nc);
  const stopSubscriptionListener = subscribedTypes.listen();
  // A receiver's redirect is not followed: a POST turned into a GET could answer 200 for nothing.
  const webhookPolicy = { ...outboundPolicy(config, 1024 * 1024), maxRedirects: 0 };

  const audit = new AuditTrail();
  const grpc = new GrpcServer({ logger, metrics, health });
  grpc.addService('inbox.notification.v1.NotificationService', NotificationServiceService, notificationGrpcHandlers(notifications, new EmailPreferencesRepository(pool)));
  grpc.addService('inbox.notification.v1.WebhookService', WebhookServiceService, webhookGrpcHandlers(webhooks, webhookPolicy, audit, subscribedTypes));
  grpc.addService('inbox.audit.v1.AuditService', AuditServiceService, auditGrpcHandlers(pool, audit));
  const grpcPort = await grpc.listen(config.NOTIFICATION_GRPC_PORT, config.BIND_HOST);
  const ops = await runtime.serveOps(config.NOTIFICATION_HTTP_PORT, config.BIND_HOST);
  const conversationEvents = await runConsumer({
    js,
    spec: CONSUMERS.notificationEvents,
    handler: new ConversationEventHandler(new CreateNotifications(notifications, js), new WebhookDeliveries(webhooks, subscribedTypes)),
    logger,
    metrics,
    liveness: runtime.liveness,
  });

  const directory = createServiceClient(DirectoryServiceService, config.CONVERSATION_GRPC_ADDR, { deadlineMs: config.GRPC_DEADLINE_MS });
  const pausedNotice = new NoticeWebhookPaused(notifications, new DirectoryAdmins(directory), js);
  const dispatcher = new WebhookDispatcher(webhooks, createGuardedFetch(webhookPolicy), logger, {
    pollMs: config.NOTIFICATION_WEBHOOK_POLL_MS,
    batchSize: config.NOTIFICATION_WEBHOOK_BATCH,
    leaseMs: config.NOTIFICATION_WEBHOOK_LEASE_MS,
    retry: { baseMs: config.NOTIFICATION_WEBHOOK_RETRY_BASE_MS, maxMs: config.NOTIFICATION_WEBHOOK_RETRY_MAX_MS, giveUpAfterMs: config.NOTIFICATION_WEBHOOK_GIVE_UP_AFTER_MS },
    pauseAfterMs: config.NOTIFICATION_WEBHOOK_PAUSE_AFTER_MS,
    keepLogMs: config.NOTIFICATION_WEBHOOK_LOG_DAYS * 24 * 60 * 60 * 1000,
  }, async (webhookId) => {
    const state = await webhooks.pausedState(webhookId);
    if (state) await pausedNotice.execute(state.accountId, webhookId, state.failingSince);
  });
  dispatcher.observe(metrics.registry);
  dispatcher.start();

  const mailer = nodemailer.createTransport(config.NOTIFICATION_SMTP_URL);
  const digests = new EmailDigestSender(pool, mailer, logger, {
    intervalMs: config.NOTIFICATION_EMAIL_INTERVAL_MS,
    delayMs: config.NOTIFICATION_EMAIL_DELAY_MS,
    from: config.NOTIFICATION_EMAIL_FROM,
    publicUrl: config.NOTIFICATION_PUBLIC_URL,
  });
  digests.start();

  // New work stops first (the consumer hands back what it has not started), then the API drains.
  lifecycle.onShutdown('conversation events', () => conversationEvents.stop());
  lifecycle.onShutdown('webhook dispatcher', () => dispatcher.stop());
  lifecycle.onShutdown('grpc', () => grpc.shutdown(config.SHUTDOWN_TIMEOUT_MS / 3));
  lifecycle.onShutdown('directory client', () => directory.close());
  lifecycle.onShutdown('subscription changes', () => stopSubscriptionListener());
  lifecycle.onShutdown('email digests', async () => {
    await digests.stop();
    mailer.close();
  });
  lifecycle.onShutdown('nats', () => nc.drain());
  lifecycle.onShutdown('postgres', () => pool.end());
  lifecycle.onShutdown('ops http', () => ops.close());

  runtime.started({ grpcPort, httpPort: ops.port });
});
