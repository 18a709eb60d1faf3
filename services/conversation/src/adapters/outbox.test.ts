// The outbox relay against the real database and JetStream: what it takes it publishes in order
// and removes; what JetStream does not take stays for the next try.
import pg from 'pg';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connectNats, createLogger, ensureDatabase, migrate, withTransaction, type NatsConnection } from '@inbox/lib';
import { databaseUrl, testStack, uniqueName } from '@inbox/testkit';
import { MIGRATIONS_DIR } from '../migrations-dir';
import { OutboxRelay, appendRawEvent } from './outbox';

describe('the outbox relay', () => {
  const url = databaseUrl('inbox_test_outbox_relay');
  const logger = createLogger({ service: 'outbox-test', level: 'silent' });
  const stream = uniqueName('OUTBOX_TEST').toUpperCase();
  const prefix = stream.toLowerCase();
  let pool: pg.Pool;
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    await ensureDatabase(url);
    pool = new pg.Pool({ connectionString: url, max: 4 });
    await migrate(pool, MIGRATIONS_DIR);
    await pool.query('DELETE FROM outbox');
    nc = await connectNats(testStack.TEST_NATS_URL, 'outbox-test', logger);
    jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: stream, subjects: [`${prefix}.>`] });
  });

  afterAll(async () => {
    await jsm.streams.delete(stream);
    await pool.end();
    await nc.drain();
  });

  const append = (subject: string, ids: string[]) =>
    withTransaction(pool, async (tx) => {
      for (const id of ids) await appendRawEvent(tx, subject, id, Buffer.from(id));
    });
  const pending = async () => (await pool.query<{ msg_id: string }>('SELECT msg_id FROM outbox ORDER BY id')).rows.map((r) => r.msg_id);
  const published = async () => {
    const info = await jsm.streams.info(stream);
    const ids: string[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq += 1) {
      const message = await jsm.streams.getMessage(stream, { seq });
      ids.push(message!.string());
    }
    return ids;
  };

  it('publishes what is pending in id order, each once, and leaves nothing behind', async () => {
    const ids = Array.from({ length: 7 }, (_, i) => `${prefix}-evt-${i}`);
    await append(`${prefix}.events`, ids);
    const relay = new OutboxRelay(pool, jetstream(nc), logger, 250, 5);
    expect(await relay.relayOnce()).toBe(5);
    expect(await relay.relayOnce()).toBe(2);
    expect(await relay.relayOnce()).toBe(0);
    expect(await published()).toEqual(ids);
    expect(await pending()).toEqual([]);
  });

  it('takes no more rows than its batch when the planner expects the outbox to hold one row', async () => {
    // Statistics taken with one row pending (the usual state of an outbox) make the planner join the
    // locking subquery as the inner side of a nested loop, which it scans again for every row.
    await append(`${prefix}.events`, [`${prefix}-stats-0`]);
    await pool.query('ANALYZE outbox');
    const ids = Array.from({ length: 6 }, (_, i) => `${prefix}-stats-${i + 1}`);
    await append(`${prefix}.events`, ids);
    const relay = new OutboxRelay(pool, jetstream(nc), logger, 250, 5);
    expect(await relay.relayOnce()).toBe(5);
    expect(await pending()).toEqual(ids.slice(4));
    expect(await relay.relayOnce()).toBe(2);
    expect(await pending()).toEqual([]);
  });

  it('keeps every row of a batch JetStream did not take, for the next try', async () => {
    const ids = [`${prefix}-lost-1`, `${prefix}-lost-2`];
    // No stream takes this subject: the publish is refused, as when JetStream is unreachable.
    await append('nowhere.outbox.test', ids);
    const relay = new OutboxRelay(pool, jetstream(nc), logger, 250, 10);
    await expect(relay.relayOnce()).rejects.toThrow();
    expect(await pending()).toEqual(ids);
    await pool.query('DELETE FROM outbox');
  });
});
