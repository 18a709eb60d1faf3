// Launches the built services as real processes against the test stack, each on free ports and
// (for services with a database) its own test database.
import { ensureDatabase } from '@inbox/lib';
import { TEST_INDEX_PREFIX, databaseUrl, testStack } from '@inbox/testkit';
import { ServiceProcess, freePort } from './service-process';

export type ServiceName = 'conversation' | 'routing' | 'search' | 'notification' | 'ingest' | 'gateway';
export const SERVICE_NAMES: ServiceName[] = ['conversation', 'routing', 'search', 'notification', 'ingest', 'gateway'];

/** Which real servers each service depends on, as named in its /readyz. */
export const DEPENDENCIES: Record<ServiceName, string[]> = {
  conversation: ['postgres', 'nats'],
  routing: ['postgres', 'redis', 'nats'],
  search: ['opensearch', 'nats'],
  notification: ['postgres', 'nats'],
  ingest: ['nats', 'redis'],
  gateway: ['redis', 'nats'],
};

/** Dependencies whose loss leaves a service ready but reported degraded (shared by every replica, felt by few requests). */
export const DEGRADED_ONLY: Record<ServiceName, string[]> = {
  conversation: [],
  routing: [],
  search: [],
  notification: [],
  ingest: [],
  gateway: ['redis', 'nats'],
};

export interface LaunchedService {
  process: ServiceProcess;
  grpcAddress?: string;
  /** The public HTTP port (gateway, ingest), or the ops port of a gRPC service. */
  httpUrl: string;
  /** /healthz, /readyz and /metrics. */
  opsUrl: string;
  /** The edge port of conversation (ChannelDirectoryService) or routing (AgentPresenceService): for ingest only. */
  edgeGrpcAddress?: string;
}

export async function launchService(name: ServiceName, overrides: Record<string, string> = {}): Promise<LaunchedService> {
  const common = { NATS_URL: testStack.TEST_NATS_URL, SHUTDOWN_TIMEOUT_MS: '15000', NODE_ENV: 'test' };
  const http = await freePort();
  const grpc = await freePort();
  const ops = name === 'ingest' || name === 'gateway' ? await freePort() : http;
  const edge = name === 'conversation' || name === 'routing' ? await freePort() : 0;
  let env: Record<string, string>;
  switch (name) {
    case 'conversation':
      env = { CONVERSATION_GRPC_PORT: `${grpc}`, CONVERSATION_EDGE_GRPC_PORT: `${edge}`, CONVERSATION_HTTP_PORT: `${http}`, CONVERSATION_DATABASE_URL: databaseUrl('inbox_test_conversation') };
      break;
    case 'routing':
      env = { ROUTING_GRPC_PORT: `${grpc}`, ROUTING_EDGE_GRPC_PORT: `${edge}`, ROUTING_HTTP_PORT: `${http}`, ROUTING_DATABASE_URL: databaseUrl('inbox_test_routing'), REDIS_URL: testStack.TEST_REDIS_URL };
      break;
    case 'search':
      env = { SEARCH_GRPC_PORT: `${grpc}`, SEARCH_HTTP_PORT: `${http}`, OPENSEARCH_URL: testStack.TEST_OPENSEARCH_URL, SEARCH_INDEX_PREFIX: TEST_INDEX_PREFIX };
      break;
    case 'notification':
      env = { NOTIFICATION_GRPC_PORT: `${grpc}`, NOTIFICATION_HTTP_PORT: `${http}`, NOTIFICATION_DATABASE_URL: databaseUrl('inbox_test_notification') };
      break;
    case 'ingest':
      // No routing unless the test wires one: the widget's availability then follows business hours alone.
      env = { INGEST_HTTP_PORT: `${http}`, INGEST_OPS_PORT: `${ops}`, INGEST_SMTP_PORT: `${await freePort()}`, REDIS_URL: testStack.TEST_REDIS_URL, ROUTING_PRESENCE_GRPC_ADDR: '' };
      break;
    case 'gateway':
      env = { GATEWAY_PORT: `${http}`, GATEWAY_OPS_PORT: `${ops}`, GATEWAY_PUBLIC_URL: `http://127.0.0.1:${http}`, REDIS_URL: testStack.TEST_REDIS_URL };
      break;
  }
  env = { ...common, ...env, ...overrides };
  for (const [key, value] of Object.entries(env)) {
    if (key.endsWith('_DATABASE_URL')) await ensureDatabase(value);
  }
  const httpUrl = `http://127.0.0.1:${http}`;
  const opsUrl = `http://127.0.0.1:${ops}`;
  const hasGrpc = name !== 'ingest' && name !== 'gateway';
  return {
    process: new ServiceProcess(name, env, opsUrl).start(),
    grpcAddress: hasGrpc ? `127.0.0.1:${grpc}` : undefined,
    edgeGrpcAddress: edge ? `127.0.0.1:${edge}` : undefined,
    httpUrl,
    opsUrl,
  };
}
