// Composition root of the search service: the conversation index on OpenSearch, kept in step by
// a JetStream consumer of conversation events, queried over gRPC.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Histogram } from 'prom-client';
import {
  CONSUMERS,
  GrpcServer,
  STREAMS,
  ServiceRuntime,
  runtimeSettingsFrom,
  bootService,
  connectNats,
  createOpenSearch,
  errorMessage,
  natsReadiness,
  pingOpenSearch,
  provisionJetStream,
  loggedSettle,
  runConsumer,
  createConversationClients,
} from '@inbox/lib';
import { SearchServiceService } from '@inbox/lib/gen/inbox/search/v1/search';
import { ConversationDocuments } from './adapters/conversation-documents.client';
import { ConversationEventHandler } from './adapters/conversation-event.handler';
import { ConversationIndex } from './adapters/conversation-index';
import { IndexLayout } from './adapters/index-layout';
import { searchGrpcHandlers } from './adapters/search.grpc';
import { loadSearchConfig } from './config';
import { ConversationIndexer } from './use-cases/index-conversations';

bootService(async () => {
  const config = loadSearchConfig();
  const runtime = new ServiceRuntime(runtimeSettingsFrom('search', config));
  const { logger, metrics, health, lifecycle } = runtime;

  const opensearch = createOpenSearch(config.OPENSEARCH_URL, { caFile: config.OPENSEARCH_CA_FILE });
  runtime.dependsOn('opensearch', () => pingOpenSearch(opensearch));
  const nc = await connectNats(config.NATS_URL, 'search', logger, { caFile: config.NATS_TLS_CA_FILE });
  runtime.dependsOn('nats', natsReadiness(nc, runtime.liveness));
  await provisionJetStream(await jetstreamManager(nc), [STREAMS.conversationEvents, STREAMS.deadLetter], [CONSUMERS.searchIndexer], {
    replicas: config.NATS_STREAM_REPLICAS,
    settle: loggedSettle(logger),
  });
  const conversation = createConversationClients(config.CONVERSATION_GRPC_ADDR, { deadlineMs: config.GRPC_DEADLINE_MS });

  const layout = new IndexLayout(opensearch, {
    prefix: config.SEARCH_INDEX_PREFIX,
    shards: config.SEARCH_INDEX_SHARDS,
    replicas: config.SEARCH_INDEX_REPLICAS,
    refreshInterval: config.SEARCH_REFRESH_INTERVAL,
  });
  // OpenSearch may be down at boot: the service still starts (not ready), and the indexer
  // creates the layout when it first writes.
  await layout.ensure().catch((error: unknown) => logger.warn({ error: errorMessage(error) }, 'index layout not ensured yet, will retry on first write'));
  const index = new ConversationIndex(opensearch, layout);

  const lag = new Histogram({
    name: 'search_index_lag_seconds',
    help: 'From a conversation change to its document being written to the index',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers: [metrics.registry],
  });
  const indexer = new ConversationIndexer(new ConversationDocuments(conversation.conversations), index, logger, {
    batchSize: config.SEARCH_BATCH_SIZE,
    lingerMs: config.SEARCH_BATCH_LINGER_MS,
  });
  const handler = new ConversationEventHandler(indexer, (event) => {
    if (event.occurredAt) lag.observe((Date.now() - event.occurredAt.getTime()) / 1000);
  });

  const grpc = new GrpcServer({ logger, metrics, health });
  grpc.addService('inbox.search.v1.SearchService', SearchServiceService, searchGrpcHandlers(index));
  const grpcPort = await grpc.listen(config.SEARCH_GRPC_PORT, config.BIND_HOST);
  const ops = await runtime.serveOps(config.SEARCH_HTTP_PORT, config.BIND_HOST);
  const consumer = await runConsumer({
    js: jetstream(nc),
    spec: CONSUMERS.searchIndexer,
    handler,
    logger,
    metrics,
    liveness: runtime.liveness,
    concurrency: config.SEARCH_INDEXER_CONCURRENCY,
  });

  // New work stops first (the indexer finishes or hands back its batch), then the API drains.
  lifecycle.onShutdown('indexer', async () => {
    const stopped = consumer.stop();
    await indexer.close(config.SHUTDOWN_TIMEOUT_MS / 4);
    await stopped;
  });
  lifecycle.onShutdown('grpc', () => grpc.shutdown(config.SHUTDOWN_TIMEOUT_MS / 3));
  lifecycle.onShutdown('nats', () => nc.drain());
  lifecycle.onShutdown('conversation client', () => conversation.close());
  lifecycle.onShutdown('opensearch', () => opensearch.close());
  lifecycle.onShutdown('ops http', () => ops.close());

  runtime.started({ grpcPort, httpPort: ops.port, readAlias: layout.readAlias });
});
