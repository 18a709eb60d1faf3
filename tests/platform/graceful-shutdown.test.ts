// A service stopped in the middle of a burst of events loses none and handles none twice:
// SIGTERM finishes in-flight work and returns the rest; kill -9 relies on redelivery and the
// idempotent consumer. Checked in the conversation service's own table.
import { jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import { CONSUMERS, connectNats, createLogger, type NatsConnection } from '@inbox/lib';
import { databaseUrl, testStack, uniqueName } from '@inbox/testkit';
import { createEmailChannel, publishInboundBurst, type EmailChannelFixture } from '../support/inbound-events';
import { launchService, type LaunchedService } from '../support/services';
import { waitFor } from '@inbox/testkit';

describe('stopping the conversation service mid-burst', () => {
  let nc: NatsConnection;
  let db: pg.Pool;
  let service: LaunchedService | undefined;
  let channel: EmailChannelFixture;

  beforeAll(async () => {
    nc = await connectNats(testStack.TEST_NATS_URL, 'graceful-shutdown-test', createLogger({ service: 'test', level: 'silent' }));
    // Boot once so the database, its migrations and the durable consumer exist.
    service = await launchService('conversation');
    await service.process.waitReady();
    channel = await createEmailChannel(service.grpcAddress!);
    db = new pg.Pool({ connectionString: databaseUrl('inbox_test_conversation'), max: 2 });
  });

  afterEach(async () => {
    await service?.process.stop();
  });

  afterAll(async () => {
    await db.end();
    await nc.drain();
  });

  const stored = async (prefix: string) =>
    (
      await db.query<{ rows: string; distinct_ids: string; redelivered: string }>(
        `SELECT count(*) AS rows, count(DISTINCT event_id) AS distinct_ids, count(*) FILTER (WHERE deliveries > 1) AS redelivered
         FROM inbound_receipts WHERE event_id LIKE $1`,
        [`${prefix}%`],
      )
    ).rows[0];

  const settled = async () => {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.consumers.info(CONSUMERS.conversationInbound.stream, CONSUMERS.conversationInbound.durable);
    return info.num_pending === 0 && info.num_ack_pending === 0;
  };

  it('SIGTERM: exits 0, and after a restart every event is stored and processed exactly once', async () => {
    const total = 4000;
    const prefix = `${uniqueName('term')}-`;
    const ids = Array.from({ length: total }, (_, i) => `${prefix}${i}`);
    // The burst waits on the stream while the service is down, so the signal lands mid-burst
    // however fast the service stores (batched, it stores faster than a test can publish).
    await service!.process.stop();
    await publishInboundBurst(nc, channel, ids);
    service = await launchService('conversation');
    await service.process.waitReady();

    const midway = await waitFor('processing under way', async () => {
      const count = Number((await stored(prefix)).rows);
      return count >= 200 ? count : undefined;
    }, 60_000, 20);
    service!.process.signal('SIGTERM');
    expect(await service!.process.exited(20_000)).toEqual({ code: 0, signal: null });
    const atStop = Number((await stored(prefix)).rows);
    expect(midway).toBeLessThan(total);
    expect(atStop).toBeLessThan(total);

    service = await launchService('conversation');
    await service.process.waitReady();
    await waitFor('all events stored', async () => Number((await stored(prefix)).rows) === total, 120_000, 200);
    await waitFor('consumer settled', settled, 30_000, 200);
    expect(await stored(prefix)).toEqual({ rows: String(total), distinct_ids: String(total), redelivered: '0' });
    const messages = await db.query('SELECT count(*)::int AS n FROM messages WHERE source_event_id LIKE $1', [`${prefix}%`]);
    expect(messages.rows[0].n).toBe(total);
  });

  it('kill -9: after a restart every event is stored exactly once', async () => {
    const total = 3000;
    const prefix = `${uniqueName('kill')}-`;
    const ids = Array.from({ length: total }, (_, i) => `${prefix}${i}`);
    await publishInboundBurst(nc, channel, ids);
    service = await launchService('conversation');
    await service.process.waitReady();
    await waitFor('processing under way', async () => Number((await stored(prefix)).rows) >= 200, 60_000, 20);
    service.process.signal('SIGKILL');
    expect((await service.process.exited(10_000)).signal).toBe('SIGKILL');
    expect(Number((await stored(prefix)).rows)).toBeLessThan(total);

    // A killed consumer's unacknowledged messages come back after ack_wait (30 s).
    service = await launchService('conversation');
    await service.process.waitReady();
    await waitFor('all events stored', async () => Number((await stored(prefix)).rows) === total, 120_000, 250);
    await waitFor('consumer settled', settled, 60_000, 250);
    const result = await stored(prefix);
    expect(result.rows).toBe(String(total));
    expect(result.distinct_ids).toBe(String(total));
    const messages = await db.query('SELECT count(*)::int AS n, count(DISTINCT source_event_id)::int AS d FROM messages WHERE source_event_id LIKE $1', [`${prefix}%`]);
    expect(messages.rows[0]).toEqual({ n: total, d: total });
  });
});
