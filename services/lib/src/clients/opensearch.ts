// OpenSearch client; readiness asks for cluster health and fails on red.
import { readFileSync } from 'node:fs';
import { Client } from '@opensearch-project/opensearch';

export type OpenSearchClient = Client;

/** url may carry credentials; caFile is the PEM bundle that signs the cluster's certificate, if not a public CA. */
export function createOpenSearch(url: string, tls: { caFile?: string } = {}): Client {
  return new Client({ node: url, requestTimeout: 10_000, maxRetries: 1, ...(tls.caFile ? { ssl: { ca: readFileSync(tls.caFile) } } : {}) });
}

export async function pingOpenSearch(client: Client): Promise<void> {
  const response = await client.cluster.health({ timeout: '2s' }, { requestTimeout: 2000, maxRetries: 0 });
  const status = (response.body as { status?: string }).status;
  if (status === 'red') throw new Error('cluster health is red');
}
