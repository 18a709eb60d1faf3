// How far the running stack's consumers are behind: for scenarios that must start on an idle
// pipeline or bill one scenario's work to it alone. One NATS connection per process.
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { CONSUMERS } from '@inbox/lib';
import { waitUntil } from './harness';

let natsConnection: Awaited<ReturnType<typeof connect>> | undefined;

async function connection(): Promise<Awaited<ReturnType<typeof connect>>> {
  natsConnection ??= await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', timeout: 10_000 });
  return natsConnection;
}

/** Messages accepted by ingest and not yet stored. */
export async function inboundPending(): Promise<number> {
  const info = await (await jetstreamManager(await connection())).consumers.info(CONSUMERS.conversationInbound.stream, CONSUMERS.conversationInbound.durable);
  return info.num_pending + info.num_ack_pending;
}

/** Messages any durable consumer (inbound, search, routing, notification…) has not finished. */
async function pendingEverywhere(): Promise<number> {
  const jsm = await jetstreamManager(await connection());
  let pending = 0;
  for (const spec of Object.values(CONSUMERS)) {
    const info = await jsm.consumers.info(spec.stream, spec.durable).catch(() => undefined);
    if (info) pending += info.num_pending + info.num_ack_pending;
  }
  return pending;
}

/** Waits until every consumer has caught up, so one scenario's work never bills the next. */
export async function drain(): Promise<void> {
  await waitUntil('every consumer to catch up', async () => (await pendingEverywhere()) === 0, 600_000, 1000);
}

export async function closePipelineWatch(): Promise<void> {
  await natsConnection?.close();
  natsConnection = undefined;
}
