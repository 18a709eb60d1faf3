// The backup and restore drill of docs/operations.md, for real: a base backup of the running
// PostgreSQL (pg_basebackup, WAL streamed alongside), taken while the inbox works, is started as
// a server of its own, replays its WAL to a consistent state, and holds exactly what was
// committed before the backup: every conversation and message, and nothing written after it.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { uniqueEmail } from '../support/api-client';
import { deliver, startInboxFixture, type InboxFixture } from '../support/inbox-fixture';
import { freePort } from '../support/service-process';
import { testStack, waitFor } from '@inbox/testkit';

jest.setTimeout(180_000);

const PG_BIN = path.join('/usr/lib/postgresql', readdirSync('/usr/lib/postgresql').sort().pop()!, 'bin');
const asPostgres = (command: string, args: string[]) =>
  process.getuid?.() === 0 ? execFileSync('runuser', ['-u', 'postgres', '--', path.join(PG_BIN, command), ...args], { stdio: 'pipe' }) : execFileSync(path.join(PG_BIN, command), args, { stdio: 'pipe' });

describe('backup and restore of PostgreSQL', () => {
  let f: InboxFixture;
  let restoredPort = 0;
  const dir = mkdtempSync(path.join(tmpdir(), 'restore-'));

  beforeAll(async () => {
    f = await startInboxFixture();
  });

  afterAll(async () => {
    if (restoredPort) asPostgres('pg_ctl', ['-D', path.join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
    rmSync(dir, { recursive: true, force: true });
    await f?.stop();
  });

  async function counts(connectionString: string): Promise<{ conversations: number; messages: number }> {
    const client = new pg.Client({ connectionString });
    await client.connect();
    try {
      const row = (
        await client.query<{ conversations: string; messages: string }>(
          `SELECT (SELECT count(*) FROM conversations WHERE account_id = $1) AS conversations,
                  (SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.account_id = $1) AS messages`,
          [f.accountId],
        )
      ).rows[0];
      return { conversations: Number(row.conversations), messages: Number(row.messages) };
    } finally {
      await client.end();
    }
  }

  it('restores a base backup taken under work to exactly what was committed before it', async () => {
    const database = new URL(f.stack.services.conversation!.process.env.CONVERSATION_DATABASE_URL).pathname.slice(1);
    const live = new URL(testStack.TEST_PG_URL);
    live.pathname = `/${database}`;
    const burst = (count: number, subject: string, text: string) =>
      Promise.all(Array.from({ length: count }, (_, i) => deliver(f, { from: uniqueEmail('backup'), to: f.address, subject: `${subject} ${i}`, text })));
    await burst(40, 'Before the backup', 'kept');
    await waitFor('40 conversations stored', async () => (await counts(live.toString())).conversations === 40, 60_000, 300);
    const before = await counts(live.toString());

    // The backup, taken as the server's own user so the copy can be started by it.
    const data = path.join(dir, 'data');
    chmodSync(dir, 0o777);
    if (process.getuid?.() === 0) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
    asPostgres('pg_basebackup', ['-h', live.hostname, '-p', live.port || '5432', '-U', decodeURIComponent(live.username || 'postgres'), '-D', data, '-X', 'stream', '-c', 'fast']);

    await burst(10, 'After the backup', 'not in the backup');
    await waitFor('the later 10 stored', async () => (await counts(live.toString())).conversations === 50, 60_000, 300);

    restoredPort = await freePort();
    asPostgres('pg_ctl', ['-D', data, '-l', path.join(dir, 'restored.log'), '-o', `-p ${restoredPort} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir}`, '-w', '-t', '60', 'start']);
    const restored = new URL(live.toString());
    restored.hostname = '127.0.0.1';
    restored.port = String(restoredPort);
    expect(await counts(restored.toString())).toEqual(before);
    const now = await counts(live.toString());
    expect(now.conversations).toBe(50);
    expect(now.messages).toBeGreaterThanOrEqual(before.messages + 10);
  });
});
