// Composition root of the search service: OpenSearch, NATS, gRPC.
import { GrpcServer, ServiceRuntime, bootService, connectNats, createOpenSearch, pingNats, pingOpenSearch } from '@inbox/lib';
import { SearchServiceService } from '@inbox/lib/gen/inbox/search/v1/search';
import { loadSearchConfig } from './config';

bootService(async () => {
  const config = loadSearchConfig();
  const runtime = new ServiceRuntime({ service: 'search', logLevel: config.LOG_LEVEL, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  const { logger, metrics, health, lifecycle } = runtime;

  const opensearch = createOpenSearch(config.OPENSEARCH_URL);
  runtime.dependsOn('opensearch', () => pingOpenSearch(opensearch));
  const nc = await connectNats(config.NATS_URL, 'search', logger);
  runtime.dependsOn('nats', () => pingNats(nc));

  const grpc = new GrpcServer({ logger, metrics, health });
  // Indexing and queries arrive with the search issue; until then every RPC answers UNIMPLEMENTED.
  grpc.addService('inbox.search.v1.SearchService', SearchServiceService, {});
  const grpcPort = await grpc.listen(config.SEARCH_GRPC_PORT, config.BIND_HOST);
  const ops = await runtime.serveOps(config.SEARCH_HTTP_PORT, config.BIND_HOST);

  lifecycle.onShutdown('grpc', () => grpc.shutdown(config.SHUTDOWN_TIMEOUT_MS / 3));
  lifecycle.onShutdown('nats', () => nc.drain());
  lifecycle.onShutdown('opensearch', () => opensearch.close());
  lifecycle.onShutdown('ops http', () => ops.close());

  runtime.started({ grpcPort, httpPort: ops.port });
});
