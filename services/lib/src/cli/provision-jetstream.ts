// Provisions every JetStream stream, durable consumer and the blob object store the services
// use, at the configured replica count (idempotent; a changed count is applied); the
// Helm chart runs it as a pre-install/pre-upgrade hook.
//   NATS_URL=nats://… NATS_STREAM_REPLICAS=3 node services/lib/dist/cli/provision-jetstream.js
import { jetstreamManager } from '@nats-io/jetstream';
import { z } from 'zod';
import { commonConfigShape, env, loadConfig } from '../config/config';
import { BLOB_BUCKET, BlobStore } from '../jetstream/blob-store';
import { loggedSettle } from '../jetstream/cluster-settle';
import { connectNats } from '../jetstream/connection';
import { CONSUMERS, STREAMS, provisionJetStream } from '../jetstream/streams';
import { createLogger } from '../logging/logger';
import { errorMessage } from '../observability/health';

async function main(): Promise<void> {
  const config = loadConfig(z.object({ NATS_URL: commonConfigShape.NATS_URL, NATS_TLS_CA_FILE: commonConfigShape.NATS_TLS_CA_FILE, NATS_STREAM_REPLICAS: env.int(1, 1) }));
  const logger = createLogger({ service: 'provision-jetstream' });
  const nc = await connectNats(config.NATS_URL, 'provision-jetstream', logger, { caFile: config.NATS_TLS_CA_FILE });
  try {
    const placement = { replicas: config.NATS_STREAM_REPLICAS, settle: loggedSettle(logger) };
    await provisionJetStream(await jetstreamManager(nc), Object.values(STREAMS), Object.values(CONSUMERS), placement);
    await BlobStore.open(nc, placement);
    logger.info({ streams: Object.values(STREAMS).map((s) => s.name), objectStores: [BLOB_BUCKET], consumers: Object.values(CONSUMERS).map((c) => c.durable) }, 'jetstream provisioned');
  } finally {
    await nc.drain();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`jetstream provisioning failed: ${errorMessage(error)}\n`);
  process.exitCode = 1;
});
