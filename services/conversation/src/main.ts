// Composition root of the conversation service: PostgreSQL (its own database), the inbound
// message consumer, and the gRPC API.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import {
  AuditTrail,
  auditGrpcHandlers,
  announceDirectoryChange,
  BlobStore,
  CONSUMERS,
  GrpcServer,
  STREAMS,
  ServiceRuntime,
  runtimeSettingsFrom,
  bootService,
  connectNats,
  createGuardedFetch,
  createPool,
  createReadReplicaPool,
  outboundPolicy,
  migrate,
  natsReadiness,
  pingPostgres,
  provisionJetStream,
  loggedSettle,
  runConsumer,
  CONVERSATION_MODULE_SERVICES,
  type ConversationModule,
} from '@inbox/lib';
import { AuditServiceService } from '@inbox/lib/gen/inbox/audit/v1/audit';
import { ConversationServiceService } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import { Argon2PasswordHasher, DirectoryRepository, guardInboxAccess, InboxAccess, PostgresTeams, SmtpVerificationMailer, SsoRepository } from './modules/directory/adapters';
import { ConversationAssignments, ConversationQueries, CustomViewsRepository, PostgresConversationWork, SearchDocuments, ViewCountsRepository } from './modules/conversations/adapters';
import { PostgresUnitOfWork } from './adapters/conversation-rows';
import { AddComment, ApplyConversationAction, AutoAssign, ConversationDeletion, DeleteConversation, ManageCustomViews, PurgeTrash, SetMessageHidden, UnblockSender, UpdateConversation, type CloseHook } from './modules/conversations';
import { deprecatedConversationHandlers, moduleGrpcHandlers, type ModuleHandlers } from './adapters/conversation.grpc';
import { announcingDirectoryChanges } from './adapters/directory-announcements';
import { ServiceLevels } from './modules/sla';
import { LegalHolds, PersonalData, Retention } from './modules/governance';
import { PostgresGovernance, PostgresPersonalData } from './modules/governance/adapters';
import { BreachWatch, CachedPolicyPresence, PostgresServiceLevels, ServiceLevelHandler } from './modules/sla/adapters';
import { InboundMessageHandler, InboundReceipts, PgInboundBatchStore, PgInboundMessageStore } from './modules/inbound/adapters';
import { StoreInboundBatch, StoreInboundMessage } from './modules/inbound';
import { OutboxRelay } from './adapters/outbox';
import { ChatflowsRepository, OpenAiCompatibleModel, SnippetsRepository } from './modules/assist/adapters';
import { MessengerSender, OutboundDeliveryWorker, PostgresOutbound, SmtpSender, TelephonySender, sendOnChat } from './modules/outbound/adapters';
import { loadConversationConfig } from './config';
import { MIGRATIONS_DIR } from './migrations-dir';
import {
  AddInboxMember,
  AuthenticateUser,
  CreateAccount,
  CreateChannel,
  CreateInbox,
  CreateUser,
  DeleteChannel,
  DeleteInbox,
  ManageTeams,
  RemoveInboxMember,
  RemoveUser,
  Sessions,
  SingleSignOn,
  UpdateChannel,
  UpdateInbox,
  UpdateUser,
  VerifyChannel,
  AccountSettings,
  requireActor,
} from './modules/directory';
import { Reports, SupervisorWallboard } from './modules/reports';
import { PostgresReportFacts, PostgresWallboard, ReportDayCache, ReportDayCounts } from './modules/reports/adapters';
import { ChatTranscripts, ComposeEmail, ForwardConversation, OutboundMail, PlaceCall, RegisterUpload, ReplyToConversation, SendTranscript } from './modules/outbound';
import { AssistWithConversation, ManageChatflows, ManageSnippets } from './modules/assist';
import { CreateDeal, CreateTicket, DetachContact, FindContacts, ManageContactProperties, MergeContacts, SurveySettings, Surveys, surveyOnClose, UpdateContact, UpdateDeal, UpdateTicket } from './modules/records';
import { PostgresContactRecords, PostgresEmailContacts, PostgresRecords } from './modules/records/adapters';
import { channelDirectoryGrpcHandlers } from './adapters/channel-directory.grpc';
import { ChannelDirectoryServiceService } from '@inbox/lib/gen/inbox/channels/v1/channels';

