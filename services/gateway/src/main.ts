// Composition root of the gateway: the REST API, the WebSocket and the web UI; gRPC clients to
// the services behind it; Redis and NATS of its own.
import http from 'node:http';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import {
  onDirectoryChange,
  PresenceBoard,
  BlobStore,
  STREAMS,
  provisionJetStream,
  loggedSettle,
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
  createConversationClients,
  DomainError,
} from '@inbox/lib';
import { NotificationServiceService } from '@inbox/lib/gen/inbox/notification/v1/notification';
import { WebhookServiceService } from '@inbox/lib/gen/inbox/notification/v1/webhooks';
import { OidcClient } from './auth/oidc-client';
import { SsoStates } from './auth/sso-states';
import { AuditServiceService } from '@inbox/lib/gen/inbox/audit/v1/audit';
import { SearchServiceService } from '@inbox/lib/gen/inbox/search/v1/search';
import { RoutingServiceService } from '@inbox/lib/gen/inbox/routing/v1/routing';
import { TokenService } from './auth/token-service';
import { loadGatewayConfig } from './config';
import { createSessionResolver, createTokenAuthenticator } from './http/authenticate';
import { SignInThrottle } from './auth/sign-in-throttle';
import { RealtimeTickets } from './auth/realtime-tickets';
import { SessionEvents } from './auth/session-events';
import { SessionCache } from './auth/session-cache';
import { createGatewayApp } from './http/app';
import { EventFeed } from './realtime/event-feed';
import { Gauge } from 'prom-client';
import { AccountChanges } from './http/account-changes';
import { ReadCache, cacheScope } from './http/read-cache';
import { UserRefs } from './http/user-refs';
import type { AuthenticatedUser } from './http/authenticate';

import { RealtimeServer } from './realtime/realtime.server';
import { Wallboards } from './realtime/wallboards';

