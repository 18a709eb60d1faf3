// Carries the request id (and tenant) through async work, so logs, gRPC metadata and NATS
// headers pick it up without threading it through every call.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** Where an HTTP request came from, as the gateway saw it: the audit trail records it. */
export interface RequestClient {
  ip: string;
  userAgent: string;
}

export interface RequestContext {
  requestId: string;
  tenantId?: string;
  client?: RequestClient;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const REQUEST_ID_HEADER = 'x-request-id';
export const CLIENT_IP_HEADER = 'x-inbox-client-ip';
export const CLIENT_AGENT_HEADER = 'x-inbox-client-agent';
export const NATS_REQUEST_ID_HEADER = 'Inbox-Request-Id';

export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Accepts a caller's id when it is well-formed, otherwise mints a new one. */
export function requestIdFrom(incoming: unknown): string {
  const value = Array.isArray(incoming) ? incoming[0] : incoming;
  return typeof value === 'string' && VALID_REQUEST_ID.test(value) ? value : randomUUID();
}

/** The client of the request being served, when it came through the gateway. */
export function currentRequestClient(): RequestClient | undefined {
  return storage.getStore()?.client;
}

/** Metadata values are caller-supplied text: bounded, printable, and never an object. */
export function requestClientFrom(ip: unknown, userAgent: unknown): RequestClient | undefined {
  const text = (value: unknown, max: number) => (typeof value === 'string' ? value.replace(/[^\x20-\x7e]/g, '').slice(0, max) : '');
  const client = { ip: text(ip, 64), userAgent: text(userAgent, 512) };
  return client.ip || client.userAgent ? client : undefined;
}
