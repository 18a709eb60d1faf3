// A real NATS cluster of three JetStream servers on loopback, for tests that kill a node: each
// server on its own client, route and monitoring ports with its own store, all routed to each
// other. Streams created through it with 3 replicas survive the loss of any one server.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { waitFor } from '@inbox/testkit';
import { ROOT, freePort, terminate } from './service-process';

const NATS_SERVER = path.join(process.env.STACK_DIR ?? path.join(ROOT, '.stack'), 'bin/nats-server');

interface NatsNode {
  name: string;
  port: number;
  clusterPort: number;
  monitorPort: number;
  config: string;
  child?: ChildProcess;
}

export class NatsCluster {
  readonly nodes: NatsNode[] = [];
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'nats-cluster-'));

  /** Configures size servers routed to each other and launches the first `running` of them. */
  async start(size = 3, running = size): Promise<this> {
    for (let i = 1; i <= size; i += 1) {
      this.nodes.push({ name: `n${i}`, port: await freePort(), clusterPort: await freePort(), monitorPort: await freePort(), config: path.join(this.dir, `n${i}.conf`) });
    }
    for (const node of this.nodes) this.writeConfig(node);
    for (const node of this.nodes.slice(0, running)) this.launch(node);
    await this.waitHealthy();
    return this;
  }

  private writeConfig(node: NatsNode): void {
    const store = path.join(this.dir, node.name);
    mkdirSync(store, { recursive: true });
    const routes = this.nodes.filter((n) => n !== node).map((n) => `nats-route://127.0.0.1:${n.clusterPort}`);
    writeFileSync(
      node.config,
      [
        `server_name: ${node.name}`,
        `listen: 127.0.0.1:${node.port}`,
        `http: 127.0.0.1:${node.monitorPort}`,
        'max_payload: 8MB',
        `jetstream { store_dir: "${store}", sync_interval: always }`,
        // One server alone: JetStream without a cluster to form.
        this.nodes.length > 1 ? `cluster { name: inbox-test, listen: 127.0.0.1:${node.clusterPort}, routes: [${routes.join(', ')}] }` : '',
        '',
      ].join('\n'),
    );
  }

  /** The client URL list of every node, as the services take it. */
  get urls(): string {
    return this.nodes.map((n) => `nats://127.0.0.1:${n.port}`).join(',');
  }

  private launch(node: NatsNode): void {
    node.child = spawn(NATS_SERVER, ['-c', node.config], { stdio: 'ignore' });
  }

  /**
   * Every running node answers healthy with JetStream, the cluster has a meta leader, and the
   * leader counts every running node as a current peer: until then it cannot place a stream on it.
   */
  async waitHealthy(timeoutMs = 60_000): Promise<void> {
    const running = () => this.nodes.filter((n) => n.child && n.child.exitCode === null && n.child.signalCode === null);
    await waitFor('the NATS cluster healthy', async () => {
      for (const node of running()) {
        const response = await fetch(`http://127.0.0.1:${node.monitorPort}/healthz?js-enabled-only=true`).catch(() => undefined);
        if (!response || response.status !== 200) return false;
      }
      if (this.nodes.length === 1) return true;
      for (const node of running()) {
        const jsz = await fetch(`http://127.0.0.1:${node.monitorPort}/jsz`)
          .then((r) => r.json() as Promise<{ meta_cluster?: { leader?: string; replicas?: { name: string; current: boolean }[] } }>)
          .catch(() => undefined);
        const meta = jsz?.meta_cluster;
        if (meta?.leader !== node.name) continue;
        const current = new Set([meta.leader, ...(meta.replicas ?? []).filter((r) => r.current).map((r) => r.name)]);
        return running().every((n) => current.has(n.name));
      }
      return false;
    }, timeoutMs, 250);
  }

  /** The name of the server leading a stream's raft group. */
  async streamLeader(stream: string): Promise<string> {
    const nc = await connect({ servers: this.urls.split(','), name: 'cluster-test' });
    try {
      const info = await (await jetstreamManager(nc)).streams.info(stream);
      if (!info.cluster?.leader) throw new Error(`stream ${stream} has no leader`);
      return info.cluster.leader;
    } finally {
      await nc.close();
    }
  }

  /** kill -9 of one server. */
  async kill(name: string): Promise<void> {
    const node = this.nodes.find((n) => n.name === name)!;
    const exited = new Promise((resolve) => node.child!.once('exit', resolve));
    node.child!.kill('SIGKILL');
    await exited;
  }

  /**
   * Launches a server again after a kill, or for the first time after a partial start. Its ports
   * were free when chosen, but any connection may since have taken one as its local port (a CI run
   * saw the third server never join): a server that exits at once gets new ones. It still finds the
   * others by its own routes.
   */
  async restart(name: string): Promise<void> {
    const node = this.nodes.find((n) => n.name === name)!;
    for (let attempt = 1; ; attempt += 1) {
      this.launch(node);
      const child = node.child!;
      const exited = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 1000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      if (!exited) break;
      if (attempt === 3) throw new Error(`NATS server ${name} exits as it starts`);
      Object.assign(node, { port: await freePort(), clusterPort: await freePort(), monitorPort: await freePort() });
      this.writeConfig(node);
    }
    await this.waitHealthy();
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => terminate(node.child)));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
