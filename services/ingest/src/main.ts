// Composition root of the ingest service: the channel edge. Nothing is acknowledged to a
// channel before JetStream has stored it.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import {
  BlobStore,
  PresenceBoard,
  CONSUMERS,
  STREAMS,
  ServiceRuntime,
  runtimeSettingsFrom,
  bootService,
  closeHttpServer,
  connectNats,
  connectRedis,
  createGuardedFetch,
  createServiceClient,
  outboundPolicy,
  listen,
  natsReadiness,
  pingRedis,
  provisionJetStream,
  loggedSettle,
  runConsumer,
} from '@inbox/lib';
import { ChannelDirectoryServiceService } from '@inbox/lib/gen/inbox/channels/v1/channels';
import { CachedChannelDirectory } from './adapters/channel-directory';
import { ChatReplyHandler } from './adapters/chat-reply.handler';
import { ChatSessionStore } from './adapters/chat-session.store';
import { ChatSocketServer } from './adapters/chat-socket.server';
import { parseEmail } from './adapters/email-parser';
import { MailAuthenticator } from './adapters/mail-authenticator';
import { RateLimiter } from './adapters/rate-limiter';
import { createSmtpServer } from './adapters/smtp.server';
import { loadIngestConfig } from './config';
import { createIngestApp } from './http/app';
import { chatRoutes } from './http/chat.routes';
import { emailRoutes } from './http/email.routes';
import { callRoutes } from './http/calls.routes';
import { formRoutes } from './http/forms.routes';
import { messengerRoutes } from './http/messenger.routes';
import { CallEvents } from './use-cases/accept-call-event';
import { AcceptChatMessage, StartChatSession } from './use-cases/accept-chat-message';
import { CachedAgentPresence, RoutingRingTargets } from './adapters/agent-presence';
import { AnswerCall } from './use-cases/answer-call';
import { AgentPresenceServiceService } from '@inbox/lib/gen/inbox/routing/v1/presence';
import { AcceptEmail } from './use-cases/accept-email';
import { AcceptForm } from './use-cases/accept-form';
import { MessengerWebhook } from './use-cases/accept-messenger-webhook';

