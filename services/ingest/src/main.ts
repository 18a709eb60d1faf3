// Composition root of the ingest service: the channel edge. Nothing is acknowledged to a
// channel before JetStream has stored it.
import http from 'node:http';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import {
  BlobStore,
  STREAMS,
  ServiceRuntime,
  bootService,
  closeHttpServer,
  connectNats,
  connectRedis,
  createServiceClient,
  listen,
  pingNats,
  pingRedis,
  provisionJetStream,
} from '@inbox/lib';
import { ConversationServiceService } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import { CachedChannelDirectory } from './adapters/channel-directory';
import { createSmtpServer } from './adapters/smtp.server';
import { loadIngestConfig } from './config';
import { createIngestApp } from './http/app';
import { emailRoutes } from './http/email.routes';
import { AcceptEmail } from './use-cases/accept-email';

bootService(async () => {
  const config = loadIngestConfig();
  const runtime = new ServiceRuntime({ service: 'ingest', logLevel: config.LOG_LEVEL, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  const { logger, lifecycle } = runtime;

  const nc = await connectNats(config.NATS_URL, 'ingest', logger);
  runtime.dependsOn('nats', () => pingNats(nc));
  await provisionJetStream(await jetstreamManager(nc), [STREAMS.ingest, STREAMS.deadLetter], [], {
    replicas: config.NATS_STREAM_REPLICAS,
  });
  const redis = await connectRedis(config.REDIS_URL, logger);
  runtime.dependsOn('redis', () => pingRedis(redis));

  const blobs = await BlobStore.open(nc, config.NATS_STREAM_REPLICAS);
  const conversation = createServiceClient(ConversationServiceService, config.CONVERSATION_GRPC_ADDR, { deadlineMs: 5000 });
  const acceptEmail = new AcceptEmail(new CachedChannelDirectory(conversation), blobs, jetstream(nc));

  const server = http.createServer(createIngestApp(runtime, { email: emailRoutes(acceptEmail, config.INGEST_MAX_MESSAGE_BYTES) }));
  const httpPort = await listen(server, config.INGEST_HTTP_PORT, config.BIND_HOST);
  const smtp = createSmtpServer(acceptEmail, logger, { maxMessageBytes: config.INGEST_MAX_MESSAGE_BYTES });
  await new Promise<void>((resolve, reject) => {
    smtp.server.once('error', reject);
    smtp.listen(config.INGEST_SMTP_PORT, config.BIND_HOST, () => resolve());
  });

  lifecycle.onShutdown('smtp', () => new Promise<void>((resolve) => smtp.close(() => resolve())));
  lifecycle.onShutdown('http', () => closeHttpServer(server, config.SHUTDOWN_TIMEOUT_MS / 3));
  lifecycle.onShutdown('grpc clients', () => conversation.close());
  lifecycle.onShutdown('nats', () => nc.drain());
  lifecycle.onShutdown('redis', () => redis.close());

  runtime.started({ httpPort, smtpPort: config.INGEST_SMTP_PORT });
});
