// Services and NATS servers start together (a Helm install, a whole-cluster restart): a service may
// provision its streams before every NATS server has joined, and the cluster then refuses to
// place three replicas. Provisioning waits for the cluster instead of failing the service's boot,
// and gives up with the cluster's own error only after its wait.
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { BLOB_BUCKET, BlobStore, CONSUMERS, STREAMS, isClusterForming, provisionJetStream } from '@inbox/lib';
import { waitFor } from '@inbox/testkit';
import { NatsCluster } from '../support/nats-cluster';

jest.setTimeout(180_000);

describe('provisioning JetStream while the cluster forms', () => {
  const cluster = new NatsCluster();
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    // Three servers configured, two running: a meta leader, but one peer short of three replicas.
    await cluster.start(3, 2);
    nc = await connect({ servers: cluster.urls.split(','), name: 'provision-test' });
    jsm = await jetstreamManager(nc);
  });

  afterAll(async () => {
    await nc?.close();
    await cluster.stop();
  });

  it('gives up with the cluster error once its wait is over', async () => {
    const started = Date.now();
    const error = await provisionJetStream(jsm, [STREAMS.ingest], [], { replicas: 3, settle: { timeoutMs: 1500 } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(String(error)).toMatch(/no suitable peers for placement/);
    expect(isClusterForming(error)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    await expect(jsm.streams.info(STREAMS.ingest.name)).rejects.toThrow(/stream not found/);
  });

  it('waits for the third server, then provisions every stream, consumer and the blob store at three replicas', async () => {
    const refusals: unknown[] = [];
    const settle = { timeoutMs: 120_000, onWait: (error: unknown) => refusals.push(error) };
    let done = false;
    const provisioned = provisionJetStream(jsm, [STREAMS.ingest, STREAMS.conversationEvents, STREAMS.deadLetter], [CONSUMERS.conversationInbound, CONSUMERS.searchIndexer], {
      replicas: 3,
      settle,
    })
      .then(() => BlobStore.open(nc, { replicas: 3, bucket: BLOB_BUCKET, settle }))
      .finally(() => {
        done = true;
      });

    await waitFor('provisioning refused twice', async () => refusals.length >= 2, 30_000, 100);
    expect(done).toBe(false);
    expect(refusals.every(isClusterForming)).toBe(true);

    await cluster.restart('n3');
    await provisioned;

    for (const stream of [STREAMS.ingest.name, STREAMS.conversationEvents.name, STREAMS.deadLetter.name, `OBJ_${BLOB_BUCKET}`]) {
      const info = await jsm.streams.info(stream);
      expect(info.config.num_replicas).toBe(3);
      expect((info.cluster?.replicas ?? []).length).toBe(2);
    }
    expect((await jsm.consumers.info(STREAMS.ingest.name, CONSUMERS.conversationInbound.durable)).config.durable_name).toBe(CONSUMERS.conversationInbound.durable);
    expect((await jsm.consumers.info(STREAMS.conversationEvents.name, CONSUMERS.searchIndexer.durable)).config.durable_name).toBe(CONSUMERS.searchIndexer.durable);
  });

  it('does not wait on an error that is the caller mistake', async () => {
    const started = Date.now();
    const invalid = { ...STREAMS.deadLetter, name: 'OTHER_DLQ' };
    // Overlapping subjects are refused for good: no amount of waiting places this stream.
    await expect(provisionJetStream(jsm, [invalid], [], { replicas: 3, settle: { timeoutMs: 30_000 } })).rejects.toThrow(/subjects overlap/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
