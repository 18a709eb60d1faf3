// Typed promise clients over ts-proto service definitions: every call has a deadline, carries
// the current request id in metadata, and rejects with the domain error the server raised.
import {
  Client,
  Metadata,
  credentials,
  status,
  type MethodDefinition,
  type ServiceDefinition,
  type ServiceError,
} from '@grpc/grpc-js';
import { CLIENT_AGENT_HEADER, CLIENT_IP_HEADER, REQUEST_ID_HEADER, currentRequestClient, currentRequestId } from '../logging/request-context';
import { SpanKind, inSpan, injectContext } from '../observability/tracing';
import { fromServiceError } from './errors';

const METADATA_SETTER = { set: (metadata: Metadata, key: string, value: string) => metadata.set(key, value) };

/**
 * A stream the server refused (HTTP/2 REFUSED_STREAM) never reached its handler, so sending the
 * call again is safe. grpc-js does so once by itself; while the servers' connections reach their
 * maximum age together, the second attempt can be refused as well.
 */
const REFUSED_RETRIES = 2;

function refusedUnprocessed(error: ServiceError): boolean {
  // grpc-js reports the stream's reset code only in these words.
  return error.code === status.UNAVAILABLE && error.details === 'Stream refused by server';
}

function callMetadata(): Metadata {
  const metadata = new Metadata();
  const requestId = currentRequestId();
  if (requestId) metadata.set(REQUEST_ID_HEADER, requestId);
  const caller = currentRequestClient();
  if (caller) {
    metadata.set(CLIENT_IP_HEADER, caller.ip);
    metadata.set(CLIENT_AGENT_HEADER, caller.userAgent);
  }
  injectContext(metadata, METADATA_SETTER);
  return metadata;
}

export interface CallOptions {
  deadlineMs?: number;
}

export type PromiseClient<D> = {
  [K in keyof D]: D[K] extends MethodDefinition<infer Req, infer Res> ? (request: Req, options?: CallOptions) => Promise<Res> : never;
};

export interface ServiceClient<D> {
  call: PromiseClient<D>;
  /** Resolves when the channel is connected, rejects after the deadline. */
  waitForReady: (deadlineMs: number) => Promise<void>;
  close: () => void;
}

/**
 * One channel to an address; several service clients of one server may share it. Calls go
 * round-robin over every address the name resolves to (a headless Service gives one per pod);
 * the servers' maximum connection age makes clients re-resolve, so new replicas get traffic.
 */
export function createChannel(address: string): Client {
  return new Client(address, credentials.createInsecure(), {
    'grpc.keepalive_time_ms': 30000,
    'grpc.max_receive_message_length': 16 * 1024 * 1024,
    'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
  });
}

export function createServiceClient<D extends ServiceDefinition>(
  definition: D,
  address: string,
  defaults: { deadlineMs: number },
  channel?: Client,
): ServiceClient<D> {
  const client = channel ?? createChannel(address);
  const call = {} as Record<string, (request: unknown, options?: CallOptions) => Promise<unknown>>;
  for (const [name, method] of Object.entries(definition) as [string, MethodDefinition<unknown, unknown>][]) {
    call[name] = (request, options) =>
      inSpan(method.path.slice(1), { kind: SpanKind.CLIENT, attributes: { 'rpc.system': 'grpc', 'rpc.method': method.path } }, () =>
        new Promise((resolve, reject) => {
          const deadline = new Date(Date.now() + (options?.deadlineMs ?? defaults.deadlineMs));
          // Made here, in the caller's context: a retry runs in grpc-js's callback.
          const metadata = callMetadata();
          const attempt = (refusalsLeft: number) =>
            client.makeUnaryRequest(
              method.path,
              method.requestSerialize,
              method.responseDeserialize,
              request,
              metadata.clone(),
              { deadline },
              (error: ServiceError | null, response?: unknown) => {
                if (error && refusalsLeft > 0 && refusedUnprocessed(error) && Date.now() < deadline.getTime()) return attempt(refusalsLeft - 1);
                return error ? reject(fromServiceError(error)) : resolve(response);
              },
            );
          attempt(REFUSED_RETRIES);
        }),
      );
  }
  return {
    call: call as PromiseClient<D>,
    waitForReady: (deadlineMs) =>
      new Promise((resolve, reject) =>
        client.waitForReady(new Date(Date.now() + deadlineMs), (error) => (error ? reject(error) : resolve())),
      ),
    close: () => client.close(),
  };
}