bootService(async () => {
  const config = loadGatewayConfig();
  const runtime = new ServiceRuntime(runtimeSettingsFrom('gateway', config));
  const { logger, lifecycle } = runtime;

  const redis = await connectRedis(config.REDIS_URL, logger);
  // Every gateway shares Redis and NATS: a blip of either degrades sign-in throttling and live
  // updates but must not take every gateway out of the Ingress at once.
  runtime.dependsOn('redis', () => pingRedis(redis), 'degraded');
  const nc = await connectNats(config.NATS_URL, 'gateway', logger, { caFile: config.NATS_TLS_CA_FILE });
  runtime.dependsOn('nats', natsReadiness(nc, runtime.liveness), 'degraded');
  const conversation = createConversationClients(config.CONVERSATION_GRPC_ADDR, {
    deadlineMs: config.GRPC_DEADLINE_MS,
  });

  const notifications = createServiceClient(NotificationServiceService, config.NOTIFICATION_GRPC_ADDR, { deadlineMs: config.GRPC_DEADLINE_MS });
  const webhooks = createServiceClient(WebhookServiceService, config.NOTIFICATION_GRPC_ADDR, { deadlineMs: config.GRPC_DEADLINE_MS });
  const routing = createServiceClient(RoutingServiceService, config.ROUTING_GRPC_ADDR, { deadlineMs: config.GRPC_DEADLINE_MS });
  const audit = {
    conversation: createServiceClient(AuditServiceService, config.CONVERSATION_GRPC_ADDR, { deadlineMs: config.GRPC_DEADLINE_MS }),
    routing: createServiceClient(AuditServiceService, config.ROUTING_GRPC_ADDR, { deadlineMs: config.GRPC_DEADLINE_MS }),
    notification: createServiceClient(AuditServiceService, config.NOTIFICATION_GRPC_ADDR, { deadlineMs: config.GRPC_DEADLINE_MS }),
  };
  const sso = {
    client: new OidcClient(createGuardedFetch(outboundPolicy(config, 1024 * 1024)), `${config.GATEWAY_PUBLIC_URL.replace(/\/$/, '')}/api/v1/auth/sso/callback`),
    states: new SsoStates(redis),
  };
  const search = createServiceClient(SearchServiceService, config.SEARCH_GRPC_ADDR, { deadlineMs: config.GRPC_DEADLINE_MS });
  const tokens = new TokenService(config.GATEWAY_JWT_SECRET, config.GATEWAY_TOKEN_TTL_SECONDS);
  const placement = { replicas: config.NATS_STREAM_REPLICAS, settle: loggedSettle(logger) };
  const blobs = await BlobStore.open(nc, placement);
  const sessionEvents = new SessionEvents(nc);
  const sessionCache = config.GATEWAY_SESSION_CACHE_MS > 0 ? new SessionCache(createSessionResolver(conversation), config.GATEWAY_SESSION_CACHE_MS) : undefined;
  if (sessionCache) {
    const forget = ({ accountId, userId }: { accountId: string; userId: string }) => sessionCache.forgetUser(accountId, userId);
    sessionEvents.onPublish(forget);
    sessionEvents.subscribe(forget);
  }
  // Sockets re-check their sessions uncached: a revocation closes them as soon as it is announced.
  const sessions = createSessionResolver(conversation);
  const authenticate = createTokenAuthenticator(tokens, sessionCache?.resolve ?? sessions);
  const auth = {
    tokens,
    throttle: new SignInThrottle(redis, {
      perEmail: config.GATEWAY_LOGIN_MAX_FAILURES_PER_EMAIL,
      perClient: config.GATEWAY_LOGIN_MAX_FAILURES_PER_CLIENT,
      windowSeconds: config.GATEWAY_LOGIN_WINDOW_SECONDS,
    }),
    tickets: new RealtimeTickets(redis),
    sessionEvents,
  };
  const userRefs = new UserRefs(async (tenant, userId) => {
    try {
      const found = (await conversation.directory.call.getUser({ tenant, userId })).user;
      return found ? { id: found.id, name: found.name, deactivated: found.deactivated || found.removed } : null;
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'not_found') return null;
      throw error;
    }
  });
  const forgetUserRef = ({ accountId, userId }: { accountId: string; userId: string }) => userRefs.forget(accountId, userId);
  sessionEvents.onPublish(forgetUserRef);
  sessionEvents.subscribe(forgetUserRef);
  const readCache = config.GATEWAY_READ_CACHE_MS > 0 ? new ReadCache(config.GATEWAY_READ_CACHE_MS, config.GATEWAY_READ_CACHE_MB * 1024 * 1024) : undefined;
  const accountChanges = new AccountChanges(nc);
  if (readCache) {
    new Gauge({
      name: 'inbox_gateway_read_cache',
      help: 'Conversation list pages and threads: answers served from memory (hits), loaded (misses), kept now (size) and their JSON bytes (bytes)',
      labelNames: ['measure'],
      registers: [runtime.metrics.registry],
      collect() {
        for (const [measure, value] of Object.entries(readCache.stats())) this.set({ measure }, value);
      },
    });
    const forgetReader = ({ accountId, userId }: { accountId: string; userId: string }) => readCache.invalidate(cacheScope.user(accountId, userId));
    sessionEvents.onPublish(forgetReader);
    sessionEvents.subscribe(forgetReader);
    accountChanges.subscribe((accountId) => readCache.invalidate(cacheScope.account(accountId)));
    // Announcements missed while disconnected cannot be told apart: forget everything.
    void (async () => {
      for await (const status of nc.status()) if (status.type === 'reconnect') readCache.invalidateAll();
    })();
    const sweeper = setInterval(() => readCache.sweep(), config.GATEWAY_READ_CACHE_MS).unref();
    lifecycle.onShutdown('read cache', () => clearInterval(sweeper));
  }
  const onWrite = readCache ? (user: AuthenticatedUser) => accountChanges.publish(user.accountId) : undefined;
  const server = http.createServer(createGatewayApp(runtime, config, { conversation, notifications, webhooks, search, routing, audit, sso, auth, authenticate, blobs, readCache, userRefs, onWrite }));
  server.headersTimeout = 30_000;
  server.requestTimeout = 60_000;
  const jsm = await jetstreamManager(nc);
  await provisionJetStream(jsm, [STREAMS.conversationEvents, STREAMS.notificationEvents, STREAMS.routingEvents], [], placement);
  const wallboards = new Wallboards(conversation.reports, routing, logger, config.GATEWAY_WALLBOARD_REFRESH_MS);
  const feed = new EventFeed(jetstream(nc), jsm, logger, runtime.liveness, config.GATEWAY_REALTIME_MAX_REPLAY);
  // Before any socket hears of a change, no cached page shows the state before it.
  if (readCache) {
    feed.observe((event) => {
      if (event.stream !== 'conversation') return;
      readCache.invalidate(event.inboxId ? cacheScope.inbox(event.accountId, event.inboxId) : cacheScope.account(event.accountId));
      if (event.conversationId) readCache.invalidate(cacheScope.conversation(event.accountId, event.conversationId));
    });
  }
  const realtime = new RealtimeServer({
    feed,
    presence: new PresenceBoard(redis, nc),
    tickets: auth.tickets,
    sessions,
    sessionEvents: auth.sessionEvents,
    directoryChanges: (listener) => onDirectoryChange(nc, listener),
    maxSocketsPerUser: config.GATEWAY_MAX_SOCKETS_PER_USER,
    conversation,
    wallboards,
    logger,
    metrics: runtime.metrics,
  });
  await realtime.start(server);
  const port = await listen(server, config.GATEWAY_PORT, config.BIND_HOST, { reusePort: config.GATEWAY_SHARE_PORT });
  const ops = await runtime.serveOps(config.GATEWAY_OPS_PORT, config.BIND_HOST);

  lifecycle.onShutdown('realtime', () => realtime.close());
  lifecycle.onShutdown('http', () => closeHttpServer(server, config.SHUTDOWN_TIMEOUT_MS / 3));
  lifecycle.onShutdown('grpc clients', () => {
    conversation.close();
    notifications.close();
    webhooks.close();
    search.close();
    routing.close();
    for (const trail of Object.values(audit)) trail.close();
  });
  lifecycle.onShutdown('nats', () => nc.drain());
  lifecycle.onShutdown('redis', () => redis.close());
  lifecycle.onShutdown('ops http', () => ops.close());

  runtime.started({ port, opsPort: ops.port, url: config.GATEWAY_PUBLIC_URL });
});
