import { commonConfigShape, env, loadConfig, z } from '@inbox/lib';

const schema = z.object({
  ...commonConfigShape,
  BIND_HOST: env.string('127.0.0.1'),
  SEARCH_GRPC_PORT: env.port(50053),
  SEARCH_HTTP_PORT: env.port(9103),
  /** One node or several, comma-separated. */
  OPENSEARCH_URL: env.urls('http://127.0.0.1:9200'),
  /** PEM bundle of the CA that signs the cluster's certificate (https URLs), if not a public one. */
  OPENSEARCH_CA_FILE: z.string().default(''),
  CONVERSATION_GRPC_ADDR: env.string('127.0.0.1:50051'),
  GRPC_DEADLINE_MS: env.int(10_000, 50),
  NATS_STREAM_REPLICAS: env.int(1, 1),
  /** Names the index family: <prefix>-read and <prefix>-write aliases over <prefix>-<timestamp> indices. */
  SEARCH_INDEX_PREFIX: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,60}$/, 'lowercase letters, digits and dashes')
    .default('inbox-conversations'),
  SEARCH_INDEX_REPLICAS: env.int(0, 0),
  SEARCH_INDEX_SHARDS: env.int(1, 1),
  /** How soon written documents become searchable. */
  SEARCH_REFRESH_INTERVAL: z.string().regex(/^\d+(ms|s)$/).default('500ms'),
  /** Conversations per bulk request, and how long a partial batch waits for more. */
  SEARCH_BATCH_SIZE: env.int(200, 1),
  SEARCH_BATCH_LINGER_MS: env.int(25, 0),
  /** Events handled at once by one replica (each waits for its batch's bulk request). */
  SEARCH_INDEXER_CONCURRENCY: env.int(500, 1),
});

export type SearchConfig = z.infer<typeof schema>;

export function loadSearchConfig(source?: Record<string, string | undefined>): SearchConfig {
  return loadConfig(schema, source);
}
