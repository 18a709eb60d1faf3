// Runs a built service (services/<name>/dist/main.js) as a real child process on free ports,
// the way scripts/services.sh does, so tests can probe it, signal it and restart it.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { waitFor } from '@inbox/testkit';

export const ROOT = path.resolve(__dirname, '../..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** SIGTERM to a server the test started, resolved once it has exited; nothing for one already gone. */
export async function terminate(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

export interface ExitResult {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class ServiceProcess {
  private child: ChildProcess | undefined;
  private exitPromise: Promise<ExitResult> | undefined;
  output = '';

  constructor(
    readonly name: string,
    readonly env: Record<string, string>,
    readonly opsUrl: string,
  ) {}

  start(): this {
    this.child = spawn(process.execPath, [path.join(ROOT, 'services', this.name, 'dist', 'main.js')], {
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const child = this.child;
    // TEST_SERVICE_LOGS=1 keeps every service's output under test-results/logs for a look afterwards.
    const logFile = process.env.TEST_SERVICE_LOGS ? path.join(ROOT, 'test-results', 'logs', `${this.name}-${child.pid}.log`) : undefined;
    if (logFile) mkdirSync(path.dirname(logFile), { recursive: true });
    const collect = (chunk: Buffer) => {
      this.output += chunk.toString();
      if (logFile) appendFileSync(logFile, chunk);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exitPromise = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    return this;
  }

  /** Starts the service again on the same ports with the same environment (after it exited). */
  restart(): this {
    if (this.running) throw new Error(`${this.name} is still running`);
    this.output += `\n--- restarted ---\n`;
    return this.start();
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Waits until the service answers ready; fails at once if the process exits first. */
  async waitReady(timeoutMs = 60_000): Promise<void> {
    const outcome = await waitFor(
      `${this.name} ready`,
      async () => {
        if (!this.running) return 'exited' as const;
        const response = await fetch(`${this.opsUrl}/readyz`);
        return response.status === 200 ? ('ready' as const) : undefined;
      },
      timeoutMs,
      200,
    );
    if (outcome === 'exited') throw new Error(`${this.name} exited: ${this.output.slice(-2000)}`);
  }

  signal(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }

  async exited(timeoutMs = 30_000): Promise<ExitResult> {
    if (!this.exitPromise) throw new Error('not started');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.name} did not exit in ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([this.exitPromise, timeout]).finally(() => clearTimeout(timer));
  }

  /** Stops the process if it still runs (SIGTERM, then SIGKILL after the timeout). */
  async stop(timeoutMs = 20_000): Promise<ExitResult | undefined> {
    if (!this.running) return this.exitPromise ? this.exitPromise : undefined;
    this.signal('SIGTERM');
    try {
      return await this.exited(timeoutMs);
    } catch {
      this.signal('SIGKILL');
      return this.exited(5_000);
    }
  }
}
