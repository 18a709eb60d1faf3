// A real PgBouncer (Debian's package) in transaction pooling in front of the test PostgreSQL, on
// a free port, for tests that run the services through it as production does.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { databaseUrl, testStack, waitFor } from '@inbox/testkit';
import { freePort } from './service-process';

export class PgBouncer {
  private child?: ChildProcess;
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'pgbouncer-'));
  port = 0;

  /** poolSize: server connections per database, shared by every client's transactions in turn. */
  constructor(private readonly poolSize = 20) {}

  async start(): Promise<this> {
    const upstream = new URL(testStack.TEST_PG_URL);
    this.port = await freePort();
    // PgBouncer refuses to run as root; it writes its log as the user it switches to.
    chmodSync(this.dir, 0o777);
    writeFileSync(
      path.join(this.dir, 'pgbouncer.ini'),
      [
        '[databases]',
        `* = host=${upstream.hostname} port=${upstream.port || 5432} user=${decodeURIComponent(upstream.username || 'postgres')}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${this.port}`,
        'auth_type = any',
        'pool_mode = transaction',
        'max_client_conn = 1000',
        `default_pool_size = ${this.poolSize}`,
        'ignore_startup_parameters = extra_float_digits',
        `admin_users = ${decodeURIComponent(upstream.username || 'postgres')}`,
        'unix_socket_dir =',
        `logfile = ${path.join(this.dir, 'pgbouncer.log')}`,
        '',
      ].join('\n'),
    );
    const asRoot = process.getuid?.() === 0;
    this.child = spawn('/usr/sbin/pgbouncer', [...(asRoot ? ['-u', 'postgres'] : []), path.join(this.dir, 'pgbouncer.ini')], { stdio: 'ignore' });
    await waitFor('PgBouncer to answer', async () => {
      const client = new pg.Client({ connectionString: this.url('postgres') });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('SELECT 1');
        return true;
      } catch {
        return false;
      } finally {
        await client.end().catch(() => undefined);
      }
    }, 15_000, 200);
    return this;
  }

  /** A database URL through PgBouncer. */
  url(database: string): string {
    return databaseUrl(database, this.port);
  }

  /** Transactions PgBouncer has run per database (SHOW STATS on its admin console). */
  async transactions(): Promise<Record<string, number>> {
    const client = new pg.Client({ connectionString: this.url('pgbouncer') });
    await client.connect();
    try {
      const stats = await client.query<{ database: string; total_xact_count: string }>('SHOW STATS');
      return Object.fromEntries(stats.rows.map((r) => [r.database, Number(r.total_xact_count)]));
    } finally {
      await client.end();
    }
  }

  log(): string {
    return readFileSync(path.join(this.dir, 'pgbouncer.log'), 'utf8');
  }

  async stop(): Promise<void> {
    if (this.child && this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child!.once('exit', resolve));
      this.child.kill('SIGINT');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
