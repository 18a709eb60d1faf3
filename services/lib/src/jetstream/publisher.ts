// Publishing with a message id (JetStream drops a repeat inside the stream's duplicate
// window) and the current request id in the headers. Resolves only once the stream has it.
import type { JetStreamClient, PubAck } from '@nats-io/jetstream';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/nats-core';
import { NATS_REQUEST_ID_HEADER, currentRequestId } from '../logging/request-context';

export interface PublishOptions {
  msgId: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export async function publishDurably(
  js: JetStreamClient,
  subject: string,
  data: Uint8Array,
  options: PublishOptions,
): Promise<PubAck> {
  const headers: MsgHdrs = natsHeaders();
  for (const [key, value] of Object.entries(options.headers ?? {})) headers.set(key, value);
  const requestId = currentRequestId();
  if (requestId && !headers.has(NATS_REQUEST_ID_HEADER)) headers.set(NATS_REQUEST_ID_HEADER, requestId);
  return js.publish(subject, data, { msgID: options.msgId, headers, timeout: options.timeoutMs ?? 5000 });
}
