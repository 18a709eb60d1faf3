// A poison message on the conversation service's inbound stream goes to the dead-letter stream
// while the messages behind it are stored; an operator can list it with the DLQ command.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import { CONSUMERS, connectNats, createLogger, listDeadLetters, type NatsConnection } from '@inbox/lib';
import { ChannelType } from '@inbox/lib/gen/inbox/common/v1/common';
import { InboundMessage } from '@inbox/lib/gen/inbox/events/v1/events';
import { databaseUrl, testStack, uniqueName } from '@inbox/testkit';
import { createEmailChannel, inboundEmail, publishInboundBurst, type EmailChannelFixture } from '../support/inbound-events';
import { ROOT } from '../support/service-process';
import { launchService, type LaunchedService } from '../support/services';
import { waitFor } from '@inbox/testkit';

describe('poison messages in the conversation service', () => {
  let nc: NatsConnection;
  let service: LaunchedService;
  let db: pg.Pool;
  let channel: EmailChannelFixture;

  beforeAll(async () => {
    nc = await connectNats(testStack.TEST_NATS_URL, 'dead-letter-test', createLogger({ service: 'test', level: 'silent' }));
    // A linger long enough that everything waiting at start forms one batch.
    service = await launchService('conversation', { CONVERSATION_INBOUND_BATCH_LINGER_MS: '300', CONVERSATION_INBOUND_PARALLEL_BATCHES: '1' });
    await service.process.waitReady();
    channel = await createEmailChannel(service.grpcAddress!);
    db = new pg.Pool({ connectionString: databaseUrl('inbox_test_conversation'), max: 2 });
  });

  afterAll(async () => {
    await service.process.stop();
    await db.end();
    await nc.drain();
  });

  it('dead-letters undecodable and incomplete events while the rest are stored', async () => {
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    const prefix = `${uniqueName('dlq')}-`;
    const garbage = await js.publish('ingest.inbound.email', new TextEncoder().encode('\u0000\u00ffnot protobuf'), { msgID: `${prefix}garbage` });
    const noAccount = await js.publish(
      'ingest.inbound.email',
      InboundMessage.encode({ eventId: `${prefix}no-account`, accountId: '', inboxId: channel.inboxId, channelId: channel.channelId, channelType: ChannelType.CHANNEL_TYPE_EMAIL }).finish(),
      { msgID: `${prefix}no-account` },
    );
    const good = Array.from({ length: 50 }, (_, i) => `${prefix}good-${i}`);
    await publishInboundBurst(nc, channel, good);

    await waitFor('good events stored', async () => {
      const result = await db.query('SELECT count(*)::int AS n FROM inbound_receipts WHERE event_id LIKE $1', [`${prefix}good-%`]);
      return result.rows[0].n === 50;
    });
    const letters = await waitFor('both poison messages dead-lettered', async () => {
      const all = await listDeadLetters(jsm, CONSUMERS.conversationInbound.durable);
      const ours = all.filter((l) => l.originalSequence === garbage.seq || l.originalSequence === noAccount.seq);
      return ours.length === 2 ? ours : undefined;
    });
    for (const letter of letters) {
      expect(letter).toMatchObject({ stream: 'INGEST', subject: 'ingest.inbound.email', consumer: 'conversation-inbound', deliveries: 1 });
    }
    expect(letters.find((l) => l.originalSequence === noAccount.seq)?.error).toMatch(/account_id/);
    const stored = await db.query('SELECT count(*)::int AS n FROM inbound_receipts WHERE event_id = $1', [`${prefix}no-account`]);
    expect(stored.rows[0].n).toBe(0);

    const listing = execFileSync(process.execPath, [path.join(ROOT, 'services/lib/dist/cli/dlq.js'), 'list', 'conversation-inbound'], {
      env: { PATH: process.env.PATH ?? '', NATS_URL: testStack.TEST_NATS_URL },
      encoding: 'utf8',
      // Every dead letter on the server is listed, however many earlier runs left.
      maxBuffer: 256 * 1024 * 1024,
    });
    const rows = JSON.parse(listing) as { originalSequence: number }[];
    expect(rows.map((r) => r.originalSequence)).toEqual(expect.arrayContaining([garbage.seq, noAccount.seq]));
  });

  it('stores a batch of 200 in which one event is poison: the poison alone goes to the dead-letter stream, the other 199 are stored once', async () => {
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    const prefix = `${uniqueName('batch')}-`;
    await service.process.stop();
    // Waiting on the stream while the service is down, so they arrive together: one batch.
    const ids = Array.from({ length: 200 }, (_, i) => `${prefix}${i}`);
    const poisonId = ids[137];
    const poison = { ...channel, channelId: `${channel.channelId}-gone` };
    const sequences = await Promise.all(
      ids.map((id) => js.publish('ingest.inbound.email', inboundEmail(id, id === poisonId ? poison : channel), { msgID: id })),
    );
    const poisonSeq = sequences[137].seq;
    service.process.restart();
    await service.process.waitReady();

    await waitFor('the other 199 stored', async () => {
      const result = await db.query('SELECT count(*)::int AS n FROM messages WHERE source_event_id LIKE $1', [`${prefix}%`]);
      return result.rows[0].n === 199;
    }, 30_000);
    const letters = await waitFor('the poison event dead-lettered', async () => {
      const ours = (await listDeadLetters(jsm, CONSUMERS.conversationInbound.durable)).filter((l) => l.originalSequence >= sequences[0].seq && l.originalSequence <= sequences[199].seq);
      return ours.length > 0 ? ours : undefined;
    });
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ originalSequence: poisonSeq, deliveries: 1 });
    expect(letters[0].error).toMatch(/channel .*-gone does not exist/);

    const stored = await db.query<{ source_event_id: string; n: number }>(
      'SELECT source_event_id, count(*)::int AS n FROM messages WHERE source_event_id LIKE $1 GROUP BY 1',
      [`${prefix}%`],
    );
    expect(stored.rows).toHaveLength(199);
    expect(stored.rows.every((r) => r.n === 1)).toBe(true);
    expect(stored.rows.some((r) => r.source_event_id === poisonId)).toBe(false);
    const receipts = await db.query('SELECT count(*)::int AS n FROM inbound_receipts WHERE event_id = $1', [poisonId]);
    expect(receipts.rows[0].n).toBe(0);

    // It really was one batch of 200, split once because of the poison.
    const metrics = await (await fetch(`${service.opsUrl}/metrics`)).text();
    expect(metrics).toMatch(/inbox_events_handled_total\{[^}]*outcome="batch_split"[^}]*\} 1\b/);
    expect(metrics).toMatch(/inbox_event_batch_size_bucket\{[^}]*le="100"[^}]*\} 0\b/);
    expect(metrics).toMatch(/inbox_event_batch_size_count\{[^}]*\} 1\b/);
    await waitFor('nothing pending', async () => {
      const info = await jsm.consumers.info('INGEST', CONSUMERS.conversationInbound.durable);
      return info.num_ack_pending === 0;
    });
  });
});
