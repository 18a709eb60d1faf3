// Composition root of the ingest service: the channel edge. Nothing is acknowledged to a
// channel before JetStream has stored it.
import http from 'node:http';
import { jetstreamManager } from '@nats-io/jetstream';
import {
  STREAMS,
  ServiceRuntime,
  bootService,
  closeHttpServer,
  connectNats,
  connectRedis,
  listen,
  pingNats,
  pingRedis,
  provisionJetStream,
} from '@inbox/lib';
import { loadIngestConfig } from './config';
import { createIngestApp } from './http/app';

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

  const server = http.createServer(createIngestApp(runtime));
  const httpPort = await listen(server, config.INGEST_HTTP_PORT, config.BIND_HOST);

  lifecycle.onShutdown('http', () => closeHttpServer(server, config.SHUTDOWN_TIMEOUT_MS / 3));
  lifecycle.onShutdown('nats', () => nc.drain());
  lifecycle.onShutdown('redis', () => redis.close());

  runtime.started({ httpPort });
});