bootService(async () => {
  const config = loadIngestConfig();
  const runtime = new ServiceRuntime(runtimeSettingsFrom('ingest', config));
  const { logger, lifecycle } = runtime;

  const nc = await connectNats(config.NATS_URL, 'ingest', logger, { caFile: config.NATS_TLS_CA_FILE });
  runtime.dependsOn('nats', natsReadiness(nc, runtime.liveness));
  const placement = { replicas: config.NATS_STREAM_REPLICAS, settle: loggedSettle(logger) };
  await provisionJetStream(await jetstreamManager(nc), [STREAMS.ingest, STREAMS.chatOutbound, STREAMS.deadLetter], [CONSUMERS.chatReplyDelivery], placement);
  const redis = await connectRedis(config.REDIS_URL, logger);
  runtime.dependsOn('redis', () => pingRedis(redis));

  const blobs = await BlobStore.open(nc, placement);
  // The conversation service's edge port: the channel directory and nothing else.
  const conversation = createServiceClient(ChannelDirectoryServiceService, config.CONVERSATION_DIRECTORY_GRPC_ADDR, { deadlineMs: 5000 });
  const js = jetstream(nc);
  const channels = new CachedChannelDirectory(conversation, config.INGEST_CHANNEL_CACHE_MS);
  // Routing's edge port: only whether agents are available, for the chat widget.
  const routingPresence = config.ROUTING_PRESENCE_GRPC_ADDR
    ? createServiceClient(AgentPresenceServiceService, config.ROUTING_PRESENCE_GRPC_ADDR, { deadlineMs: 1000 })
    : undefined;
  const presence = routingPresence ? new CachedAgentPresence(routingPresence, logger, config.INGEST_PRESENCE_CACHE_MS) : undefined;
  const mailAuth = config.INGEST_MAIL_AUTH ? new MailAuthenticator(config.INGEST_MTA_NAME, logger, config.INGEST_DNS_SERVERS) : undefined;
  const acceptEmail = new AcceptEmail(channels, parseEmail, blobs, js, mailAuth, config.INGEST_INLINE_RAW_BYTES);
  const chatSessions = new ChatSessionStore(redis);
  const widgetScript = await readFile(path.resolve(__dirname, '../widget/widget.js'), 'utf8');
  const subscriber = redis.duplicate();
  subscriber.on('error', (error: Error) => logger.warn({ error: error.message }, 'redis subscriber error'));
  await subscriber.connect();

  const server = http.createServer(
    createIngestApp(runtime, {
      email: emailRoutes(acceptEmail, config.INGEST_MAX_MESSAGE_BYTES),
      forms: formRoutes(new AcceptForm(channels, js, new RateLimiter(redis, config.INGEST_FORM_RATE_LIMIT, 60_000))),
      chat: chatRoutes(new StartChatSession(channels, chatSessions, presence), new AcceptChatMessage(chatSessions, js), chatSessions, widgetScript, {
        sessions: new RateLimiter(redis, config.INGEST_CHAT_SESSION_RATE_LIMIT, 60_000),
        messages: new RateLimiter(redis, config.INGEST_CHAT_MESSAGE_RATE_LIMIT, 60_000),
      }),
      messenger: messengerRoutes(new MessengerWebhook(channels, blobs, js, logger, createGuardedFetch(outboundPolicy(config)))),
      calls: callRoutes(new AnswerCall(new CallEvents(channels, js), routingPresence && new RoutingRingTargets(routingPresence), logger), config.INGEST_PUBLIC_URL),
    }, config.INGEST_TRUSTED_PROXIES),
  );
  const chatSockets = new ChatSocketServer(chatSessions, subscriber, logger, new PresenceBoard(redis, nc), conversation);
  chatSockets.attach(server);
  const httpPort = await listen(server, config.INGEST_HTTP_PORT, config.BIND_HOST);
  const ops = await runtime.serveOps(config.INGEST_OPS_PORT, config.BIND_HOST);
  const chatReplies = await runConsumer({ js, spec: CONSUMERS.chatReplyDelivery, handler: new ChatReplyHandler(chatSessions), logger, metrics: runtime.metrics, liveness: runtime.liveness });
  const smtp = createSmtpServer(acceptEmail, logger, {
    maxMessageBytes: config.INGEST_MAX_MESSAGE_BYTES,
    hostname: config.INGEST_MTA_NAME,
    tls: config.INGEST_SMTP_TLS_CERT_FILE && config.INGEST_SMTP_TLS_KEY_FILE
      ? { cert: readFileSync(config.INGEST_SMTP_TLS_CERT_FILE), key: readFileSync(config.INGEST_SMTP_TLS_KEY_FILE) }
      : undefined,
    registry: runtime.metrics.registry,
  });
  await new Promise<void>((resolve, reject) => {
    smtp.server.once('error', reject);
    smtp.listen(config.INGEST_SMTP_PORT, config.BIND_HOST, () => resolve());
  });

  lifecycle.onShutdown('smtp', () => new Promise<void>((resolve) => smtp.close(() => resolve())));
  lifecycle.onShutdown('chat sockets', () => chatSockets.close());
  lifecycle.onShutdown('chat replies', () => chatReplies.stop());
  lifecycle.onShutdown('http', () => closeHttpServer(server, config.SHUTDOWN_TIMEOUT_MS / 3));
  lifecycle.onShutdown('grpc clients', () => {
    conversation.close();
    routingPresence?.close();
  });
  lifecycle.onShutdown('nats', () => nc.drain());
  lifecycle.onShutdown('redis', async () => {
    await subscriber.close();
    await redis.close();
  });
  lifecycle.onShutdown('ops http', () => ops.close());

  runtime.started({ httpPort, opsPort: ops.port, smtpPort: config.INGEST_SMTP_PORT });
});
