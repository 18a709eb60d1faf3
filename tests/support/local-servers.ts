// More real servers of the kinds the test stack runs, each on a free loopback port with its own
// data: a PostgreSQL cluster of its own (initdb) and a Redis without persistence, for tests that
// need a second, independent one (a second cell).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { databaseUrl, waitFor } from '@inbox/testkit';
import { asPostgres } from './postgres-replica';
import { freePort, terminate } from './service-process';

export class PostgresServer {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'pg-server-'));
  port = 0;

  async start(): Promise<this> {
    if (process.getuid?.() === 0) chownSync(this.dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
    const data = path.join(this.dir, 'data');
    // The test stack's user, trusted on loopback: the stack's URLs work here with only the port changed.
    asPostgres('initdb', ['-D', data, '-U', new URL(databaseUrl('postgres')).username || 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    this.port = await freePort();
    asPostgres('pg_ctl', ['-D', data, '-l', path.join(this.dir, 'server.log'), '-o', `-p ${this.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${this.dir} -c fsync=off`, '-w', '-t', '60', 'start']);
    return this;
  }

  url(database: string): string {
    return databaseUrl(database, this.port);
  }

  stop(): void {
    try {
      asPostgres('pg_ctl', ['-D', path.join(this.dir, 'data'), '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

export class RedisServer {
  port = 0;
  private child?: ChildProcess;

  async start(): Promise<this> {
    this.port = await freePort();
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await waitFor('redis listening', async () => {
      try {
        return execFileSync('redis-cli', ['-p', String(this.port), 'ping'], { stdio: 'pipe' }).toString().trim() === 'PONG';
      } catch {
        return false;
      }
    }, 15_000, 100);
    return this;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  stop(): Promise<void> {
    return terminate(this.child);
  }
}
