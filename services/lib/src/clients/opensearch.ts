// OpenSearch client; readiness asks for cluster health and fails on red.
import { Client } from '@opensearch-project/opensearch';

export type OpenSearchClient = Client;

export function createOpenSearch(url: string): Client {
  return new Client({ node: url, requestTimeout: 10_000, maxRetries: 1 });
}

export async function pingOpenSearch(client: Client): Promise<void> {
  const response = await client.cluster.health({ timeout: '2s' }, { requestTimeout: 2000, maxRetries: 0 });
  const status = (response.body as { status?: string }).status;
  if (status === 'red') throw new Error('cluster health is red');
}
