// A real streaming replica of the test PostgreSQL (pg_basebackup -R, hot standby) on a free port,
// for tests that read from it and kill it.
import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { databaseUrl, testStack } from '@inbox/testkit';
import { freePort } from './service-process';

const PG_BIN = path.join('/usr/lib/postgresql', readdirSync('/usr/lib/postgresql').sort().pop()!, 'bin');
const root = () => process.getuid?.() === 0;

export function asPostgres(command: string, args: string[]): Buffer {
  return root() ? execFileSync('runuser', ['-u', 'postgres', '--', path.join(PG_BIN, command), ...args], { stdio: 'pipe' }) : execFileSync(path.join(PG_BIN, command), args, { stdio: 'pipe' });
}

export class PostgresReplica {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'pg-replica-'));
  port = 0;

  get data(): string {
    return path.join(this.dir, 'data');
  }

  async start(): Promise<this> {
    if (root()) chownSync(this.dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
    const primary = new URL(testStack.TEST_PG_URL);
    asPostgres('pg_basebackup', ['-h', primary.hostname, '-p', primary.port || '5432', '-U', decodeURIComponent(primary.username || 'postgres'), '-D', this.data, '-X', 'stream', '-c', 'fast', '-R']);
    this.port = await freePort();
    asPostgres('pg_ctl', ['-D', this.data, '-l', path.join(this.dir, 'replica.log'), '-o', `-p ${this.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${this.dir} -c hot_standby=on`, '-w', '-t', '60', 'start']);
    return this;
  }

  url(database: string): string {
    return databaseUrl(database, this.port);
  }

  /** kill -9 of the replica's postmaster (its children exit with it). */
  kill(): void {
    const pid = Number(readFileSync(path.join(this.data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(pid, 'SIGKILL');
  }

  stop(): void {
    try {
      asPostgres('pg_ctl', ['-D', this.data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // Already gone (killed).
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
