import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { testStack, uniqueName } from '@inbox/testkit';
import { waitFor } from '@inbox/testkit';
import { createLogger } from '../logging/logger';
import { runWithRequestContext } from '../logging/request-context';
import { createMetrics } from '../observability/metrics';
import { connectNats, type NatsConnection } from './connection';
import { PermanentError, runConsumer, type EventHandler, type RunningConsumer } from './consumer';
import { SubscriptionLiveness } from './liveness';
import { BlobStore } from './blob-store';
import { listDeadLetters, replayDeadLetter } from './dead-letter';
import { publishDurably } from './publisher';
import { STREAMS, provisionJetStream, type ConsumerSpec, type StreamSpec } from './streams';
import { currentRequestId } from '../logging/request-context';

type TestEvent = { id: string; key: string; fail?: 'always' | 'twice'; delayMs?: number };

const logger = createLogger({ service: 'jetstream-test', level: 'silent' });
const encode = (event: TestEvent) => new TextEncoder().encode(JSON.stringify(event));

describe('JetStream helpers against a real NATS server', () => {
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let js: JetStreamClient;
  let stream: StreamSpec;
  let running: RunningConsumer | undefined;

  beforeAll(async () => {
    nc = await connectNats(testStack.TEST_NATS_URL, 'jetstream-test', logger);
    jsm = await jetstreamManager(nc);
    js = jetstream(nc);
  });

  beforeEach(async () => {
    const name = uniqueName('T').toUpperCase();
    stream = { name, subjects: [`${name.toLowerCase()}.>`], maxAgeMs: 3_600_000, duplicateWindowMs: 60_000, description: 'test stream' };
    await provisionJetStream(jsm, [stream, STREAMS.deadLetter], []);
  });

  afterEach(async () => {
    await running?.stop();
    running = undefined;
    await jsm.streams.delete(stream.name).catch(() => undefined);
  });

  afterAll(async () => {
    await nc.drain();
  });

  function consumerSpec(overrides: Partial<ConsumerSpec> = {}): ConsumerSpec {
    return {
      stream: stream.name,
      durable: uniqueName('durable'),
      filterSubjects: [`${stream.name.toLowerCase()}.>`],
      maxDeliver: 3,
      ackWaitMs: 5000,
      maxAckPending: 100,
      description: 'test consumer',
      ...overrides,
    };
  }

  function recordingHandler(log: { id: string; attempt: number; requestId?: string }[], attempts = new Map<string, number>()) {
    let concurrent = 0;
    const state = { maxConcurrent: 0 };
    const handler: EventHandler<TestEvent> = {
      decode: (data) => {
        const event = JSON.parse(new TextDecoder().decode(data)) as TestEvent;
        if (!event.id) throw new Error('no id');
        return event;
      },
      orderingKey: (event) => event.key,
      handle: async (event, context) => {
        concurrent += 1;
        state.maxConcurrent = Math.max(state.maxConcurrent, concurrent);
        try {
          const attempt = (attempts.get(event.id) ?? 0) + 1;
          attempts.set(event.id, attempt);
          if (event.delayMs) await new Promise((resolve) => setTimeout(resolve, event.delayMs));
          if (event.fail === 'always' || (event.fail === 'twice' && attempt <= 2)) throw new Error(`transient failure of ${event.id}`);
          log.push({ id: event.id, attempt: context.deliveryCount, requestId: currentRequestId() });
        } finally {
          concurrent -= 1;
        }
      },
    };
    return { handler, state };
  }

  it('provisions streams and consumers idempotently and updates what changed', async () => {
    const spec = consumerSpec();
    await provisionJetStream(jsm, [stream], [spec]);
    await provisionJetStream(jsm, [stream], [spec]);
    const info = await jsm.consumers.info(stream.name, spec.durable);
    expect(info.config.max_deliver).toBe(spec.maxDeliver + 1);
    expect(info.config.ack_policy).toBe('explicit');
    await provisionJetStream(jsm, [{ ...stream, description: 'changed' }], [{ ...spec, maxAckPending: 7 }]);
    expect((await jsm.streams.info(stream.name)).config.description).toBe('changed');
    expect((await jsm.consumers.info(stream.name, spec.durable)).config.max_ack_pending).toBe(7);
    expect((await jsm.streams.info(stream.name)).config.storage).toBe('file');
  });

  it('starts a durable that replaces others at their lowest acknowledgement floor, then deletes them', async () => {
    const subject = `${stream.name.toLowerCase()}.e`;
    const ahead = consumerSpec();
    const behind = consumerSpec();
    await provisionJetStream(jsm, [stream], [ahead, behind]);
    for (let n = 1; n <= 6; n++) await js.publish(subject, encode({ id: `m${n}`, key: 'k' }));
    const ack = async (durable: string, count: number) => {
      const batch = await (await js.consumers.get(stream.name, durable)).fetch({ max_messages: count, expires: 2000 });
      for await (const message of batch) await message.ackAck();
    };
    await ack(ahead.durable, 5);
    await ack(behind.durable, 2);
    const merged = consumerSpec({ replaces: [ahead.durable, behind.durable, 'never-existed'] });
    await provisionJetStream(jsm, [stream], [merged]);
    const received: string[] = [];
    const batch = await (await js.consumers.get(stream.name, merged.durable)).fetch({ max_messages: 10, expires: 1000 });
    for await (const message of batch) {
      received.push((JSON.parse(new TextDecoder().decode(message.data)) as TestEvent).id);
      await message.ackAck();
    }
    expect(received).toEqual(['m3', 'm4', 'm5', 'm6']);
    for (const durable of [ahead.durable, behind.durable]) await expect(jsm.consumers.info(stream.name, durable)).rejects.toThrow(/consumer not found/);
    // Provisioned again (the next boot), it stays where it is.
    await provisionJetStream(jsm, [stream], [merged]);
    expect((await jsm.consumers.info(stream.name, merged.durable)).ack_floor.stream_seq).toBeGreaterThanOrEqual(6);
  });

  it('lets two replicas that boot together both provision a durable that replaces others', async () => {
    const subject = `${stream.name.toLowerCase()}.e`;
    const old = consumerSpec();
    await provisionJetStream(jsm, [stream], [old]);
    for (let n = 1; n <= 3; n++) await js.publish(subject, encode({ id: `m${n}`, key: 'k' }));
    const batch = await (await js.consumers.get(stream.name, old.durable)).fetch({ max_messages: 2, expires: 2000 });
    for await (const message of batch) await message.ackAck();
    const merged = consumerSpec({ replaces: [old.durable] });
    await Promise.all([provisionJetStream(jsm, [stream], [merged]), provisionJetStream(jsm, [stream], [merged])]);
    expect((await jsm.consumers.info(stream.name, merged.durable)).config.opt_start_seq).toBe(3);
    await expect(jsm.consumers.info(stream.name, old.durable)).rejects.toThrow(/consumer not found/);
  });

  it('deletes the durables it replaces on a later boot when a crash left them behind', async () => {
    const left = consumerSpec();
    const merged = consumerSpec({ replaces: [left.durable] });
    await provisionJetStream(jsm, [stream], [merged, left]);
    expect((await jsm.consumers.info(stream.name, left.durable)).config.durable_name).toBe(left.durable);
    await provisionJetStream(jsm, [stream], [merged]);
    await expect(jsm.consumers.info(stream.name, left.durable)).rejects.toThrow(/consumer not found/);
  });

  it('keeps messages queued behind a stalled key alive past ack_wait, and lets other keys through meanwhile', async () => {
    // ack_wait 2 s; key "slow" stalls 5 s on its first message while 6 more of its messages wait.
    const spec = consumerSpec({ ackWaitMs: 2000 });
    await provisionJetStream(jsm, [stream], [spec]);
    const log: { id: string; attempt: number }[] = [];
    const { handler } = recordingHandler(log);
    running = await runConsumer({ js, spec, handler, logger, metrics: createMetrics('t-stall'), concurrency: 2 });
    const subject = `${stream.name.toLowerCase()}.x`;
    await publishDurably(js, subject, encode({ id: 'slow-0', key: 'slow', delayMs: 5000 }), { msgId: 'slow-0' });
    for (let i = 1; i <= 6; i++) await publishDurably(js, subject, encode({ id: `slow-${i}`, key: 'slow' }), { msgId: `slow-${i}` });
    for (let i = 0; i < 3; i++) await publishDurably(js, subject, encode({ id: `fast-${i}`, key: `fast-${i}` }), { msgId: `fast-${i}` });
    // The other keys are handled while "slow" is stalled: its waiting messages hold no slot.
    await waitFor('the other keys handled', async () => ['fast-0', 'fast-1', 'fast-2'].every((id) => log.some((e) => e.id === id)), 3000, 20);
    expect(log.some((e) => e.id === 'slow-0')).toBe(false);
    await waitFor('every message handled', async () => log.length === 10, 20_000);
    // Each handled exactly once, on its first delivery, in order for its key, though they waited 5 s.
    expect(log.map((e) => e.attempt)).toEqual(Array(10).fill(1));
    expect(log.filter((e) => e.id.startsWith('slow-')).map((e) => e.id)).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `slow-${i}`));
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(log).toHaveLength(10);
    await waitFor('acks settled', async () => (await jsm.consumers.info(stream.name, spec.durable)).num_ack_pending === 0);
  });

  it('reports a consumer whose durable was deleted as stalled, creates it again and resumes', async () => {
    const spec = consumerSpec();
    await provisionJetStream(jsm, [stream], [spec]);
    const log: { id: string; attempt: number }[] = [];
    const { handler } = recordingHandler(log);
    const liveness = new SubscriptionLiveness();
    running = await runConsumer({ js, spec, handler, logger, metrics: createMetrics('t-lost'), liveness, fetchExpiresMs: 1000 });
    const subject = `${stream.name.toLowerCase()}.x`;
    await publishDurably(js, subject, encode({ id: 'before', key: 'k' }), { msgId: 'before' });
    await waitFor('the first message handled', async () => log.length === 1);
    const stalledAt = waitFor('the consumer reported stalled', async () => liveness.report().find((s) => s.name === spec.durable), 10_000, 10);
    await jsm.consumers.delete(stream.name, spec.durable);
    expect((await stalledAt).reason).toMatch(/consumer/i);
    expect(() => liveness.assertLive()).toThrow(spec.durable);
    await waitFor('the durable created again', async () => (await jsm.consumers.info(stream.name, spec.durable).catch(() => null)) !== null, 10_000);
    await publishDurably(js, subject, encode({ id: 'after', key: 'k' }), { msgId: 'after' });
    await waitFor('the message after the loss handled', async () => log.some((e) => e.id === 'after'), 10_000);
    await waitFor('live again', async () => liveness.report().length === 0);
    expect(() => liveness.assertLive()).not.toThrow();
  });

  it('applies a changed replica count to existing streams', async () => {
    await provisionJetStream(jsm, [stream], [], { replicas: 1 });
    // A single server cannot hold 3 replicas: the update is attempted, and NATS refuses it by name.
    await expect(provisionJetStream(jsm, [stream], [], { replicas: 3 })).rejects.toThrow(/replica|peers|cluster/i);
    expect((await jsm.streams.info(stream.name)).config.num_replicas).toBe(1);
  });

  it('reports the lag of each durable consumer in the metrics, down to 0 once it has caught up', async () => {
    const spec = consumerSpec();
    await provisionJetStream(jsm, [stream], [spec]);
    const subject = `${stream.name.toLowerCase()}.lag`;
    for (let i = 0; i < 40; i += 1) await publishDurably(js, subject, encode({ id: `m${i}`, key: 'one', delayMs: 20 }), { msgId: `lag-${i}` });
    const log: { id: string; attempt: number }[] = [];
    const { handler } = recordingHandler(log);
    const metrics = createMetrics('t-lag');
    const pending = async () => (await metrics.consumerPending.get()).values.find((v) => v.labels.consumer === spec.durable)?.value;
    running = await runConsumer({ js, spec, handler, logger, metrics, concurrency: 1, lagIntervalMs: 100 });
    expect(await waitFor('a lag reported', async () => ((await pending()) ?? 0) > 10 ? await pending() : undefined, 5000, 20)).toBeGreaterThan(10);
    await waitFor('every message handled', async () => log.length === 40, 20_000);
    await waitFor('the lag back to 0', async () => (await pending()) === 0, 5000, 50);
  });

  it('brings an existing blob bucket to the replica count it is opened with, and leaves it when none is given', async () => {
    const bucket = uniqueName('blobs');
    try {
      const store = await BlobStore.open(nc, { replicas: 1, bucket });
      const key = await store.put('raw', new TextEncoder().encode('kept'));
      await BlobStore.open(nc, { bucket });
      expect((await jsm.streams.info(`OBJ_${bucket}`)).config.num_replicas).toBe(1);
      // One server cannot hold 3 replicas: the update is attempted and refused, nothing changes.
      await expect(BlobStore.open(nc, { replicas: 3, bucket })).rejects.toThrow(/replica|peers|cluster/i);
      expect(new TextDecoder().decode((await store.get(key))!)).toBe('kept');
    } finally {
      await jsm.streams.delete(`OBJ_${bucket}`).catch(() => undefined);
    }
  });

  it('stores a message published twice with the same message id once', async () => {
    const subject = `${stream.name.toLowerCase()}.dedupe`;
    const first = await publishDurably(js, subject, encode({ id: 'a', key: 'k' }), { msgId: 'same-id' });
    const second = await publishDurably(js, subject, encode({ id: 'a', key: 'k' }), { msgId: 'same-id' });
    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    expect((await jsm.streams.info(stream.name)).state.messages).toBe(1);
  });

  it('handles messages of one key in order and different keys in parallel, within the bound', async () => {
    const spec = consumerSpec();
    await provisionJetStream(jsm, [stream], [spec]);
    const log: { id: string; attempt: number }[] = [];
    const { handler, state } = recordingHandler(log);
    running = await runConsumer({ js, spec, handler, logger, metrics: createMetrics('t1'), concurrency: 4 });
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    for (let i = 0; i < 60; i++) {
      const key = keys[i % keys.length];
      await publishDurably(js, `${stream.name.toLowerCase()}.${key}`, encode({ id: `${key}-${i}`, key, delayMs: 5 }), { msgId: `m${i}` });
    }
    await waitFor('all handled', async () => log.length === 60);
    for (const key of keys) {
      const order = log.filter((entry) => entry.id.startsWith(`${key}-`)).map((entry) => Number(entry.id.split('-')[1]));
      expect(order).toEqual([...order].sort((x, y) => x - y));
    }
    expect(state.maxConcurrent).toBeGreaterThan(1);
    expect(state.maxConcurrent).toBeLessThanOrEqual(4);
    await waitFor('acks settled', async () => (await jsm.consumers.info(stream.name, spec.durable)).num_ack_pending === 0);
  });

  it('retries a transient failure with backoff and acks once it succeeds', async () => {
    const spec = consumerSpec({ maxDeliver: 5 });
    await provisionJetStream(jsm, [stream], [spec]);
    const log: { id: string; attempt: number }[] = [];
    const { handler } = recordingHandler(log);
    const delays: number[] = [];
    running = await runConsumer({
      js,
      spec,
      handler,
      logger,
      metrics: createMetrics('t2'),
      backoffMs: (count) => {
        delays.push(count);
        return 50 * count;
      },
    });
    await publishDurably(js, `${stream.name.toLowerCase()}.x`, encode({ id: 'flaky', key: 'x', fail: 'twice' }), { msgId: 'flaky' });
    await waitFor('handled after retries', async () => log.length === 1);
    expect(log[0]).toMatchObject({ id: 'flaky', attempt: 3 });
    expect(delays).toEqual([1, 2]);
    await waitFor('acked', async () => {
      const info = await jsm.consumers.info(stream.name, spec.durable);
      return info.num_ack_pending === 0 && info.num_pending === 0;
    });
  });

  it('dead-letters a poison message after max_deliver while the messages behind it keep flowing, and replays it', async () => {
    const spec = consumerSpec({ maxDeliver: 3 });
    await provisionJetStream(jsm, [stream], [spec]);
    const log: { id: string; attempt: number }[] = [];
    const attempts = new Map<string, number>();
    const { handler } = recordingHandler(log, attempts);
    running = await runConsumer({ js, spec, handler, logger, metrics: createMetrics('t3'), backoffMs: () => 100 });
    const subject = `${stream.name.toLowerCase()}.orders`;
    await publishDurably(js, subject, encode({ id: 'poison', key: 'p', fail: 'always' }), { msgId: 'poison' });
    for (let i = 0; i < 20; i++) {
      await publishDurably(js, subject, encode({ id: `good-${i}`, key: `g${i % 3}` }), { msgId: `good-${i}` });
    }
    await waitFor('good messages handled', async () => log.filter((e) => e.id.startsWith('good-')).length === 20);
    const letters = await waitFor('dead letter', async () => {
      const found = await listDeadLetters(jsm, spec.durable);
      return found.length === 1 ? found : undefined;
    });
    expect(attempts.get('poison')).toBe(3);
    expect(letters[0]).toMatchObject({ stream: stream.name, subject, consumer: spec.durable, deliveries: 3 });
    expect(letters[0].error).toContain('transient failure of poison');
    await waitFor('poison terminated, nothing pending', async () => {
      const info = await jsm.consumers.info(stream.name, spec.durable);
      return info.num_ack_pending === 0 && info.num_pending === 0;
    });

    // The operator fixes the cause and replays: the message is handled and leaves the DLQ.
    await running.stop();
    const fixedLog: { id: string; attempt: number }[] = [];
    const fixed: EventHandler<TestEvent> = { ...recordingHandler(fixedLog).handler, decode: (data) => ({ ...(JSON.parse(new TextDecoder().decode(data)) as TestEvent), fail: undefined }) };
    running = await runConsumer({ js, spec, handler: fixed, logger, metrics: createMetrics('t3b') });
    await replayDeadLetter(js, jsm, letters[0].dlqSequence);
    await waitFor('replayed message handled', async () => fixedLog.some((e) => e.id === 'poison'));
    expect(await listDeadLetters(jsm, spec.durable)).toEqual([]);
  });

  it('handles ready messages in batches of distinct keys; a failing batch is split so only its poison message is dead-lettered', async () => {
    const spec = consumerSpec({ maxDeliver: 3, maxAckPending: 1000 });
    await provisionJetStream(jsm, [stream], [spec]);
    const subject = `${stream.name.toLowerCase()}.batch`;
    // Published before the consumer starts, so they are waiting when it fetches: 200 with one poison among them.
    for (let i = 0; i < 200; i++) {
      const event: TestEvent = i === 117 ? { id: 'poison', key: 'k117' } : { id: `m-${i}`, key: `k${i % 150}` };
      await publishDurably(js, subject, encode(event), { msgId: `b-${i}` });
    }
    const committed = new Map<string, number>();
    const batches: string[][] = [];
    let singles = 0;
    const handler: EventHandler<TestEvent> = {
      decode: (data) => JSON.parse(new TextDecoder().decode(data)) as TestEvent,
      orderingKey: (event) => event.key,
      handle: async (event) => {
        singles += 1;
        if (event.id === 'poison') throw new PermanentError('poison');
        committed.set(event.id, (committed.get(event.id) ?? 0) + 1);
      },
      handleBatch: async (events) => {
        const ids = events.map((e) => e.event.id);
        batches.push(ids);
        expect(new Set(events.map((e) => e.event.key)).size).toBe(events.length);
        await new Promise((resolve) => setTimeout(resolve, 20));
        // All or nothing, like a transaction.
        if (ids.includes('poison')) throw new Error('one event in the batch is poison');
        for (const id of ids) committed.set(id, (committed.get(id) ?? 0) + 1);
      },
    };
    running = await runConsumer({ js, spec, handler, logger, metrics: createMetrics('t-batch'), concurrency: 1, batchSize: 100 });
    await waitFor('every good message committed', async () => committed.size === 199, 20_000);
    const letters = await waitFor('the poison message dead-lettered', async () => {
      const found = await listDeadLetters(jsm, spec.durable);
      return found.length === 1 ? found : undefined;
    });
    expect(letters[0]).toMatchObject({ deliveries: 1, error: 'poison' });
    expect([...committed.values()].every((n) => n === 1)).toBe(true);
    expect(batches.some((b) => b.length >= 20)).toBe(true);
    expect(batches.every((b) => b.length <= 100)).toBe(true);
    // Only the batch that held the poison was split into single handling; the rest went in batches
    // (a message that found no other ready one is handled alone).
    const split = batches.find((b) => b.includes('poison'))!;
    expect(split.length).toBeGreaterThan(1);
    expect(singles).toBe(split.length + (200 - batches.reduce((n, b) => n + b.length, 0)));
    await waitFor('acks settled', async () => {
      const info = await jsm.consumers.info(stream.name, spec.durable);
      return info.num_ack_pending === 0 && info.num_pending === 0;
    });
  });

  it('dead-letters an undecodable message at once, without retries', async () => {
    const spec = consumerSpec({ maxDeliver: 5 });
    await provisionJetStream(jsm, [stream], [spec]);
    const log: { id: string; attempt: number }[] = [];
    const { handler } = recordingHandler(log);
    running = await runConsumer({ js, spec, handler, logger, metrics: createMetrics('t4') });
    await js.publish(`${stream.name.toLowerCase()}.bad`, new TextEncoder().encode('{not json'), { msgID: 'garbage' });
    await publishDurably(js, `${stream.name.toLowerCase()}.ok`, encode({ id: 'after', key: 'k' }), { msgId: 'after' });
    const letters = await waitFor('dead letter', async () => {
      const found = await listDeadLetters(jsm, spec.durable);
      return found.length === 1 ? found : undefined;
    });
    expect(letters[0].deliveries).toBe(1);
    expect(letters[0].error).toMatch(/undecodable/);
    await waitFor('next message handled', async () => log.some((e) => e.id === 'after'));
  });

  it('treats a PermanentError from the handler as final', async () => {
    const spec = consumerSpec({ maxDeliver: 5 });
    await provisionJetStream(jsm, [stream], [spec]);
    let calls = 0;
    const handler: EventHandler<TestEvent> = {
      decode: (data) => JSON.parse(new TextDecoder().decode(data)) as TestEvent,
      orderingKey: (e) => e.key,
      handle: async () => {
        calls += 1;
        throw new PermanentError('references an account that does not exist');
      },
    };
    running = await runConsumer({ js, spec, handler, logger, metrics: createMetrics('t5') });
    await publishDurably(js, `${stream.name.toLowerCase()}.p`, encode({ id: 'p', key: 'k' }), { msgId: 'p' });
    await waitFor('dead letter', async () => (await listDeadLetters(jsm, spec.durable)).length === 1);
    expect(calls).toBe(1);
  });

  it('carries the publisher request id in NATS headers into the handler', async () => {
    const spec = consumerSpec();
    await provisionJetStream(jsm, [stream], [spec]);
    const log: { id: string; attempt: number; requestId?: string }[] = [];
    const { handler } = recordingHandler(log);
    running = await runConsumer({ js, spec, handler, logger, metrics: createMetrics('t6') });
    await runWithRequestContext({ requestId: 'req-from-http-7' }, () =>
      publishDurably(js, `${stream.name.toLowerCase()}.r`, encode({ id: 'traced', key: 'k' }), { msgId: 'traced' }),
    );
    await waitFor('handled', async () => log.length === 1);
    expect(log[0].requestId).toBe('req-from-http-7');
  });

  it('on stop, finishes in-flight work and leaves unstarted messages for redelivery', async () => {
    const spec = consumerSpec({ ackWaitMs: 30_000 });
    await provisionJetStream(jsm, [stream], [spec]);
    const log: { id: string; attempt: number }[] = [];
    const { handler } = recordingHandler(log);
    running = await runConsumer({ js, spec, handler, logger, metrics: createMetrics('t7'), concurrency: 2 });
    for (let i = 0; i < 30; i++) {
      await publishDurably(js, `${stream.name.toLowerCase()}.s`, encode({ id: `s-${i}`, key: `k${i % 2}`, delayMs: 30 }), { msgId: `s-${i}` });
    }
    await waitFor('some handled', async () => log.length >= 3);
    await running.stop();
    const handledBeforeStop = log.length;
    expect(handledBeforeStop).toBeLessThan(30);
    running = await runConsumer({ js, spec, handler, logger, metrics: createMetrics('t7b'), concurrency: 2 });
    // Unstarted messages were returned with nak: they come back at once, not after the 30 s ack_wait.
    await waitFor('rest handled promptly', async () => new Set(log.map((e) => e.id)).size === 30, 10_000);
    expect(log.length).toBe(30);
  });
});
