// A real two-node OpenSearch cluster (the project's Maven-assembled node, scripts/stack.sh builds
// it) on free loopback ports, for tests that kill a node.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitFor } from '@inbox/testkit';
import { ROOT, freePort, terminate } from './service-process';

const TARGET = path.join(ROOT, 'deploy/opensearch/target');

interface SearchNode {
  name: string;
  httpPort: number;
  transportPort: number;
  home: string;
  child?: ChildProcess;
}

export class OpenSearchCluster {
  readonly nodes: SearchNode[] = [];
  private readonly cluster = `inbox-test-${Date.now().toString(36)}`;

  async start(size = 2, heap = '384m'): Promise<this> {
    for (let i = 1; i <= size; i += 1) {
      this.nodes.push({ name: `search-${i}`, httpPort: await freePort(), transportPort: await freePort(), home: mkdtempSync(path.join(tmpdir(), `opensearch-${i}-`)) });
    }
    const seeds = this.nodes.map((n) => `127.0.0.1:${n.transportPort}`).join(',');
    const managers = this.nodes.map((n) => n.name).join(',');
    for (const node of this.nodes) {
      node.child = spawn(
        'java',
        [
          `-Xms${heap}`,
          `-Xmx${heap}`,
          '-XX:+UseSerialGC',
          '-Djava.awt.headless=true',
          `-Dlog4j2.configurationFile=${path.join(TARGET, 'classes/log4j2.properties')}`,
          '-Dlog4j2.formatMsgNoLookups=true',
          '-cp',
          `${path.join(TARGET, 'classes')}:${path.join(TARGET, 'lib/*')}`,
          'inbox.opensearch.LocalNode',
          node.home,
          String(node.httpPort),
          String(node.transportPort),
          node.name,
          seeds,
          managers,
          this.cluster,
        ],
        { stdio: 'ignore' },
      );
    }
    await waitFor('the OpenSearch cluster to form', async () => {
      const health = await this.health(this.nodes[0]);
      return health?.number_of_nodes === size;
    }, 180_000, 500);
    return this;
  }

  /** Every node's URL, comma-separated, as OPENSEARCH_URL takes them. */
  get urls(): string {
    return this.nodes.map((n) => `http://127.0.0.1:${n.httpPort}`).join(',');
  }

  async health(node: SearchNode): Promise<{ status: string; number_of_nodes: number } | undefined> {
    const response = await fetch(`http://127.0.0.1:${node.httpPort}/_cluster/health`).catch(() => undefined);
    return response?.ok ? ((await response.json()) as { status: string; number_of_nodes: number }) : undefined;
  }

  /** The node the cluster elected to manage it. */
  async manager(): Promise<SearchNode> {
    for (const node of this.nodes) {
      const response = await fetch(`http://127.0.0.1:${node.httpPort}/_cat/cluster_manager?format=json`).catch(() => undefined);
      if (!response?.ok) continue;
      const [entry] = (await response.json()) as { node: string }[];
      return this.nodes.find((n) => n.name === entry.node)!;
    }
    throw new Error('no cluster manager');
  }

  async kill(node: SearchNode): Promise<void> {
    const exited = new Promise((resolve) => node.child!.once('exit', resolve));
    node.child!.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => terminate(node.child)));
    for (const node of this.nodes) rmSync(node.home, { recursive: true, force: true });
  }
}
