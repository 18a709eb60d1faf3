// Composition root of the routing service: its own PostgreSQL database (assignment decisions
// are made there), Redis for presence, NATS, and the gRPC API.
import {
  GrpcServer,
  ServiceRuntime,
  bootService,
  connectNats,
  connectRedis,
  createPool,
  migrate,
  pingNats,
  pingPostgres,
  pingRedis,
} from '@inbox/lib';
import { RoutingServiceService } from '@inbox/lib/gen/inbox/routing/v1/routing';
import { loadRoutingConfig } from './config';
import { MIGRATIONS_DIR } from './migrations-dir';

bootService(async () => {
  const config = loadRoutingConfig();
  const runtime = new ServiceRuntime({ service: 'routing', logLevel: config.LOG_LEVEL, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  const { logger, metrics, health, lifecycle } = runtime;

  const pool = createPool(config.ROUTING_DATABASE_URL, logger, config.ROUTING_DB_POOL_SIZE);
  runtime.dependsOn('postgres', () => pingPostgres(pool));
  if (config.ROUTING_MIGRATE_ON_BOOT) await migrate(pool, MIGRATIONS_DIR);
  const redis = await connectRedis(config.REDIS_URL, logger);
  runtime.dependsOn('redis', () => pingRedis(redis));
  const nc = await connectNats(config.NATS_URL, 'routing', logger);
  runtime.dependsOn('nats', () => pingNats(nc));

  const grpc = new GrpcServer({ logger, metrics, health });
  // Availability and assignment handlers arrive with the routing issue; until then every RPC answers UNIMPLEMENTED.
  grpc.addService('inbox.routing.v1.RoutingService', RoutingServiceService, {});
  const grpcPort = await grpc.listen(config.ROUTING_GRPC_PORT, config.BIND_HOST);
  const ops = await runtime.serveOps(config.ROUTING_HTTP_PORT, config.BIND_HOST);

  lifecycle.onShutdown('grpc', () => grpc.shutdown(config.SHUTDOWN_TIMEOUT_MS / 3));
  lifecycle.onShutdown('nats', () => nc.drain());
  lifecycle.onShutdown('redis', () => redis.close());
  lifecycle.onShutdown('postgres', () => pool.end());
  lifecycle.onShutdown('ops http', () => ops.close());

  runtime.started({ grpcPort, httpPort: ops.port });
});
