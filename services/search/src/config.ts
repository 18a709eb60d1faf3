import { commonConfigShape, env, loadConfig, z } from '@inbox/lib';

const schema = z.object({
  ...commonConfigShape,
  BIND_HOST: env.string('127.0.0.1'),
  SEARCH_GRPC_PORT: env.port(50053),
  SEARCH_HTTP_PORT: env.port(9103),
  OPENSEARCH_URL: env.url('http://127.0.0.1:9200'),
});

export type SearchConfig = z.infer<typeof schema>;

export function loadSearchConfig(source?: Record<string, string | undefined>): SearchConfig {
  return loadConfig(schema, source);
}
