// Composition root of the routing service: its own PostgreSQL database (rules, waiting
// conversations, decisions, availability), Redis for the live availability, a JetStream consumer
// of conversation events, the working-hours clock, and the gRPC API.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import {
  AuditTrail,
  auditGrpcHandlers,
  CONSUMERS,
  GrpcServer,
  STREAMS,
  ServiceRuntime,
  runtimeSettingsFrom,
  bootService,
  connectNats,
  connectRedis,
  createPool,
  migrate,
  natsReadiness,
  pingPostgres,
  pingRedis,
  provisionJetStream,
  loggedSettle,
  runConsumer,
  createConversationClients,
} from '@inbox/lib';
import { RoutingSettings } from './use-cases/routing-settings';
import { AuditServiceService } from '@inbox/lib/gen/inbox/audit/v1/audit';
import { RoutingServiceService } from '@inbox/lib/gen/inbox/routing/v1/routing';
import { AvailabilityStore } from './adapters/availability.store';
import { ConversationInboxDirectory, agentPresenceGrpcHandlers } from './adapters/agent-presence.grpc';
import { AgentPresence } from './use-cases/agent-presence';
import { AgentPresenceServiceService } from '@inbox/lib/gen/inbox/routing/v1/presence';
import { ConversationEventHandler } from './adapters/conversation-event.handler';
import { routingGrpcHandlers } from './adapters/routing.grpc';
import { RoutingRepository } from './adapters/routing.repository';
import { CachedDirectory } from './adapters/cached-directory';
import { CachedRules } from './adapters/cached-rules';
import { loadRoutingConfig } from './config';
import { MIGRATIONS_DIR } from './migrations-dir';
import { ChangeAvailability, WorkingHoursClock } from './use-cases/availability';
import { WorkingHoursRepository } from './adapters/working-hours.store';
import { RouteConversations } from './use-cases/route-conversations';

bootService(async () => {
  const config = loadRoutingConfig();
  const runtime = new ServiceRuntime(runtimeSettingsFrom('routing', config));
  const { logger, metrics, health, lifecycle } = runtime;

  const pool = createPool(config.ROUTING_DATABASE_URL, logger, config.ROUTING_DB_POOL_SIZE);
  runtime.metrics.observePool('main', pool);
  runtime.dependsOn('postgres', () => pingPostgres(pool));
  if (config.ROUTING_MIGRATE_ON_BOOT) await migrate(pool, MIGRATIONS_DIR);
  const redis = await connectRedis(config.REDIS_URL, logger);
  runtime.dependsOn('redis', () => pingRedis(redis));
  const nc = await connectNats(config.NATS_URL, 'routing', logger, { caFile: config.NATS_TLS_CA_FILE });
  runtime.dependsOn('nats', natsReadiness(nc, runtime.liveness));
  await provisionJetStream(await jetstreamManager(nc), [STREAMS.conversationEvents, STREAMS.routingEvents, STREAMS.deadLetter], [CONSUMERS.routingAssigner], {
    replicas: config.NATS_STREAM_REPLICAS,
    settle: loggedSettle(logger),
  });
  const js = jetstream(nc);
  const conversation = createConversationClients(config.CONVERSATION_GRPC_ADDR, { deadlineMs: config.GRPC_DEADLINE_MS });

  const repository = new RoutingRepository(pool);
  const store = new AvailabilityStore(pool, redis);
  const rules = new CachedRules(repository);
  const stopListening = rules.listen(nc);
  // Every decision reads the account's directory; the copy is dropped when the directory announces a change.
  const directory = new CachedDirectory(conversation.directory, config.ROUTING_DIRECTORY_CACHE_MS);
  const stopDirectoryListener = directory.listen(nc);
  const routing = new RouteConversations(repository, store, conversation, directory, logger, rules);
  const changeAvailability = new ChangeAvailability(store, routing, js, logger);
  const workingHours = new WorkingHoursRepository(pool);
  const clock = new WorkingHoursClock(workingHours, changeAvailability, logger);

  const audit = new AuditTrail();
  const grpc = new GrpcServer({ logger, metrics, health });
  grpc.addService('inbox.routing.v1.RoutingService', RoutingServiceService, routingGrpcHandlers({
      store,
      changeAvailability,
      workingHours,
      repository,
      directory,
      settings: new RoutingSettings(pool, repository, workingHours, audit),
      onRulesChanged: (accountId) => {
        rules.invalidate(accountId);
        CachedRules.announce(nc, accountId);
      },
    }));
  grpc.addService('inbox.audit.v1.AuditService', AuditServiceService, auditGrpcHandlers(pool, audit));
  // The edge port serves ingest exactly what the chat widget needs and nothing else.
  const edgeGrpc = new GrpcServer({ logger, metrics, health });
  edgeGrpc.addService(
    'inbox.routing.v1.AgentPresenceService',
    AgentPresenceServiceService,
    agentPresenceGrpcHandlers(
      new AgentPresence(
        new ConversationInboxDirectory(directory),
        store,
        { lastAssigned: (accountId, inboxId) => repository.lastAssigned(pool, accountId, inboxId) },
        {
          mode: async (accountId, inboxId) => (await rules.rule(accountId, inboxId)).mode,
          callerOwner: async (accountId, phoneNumber) => (await conversation.records.call.findCallerOwner({ accountId, phoneNumber })).ownerId || null,
        },
      ),
    ),
  );
  const grpcPort = await grpc.listen(config.ROUTING_GRPC_PORT, config.BIND_HOST);
  const edgeGrpcPort = await edgeGrpc.listen(config.ROUTING_EDGE_GRPC_PORT, config.BIND_HOST);
  const ops = await runtime.serveOps(config.ROUTING_HTTP_PORT, config.BIND_HOST);
  const assigner = await runConsumer({ js, spec: CONSUMERS.routingAssigner, handler: new ConversationEventHandler(routing), batchSize: config.ROUTING_BATCH_SIZE, logger, metrics, liveness: runtime.liveness });
  clock.start(config.ROUTING_WORKING_HOURS_CHECK_MS);

  // New work stops first (the consumer hands back what it has not started), then the API drains.
  lifecycle.onShutdown('assigner', () => assigner.stop());
  lifecycle.onShutdown('grpc', () => Promise.all([grpc.shutdown(config.SHUTDOWN_TIMEOUT_MS / 3), edgeGrpc.shutdown(config.SHUTDOWN_TIMEOUT_MS / 3)]));
  lifecycle.onShutdown('working hours', () => clock.stop());
  lifecycle.onShutdown('conversation client', () => conversation.close());
  lifecycle.onShutdown('rule changes', () => stopListening());
  lifecycle.onShutdown('directory changes', () => stopDirectoryListener());
  lifecycle.onShutdown('nats', () => nc.drain());
  lifecycle.onShutdown('redis', () => redis.close());
  lifecycle.onShutdown('postgres', () => pool.end());
  lifecycle.onShutdown('ops http', () => ops.close());

  runtime.started({ grpcPort, edgeGrpcPort, httpPort: ops.port });
});
