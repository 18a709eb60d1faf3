// Publishing with a message id (JetStream drops a repeat inside the stream's duplicate
// window), the current request id and W3C trace context in the headers. Resolves only once the
// stream has it. A `traceparent` given in the headers (a relayed outbox row's) is the parent.
import type { JetStreamClient, PubAck } from '@nats-io/jetstream';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/nats-core';
import { NATS_REQUEST_ID_HEADER, currentRequestId } from '../logging/request-context';
import { SpanKind, TRACEPARENT_HEADER, extractContext, inSpan, injectContext } from '../observability/tracing';

const HEADERS_SETTER = { set: (headers: MsgHdrs, key: string, value: string) => headers.set(key, value) };
const RECORD_GETTER = { keys: (carrier: Record<string, string>) => Object.keys(carrier), get: (carrier: Record<string, string>, key: string) => carrier[key] };

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
  const given = options.headers ?? {};
  const parent = given[TRACEPARENT_HEADER] ? extractContext(given, RECORD_GETTER) : undefined;
  return inSpan(`publish ${subject.split('.')[0]}`, { kind: SpanKind.PRODUCER, parent, attributes: { 'messaging.system': 'nats', 'messaging.destination.name': subject } }, () => {
    const headers: MsgHdrs = natsHeaders();
    for (const [key, value] of Object.entries(given)) if (key !== TRACEPARENT_HEADER && key !== 'tracestate') headers.set(key, value);
    const requestId = currentRequestId();
    if (requestId && !headers.has(NATS_REQUEST_ID_HEADER)) headers.set(NATS_REQUEST_ID_HEADER, requestId);
    injectContext(headers, HEADERS_SETTER);
    return js.publish(subject, data, { msgID: options.msgId, headers, timeout: options.timeoutMs ?? 5000 });
  });
}