bootService(async () => {
  const config = loadConversationConfig();
  const runtime = new ServiceRuntime(runtimeSettingsFrom('conversation', config));
  const { logger, metrics, health, lifecycle } = runtime;

  // Statements the code names are sent unnamed when prepared statements are off (an old PgBouncer).
  const named = { namedStatements: config.CONVERSATION_PREPARED_STATEMENTS };
  const pool = createPool(config.CONVERSATION_DATABASE_URL, logger, config.CONVERSATION_DB_POOL_SIZE, named);
  runtime.metrics.observePool('main', pool);
  const reportsSettings = {
    ...named,
    statementTimeoutMs: config.CONVERSATION_REPORTS_TIMEOUT_MS,
    // A year's kept rows are grouped in memory, not sorted on disk.
    workMemMb: 64,
  };
  const reportsPrimary = createPool(config.CONVERSATION_DATABASE_URL, logger, config.CONVERSATION_REPORTS_POOL_SIZE, reportsSettings);
  const replicaUrl = config.CONVERSATION_READ_DATABASE_URL;
  const reportsPool = replicaUrl ? createReadReplicaPool(replicaUrl, reportsPrimary, logger, config.CONVERSATION_REPORTS_POOL_SIZE, reportsSettings) : reportsPrimary;
  const replica = replicaUrl ? createReadReplicaPool(replicaUrl, pool, logger, config.CONVERSATION_DB_POOL_SIZE, named) : undefined;
  const readPool = replica ?? pool;
  if (replica) {
    runtime.metrics.observePool('replica', replica);
    runtime.dependsOn('postgres-replica', () => replica.pingReplica(), 'degraded');
  }
  runtime.metrics.observePool('reports', reportsPool);
  const reportDayCounts = new ReportDayCounts(pool);
  runtime.dependsOn('postgres', () => pingPostgres(pool));
  if (config.CONVERSATION_MIGRATE_ON_BOOT) {
    const result = await migrate(pool, MIGRATIONS_DIR);
    logger.info({ applied: result.applied }, 'migrations done');
  }

  const nc = await connectNats(config.NATS_URL, 'conversation', logger, { caFile: config.NATS_TLS_CA_FILE });
  runtime.dependsOn('nats', natsReadiness(nc, runtime.liveness));
  const placement = { replicas: config.NATS_STREAM_REPLICAS, settle: loggedSettle(logger) };
  await provisionJetStream(
    await jetstreamManager(nc),
    [STREAMS.ingest, STREAMS.conversationEvents, STREAMS.chatOutbound, STREAMS.deadLetter],
    [CONSUMERS.conversationInbound, CONSUMERS.conversationServiceLevels],
    placement,
  );
  const js = jetstream(nc);

  const receipts = new InboundReceipts(pool);
  const relay = new OutboxRelay(pool, js, logger);
  const blobs = await BlobStore.open(nc, placement);
  const delivery = new OutboundDeliveryWorker(
    pool,
    {
      email: new SmtpSender(config.CONVERSATION_SMTP_URL, blobs),
      messenger: new MessengerSender(config.MESSENGER_GRAPH_URL),
      call: new TelephonySender(config.TELEPHONY_API_URL, config.CALLS_CALLBACK_BASE_URL),
    },
    logger,
    () => relay.poke(),
    { maxAttempts: config.CONVERSATION_DELIVERY_MAX_ATTEMPTS, backoffMs: config.CONVERSATION_DELIVERY_BACKOFF_MS },
  );
  delivery.observe(metrics.registry);
  const committed = () => relay.poke();
  const committedWithMail = () => {
    relay.poke();
    delivery.poke();
  };
  const audit = new AuditTrail();
  const work = new PostgresUnitOfWork(pool);
  const conversationWork = new PostgresConversationWork(pool);
  const governance = new PostgresGovernance(pool);
  const deletion = new ConversationDeletion(work, conversationWork, governance, audit, blobs, logger, committed);
  const purgeTrash = new PurgeTrash(work, conversationWork, deletion, logger);
  const directory = new DirectoryRepository(pool);
  const singleSignOn = new SingleSignOn(directory, new SsoRepository(pool), audit);
  const chatflows = new ChatflowsRepository(pool);
  const passwords = new Argon2PasswordHasher(config.CONVERSATION_PASSWORD_HASHES_AT_ONCE);
  const offboarding = new ConversationAssignments();
  const queries = new ConversationQueries(pool, readPool);
  const assistModel = config.CONVERSATION_ASSIST_URL
    ? new OpenAiCompatibleModel(
        config.CONVERSATION_ASSIST_URL,
        config.CONVERSATION_ASSIST_API_KEY,
        config.CONVERSATION_ASSIST_MODEL,
        // The operator chose this endpoint (it may be an internal host); its redirects are still checked.
        createGuardedFetch({
          ...outboundPolicy({ ...config, OUTBOUND_TIMEOUT_MS: config.CONVERSATION_ASSIST_TIMEOUT_MS }, 4 * 1024 * 1024),
          allowHttp: config.OUTBOUND_ALLOW_HTTP || config.CONVERSATION_ASSIST_URL.startsWith('http:'),
          allowedTargets: [...config.OUTBOUND_ALLOWED_TARGETS, new URL(config.CONVERSATION_ASSIST_URL).host],
        }),
      )
    : null;
  const channelDirectory = channelDirectoryGrpcHandlers(directory, queries);
  const verificationMailer = new SmtpVerificationMailer(config.CONVERSATION_SMTP_URL, config.CONVERSATION_MAIL_DOMAIN);
  const contactRecords = new PostgresContactRecords(pool);
  const records = new PostgresRecords(pool);
  const outbound = new PostgresOutbound(pool);
  const mail = new OutboundMail(work, outbound);
  const transcripts = new ChatTranscripts(mail, outbound);
  const surveyHook = surveyOnClose(config.CONVERSATION_PUBLIC_URL, mail, records);
  const closeHook: CloseHook = async (tx, conversation, closedBy) => {
    await transcripts.onClose(tx, conversation, closedBy);
    await surveyHook(tx, conversation, closedBy);
  };
  const emailContacts = new PostgresEmailContacts();
  const teams = new PostgresTeams(pool);
  const policyPresence = new CachedPolicyPresence(pool, nc);
  const stopPolicyListener = policyPresence.listen();
  const serviceLevels = new ServiceLevels(directory, new PostgresServiceLevels(pool, committed), policyPresence, audit);
  const retention = new Retention(directory, work, governance, deletion, audit, logger);
  const grpc = new GrpcServer({ logger, metrics, health });
  const access = new InboxAccess(pool);
  const modules = moduleGrpcHandlers({
      receipts,
      directory,
      queries,
      searchDocuments: new SearchDocuments(pool),
      createAccount: new CreateAccount(pool, directory, passwords, audit),
      authenticateUser: new AuthenticateUser(directory, passwords, audit, singleSignOn),
      createUser: new CreateUser(pool, directory, passwords, audit),
      updateUser: new UpdateUser(pool, directory, offboarding, audit),
      removeUser: new RemoveUser(pool, directory, offboarding, audit),
      createInbox: new CreateInbox(directory, audit),
      addInboxMember: new AddInboxMember(directory, audit),
      updateInbox: new UpdateInbox(directory, audit),
      teams: new ManageTeams(directory, teams, committed, audit),
      deleteInbox: new DeleteInbox(directory, offboarding, committed, audit),
      removeInboxMember: new RemoveInboxMember(directory, offboarding, committed, audit),
      updateChannel: new UpdateChannel(directory, config.CONVERSATION_MAIL_DOMAIN, audit),
      deleteChannel: new DeleteChannel(directory, audit),
      createChannel: new CreateChannel(directory, config.CONVERSATION_MAIL_DOMAIN, verificationMailer, logger, audit),
      verifyChannel: new VerifyChannel(directory, audit),
      sessions: new Sessions(pool, directory, passwords, audit),
      updateConversation: new UpdateConversation(work, conversationWork, directory, committed, closeHook),
      autoAssign: new AutoAssign(work, conversationWork, directory, committed),
      applyConversationAction: new ApplyConversationAction(work, conversationWork, directory, committed, closeHook),
      unblockSender: new UnblockSender(work, conversationWork, directory, committed),
      deleteConversation: new DeleteConversation(work, directory, deletion),
      setMessageHidden: new SetMessageHidden(work, conversationWork, directory, committed, audit),
      addComment: new AddComment(work, conversationWork, directory, teams, committed),
      reply: new ReplyToConversation(work, mail, outbound, sendOnChat, directory, committedWithMail),
      composeEmail: new ComposeEmail(work, mail, outbound, directory, emailContacts, committedWithMail),
      placeCall: new PlaceCall(work, mail, outbound, directory, committedWithMail),
      registerUpload: new RegisterUpload(directory, outbound),
      chatflows: new ManageChatflows(directory, chatflows),
      snippets: new ManageSnippets(directory, new SnippetsRepository(pool)),
      customViews: new ManageCustomViews(directory, new CustomViewsRepository(pool)),
      createDeal: new CreateDeal(records, directory),
      updateDeal: new UpdateDeal(records, directory),
      surveySettings: new SurveySettings(directory, records),
      accountSettings: new AccountSettings(
        directory,
        (actor, role) => requireActor(directory, actor, role),
        (accountId) => reportDayCounts.rebuild(accountId),
        audit,
      ),
      reports: new Reports(directory, new PostgresReportFacts(reportsPool, new ReportDayCache(config.CONVERSATION_REPORTS_CACHE_MB * 1024 * 1024)), (actor, detail) =>
        audit.record(pool, { accountId: actor.accountId, actorUserId: actor.userId, action: 'report.exported', targetType: 'report', targetId: actor.accountId, detail }),
      ),
      retention,
      singleSignOn,
      legalHolds: new LegalHolds(directory, work, governance, audit),
      personalData: new PersonalData(directory, work, new PostgresPersonalData(pool), governance, deletion, audit),
      wallboard: new SupervisorWallboard(directory, new PostgresWallboard(pool)),
      serviceLevels,
      updateContact: new UpdateContact(pool, directory, contactRecords, committed),
      mergeContacts: new MergeContacts(pool, directory, contactRecords, committed),
      findContacts: new FindContacts(directory, contactRecords),
      contactProperties: new ManageContactProperties(pool, directory, contactRecords, audit),
      detachContact: new DetachContact(work, directory, committed),
      surveys: new Surveys(work, mail, records, directory, committedWithMail),
      assist: new AssistWithConversation(directory, queries, assistModel, logger),
      sendTranscript: new SendTranscript(work, transcripts, outbound, directory, committedWithMail),
      forwardConversation: new ForwardConversation(work, mail, outbound, directory, committedWithMail),
      createTicket: new CreateTicket(work, records, directory),
      updateTicket: new UpdateTicket(records, directory),
  });
  const guarded = Object.fromEntries(
    Object.entries({ ...modules, directory: announcingDirectoryChanges(modules.directory, (change) => announceDirectoryChange(nc, change)) }).map(
      ([module, handlers]) => [module, guardInboxAccess(handlers, access)],
    ),
  ) as ModuleHandlers;
  for (const module of Object.keys(CONVERSATION_MODULE_SERVICES) as ConversationModule[]) {
    const service = CONVERSATION_MODULE_SERVICES[module];
    grpc.addService(service.name, service.definition, guarded[module] as never);
  }
  grpc.addService('inbox.audit.v1.AuditService', AuditServiceService, auditGrpcHandlers(pool, audit));
  grpc.addService('inbox.conversation.v1.ConversationService', ConversationServiceService, deprecatedConversationHandlers(guarded, channelDirectory));
  // The edge port serves ingest exactly what it needs and nothing else.
  const edgeGrpc = new GrpcServer({ logger, metrics, health });
  edgeGrpc.addService('inbox.channels.v1.ChannelDirectoryService', ChannelDirectoryServiceService, channelDirectory);
  const grpcPort = await grpc.listen(config.CONVERSATION_GRPC_PORT, config.BIND_HOST);
  const edgeGrpcPort = await edgeGrpc.listen(config.CONVERSATION_EDGE_GRPC_PORT, config.BIND_HOST);
  const ops = await runtime.serveOps(config.CONVERSATION_HTTP_PORT, config.BIND_HOST);

  const storeInbound = new StoreInboundMessage(work, new PgInboundMessageStore(), emailContacts, sendOnChat, () => relay.poke(), chatflows);
  const batching = config.CONVERSATION_INBOUND_BATCH_SIZE > 1;
  const storeInboundBatch = batching
    ? new StoreInboundBatch(
        new PgInboundBatchStore(pool, (client, event, channel) => storeInbound.storeRecorded(client, event, channel)),
        () => relay.poke(),
      )
    : undefined;
  const inbound = await runConsumer({
    js,
    spec: CONSUMERS.conversationInbound,
    handler: new InboundMessageHandler(storeInbound, blobs, storeInboundBatch),
    logger,
    metrics,
    liveness: runtime.liveness,
    concurrency: batching ? config.CONVERSATION_INBOUND_PARALLEL_BATCHES : config.CONVERSATION_INBOUND_CONCURRENCY,
    batchSize: config.CONVERSATION_INBOUND_BATCH_SIZE,
    batchLingerMs: config.CONVERSATION_INBOUND_BATCH_LINGER_MS,
  });

  const slaKeeper = await runConsumer({ js, spec: CONSUMERS.conversationServiceLevels, handler: new ServiceLevelHandler(serviceLevels), logger, metrics, liveness: runtime.liveness });
  const breachWatch = new BreachWatch(serviceLevels, config.CONVERSATION_SLA_BREACH_CHECK_MS, (error) => logger.warn({ err: error }, 'service-level breach check failed'));

  relay.start();
  delivery.start();
  breachWatch.start();
  const viewCounts = new ViewCountsRepository(pool);
  const compactTimer = setInterval(() => {
    viewCounts.compact().catch((error: Error) => logger.warn({ error: error.message }, 'view count compaction failed'));
  }, config.CONVERSATION_VIEW_COUNT_COMPACT_MS);
  const reportCompactTimer = setInterval(() => {
    reportDayCounts.compact().catch((error: Error) => logger.warn({ error: error.message }, 'report count compaction failed'));
  }, config.CONVERSATION_REPORT_COUNT_COMPACT_MS);
  const purgeTimer = setInterval(() => {
    purgeTrash.execute(new Date()).catch((error: Error) => logger.warn({ error: error.message }, 'trash purge failed'));
    retention.run(new Date()).catch((error: Error) => logger.warn({ error: error.message }, 'retention run failed'));
  }, config.CONVERSATION_PURGE_INTERVAL_MS);

  // New work stops first: the consumer hands back what it has not started, then the API drains.
  lifecycle.onShutdown('inbound consumer', () => inbound.stop());
  lifecycle.onShutdown('service-level consumer', () => slaKeeper.stop());
  lifecycle.onShutdown('breach watch', () => breachWatch.stop());
  lifecycle.onShutdown('policy changes', () => stopPolicyListener());
  lifecycle.onShutdown('grpc', () => Promise.all([grpc.shutdown(config.SHUTDOWN_TIMEOUT_MS / 3), edgeGrpc.shutdown(config.SHUTDOWN_TIMEOUT_MS / 3)]));
  lifecycle.onShutdown('outbox relay', () => relay.stop());
  lifecycle.onShutdown('outbound delivery', () => delivery.stop());
  lifecycle.onShutdown('trash purge and retention', () => clearInterval(purgeTimer));
  lifecycle.onShutdown('view count compaction', () => clearInterval(compactTimer));
  lifecycle.onShutdown('report count compaction', () => clearInterval(reportCompactTimer));
  lifecycle.onShutdown('nats', () => nc.drain());
  lifecycle.onShutdown('verification mail', () => verificationMailer.close());
  lifecycle.onShutdown('postgres', () => Promise.all([...new Set([pool, reportsPrimary, reportsPool, readPool])].map((p) => p.end())).then(() => undefined));
  lifecycle.onShutdown('ops http', () => ops.close());

  runtime.started({ grpcPort, edgeGrpcPort, httpPort: ops.port });
});
