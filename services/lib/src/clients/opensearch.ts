// OpenSearch client; readiness asks for cluster health and fails on red.
import { readFileSync } from 'node:fs';
import type { Client } from '@opensearch-project/opensearch';

export type OpenSearchClient = Client;

/**
 * url: one node, or several comma-separated (a request to a node that fails is retried on
 * another); it may carry credentials. caFile: the PEM bundle that signs the cluster's
 * certificate, if not a public CA.
 */
export function createOpenSearch(url: string, tls: { caFile?: string } = {}): Client {
  // Loaded on first use: only the search service talks to OpenSearch. Loaded with the library,
  // it and the trace exporter held 9 MB of every service's heap.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Client } = require('@opensearch-project/opensearch') as typeof import('@opensearch-project/opensearch');
  const nodes = url.split(',').map((u) => u.trim()).filter(Boolean);
  return new Client({
    nodes,
    requestTimeout: 10_000,
    maxRetries: nodes.length,
    // Answers come from our own cluster and are never merged into other objects, so the two regular
    // expressions run over every answer's text looking for "__proto__" keys guard nothing here.
    disablePrototypePoisoningProtection: true,
    ...(tls.caFile ? { ssl: { ca: readFileSync(tls.caFile) } } : {}),
  });
}

export async function pingOpenSearch(client: Client): Promise<void> {
  const response = await client.cluster.health({ timeout: '2s' }, { requestTimeout: 2000, maxRetries: 0 });
  const status = (response.body as { status?: string }).status;
  if (status === 'red') throw new Error('cluster health is red');
}
