// NATS connection with reconnects logged; closing drains, so subscriptions finish and
// buffered publishes are flushed before the socket closes.
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from '../logging/logger';

export type { NatsConnection } from '@nats-io/nats-core';

/**
 * url: one or more comma-separated servers, nats:// or tls:// (TLS required), credentials in the
 * URL if any. caFile: the PEM bundle that signs the servers' certificates, when not a public CA.
 */
export async function connectNats(url: string, name: string, logger: Logger, tls: { caFile?: string } = {}): Promise<NatsConnection> {
  const nc = await connect({
    servers: url.split(',').map((s) => s.trim()),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    timeout: 5000,
    // Otherwise every request (each JetStream publish among them) builds two Error objects up
    // front, stack traces and all, in case it fails: 2.5% of ingest's CPU. A failure still says what failed.
    noAsyncTraces: true,
    ...(tls.caFile ? { tls: { caFile: tls.caFile } } : {}),
  });
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect' || s.type === 'reconnect' || s.type === 'error') {
        logger.warn({ natsStatus: s.type }, 'nats connection status changed');
      }
    }
  })();
  return nc;
}

/** Readiness: the connection is up and the server answers a round trip. */
export async function pingNats(nc: NatsConnection): Promise<void> {
  if (nc.isClosed()) throw new Error('connection closed');
  await nc.flush();
}
