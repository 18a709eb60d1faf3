import type { BodyArgs, Method, PathOf, ResponseFor } from './api-routes';
export type { BodyFor, ResponseFor } from './api-routes';
import type { components, paths } from './gen/api-schema';
// The gateway's REST API as the inbox uses it; the token lives in localStorage.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'inbox.token';

export const session = {
  get token(): string | null {
    return localStorage.getItem(TOKEN_KEY);
  },
  set token(value: string | null) {
    if (value) localStorage.setItem(TOKEN_KEY, value);
    else localStorage.removeItem(TOKEN_KEY);
  },
};

/** The token's issue and expiry times (seconds), read from its payload; null for anything unreadable. */
function tokenTimes(token: string): { iat: number; exp: number } | null {
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))) as { iat?: number; exp?: number };
    return typeof payload.iat === 'number' && typeof payload.exp === 'number' ? { iat: payload.iat, exp: payload.exp } : null;
  } catch {
    return null;
  }
}

/** Renews the session once half of the token's lifetime has passed, so a day's work is never cut off. */
export async function renewSessionIfDue(now = Date.now() / 1000): Promise<void> {
  const token = session.token;
  const times = token ? tokenTimes(token) : null;
  if (!times || now < times.iat + (times.exp - times.iat) / 2) return;
  const renewed = await api('POST', '/auth/refresh');
  if (session.token === token) session.token = renewed.token;
}

const endedListeners = new Set<() => void>();

/** Called when the server refuses the session (expired, revoked, signed out elsewhere). */
export function onSessionEnded(listener: () => void): () => void {
  endedListeners.add(listener);
  return () => endedListeners.delete(listener);
}

export function endSession(): void {
  const hadSession = session.token !== null;
  session.token = null;
  if (hadSession) for (const listener of endedListeners) listener();
}

/**
 * Calls the gateway. The path must be one of its routes (see api-routes.ts); the body and the
 * answer are typed from the route's OpenAPI operation.
 */
export function api<M extends Method, P extends PathOf<M>>(method: M, path: P, ...body: BodyArgs<M, P>): Promise<ResponseFor<M, P>> {
  return request(method, path, body[0]);
}

/**
 * A call whose path is composed at run time (a list's or a search's query), so the compiler
 * cannot match it to a route: the caller names the answer's type, ideally with ResponseFor.
 */
export async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (session.token) headers.authorization = `Bearer ${session.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    if (response.status === 401 && headers.authorization) endSession();
    throw new ApiError(response.status, data?.error?.code ?? 'error', data?.error?.message ?? `request failed (${response.status})`);
  }
  return data as T;
}

// The API's shapes, generated from the gateway's own OpenAPI document (npm run api:gen), so the
// client cannot drift from what the gateway sends.
type Schemas = components['schemas'];
type Json<R> = R extends { content: { 'application/json': infer B } } ? B : never;
/** The JSON body of a successful response of the operation at path P with method M. */
export type ResponseOf<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { responses: infer Rs }
  ? Json<Rs[(200 | 201) & keyof Rs]>
  : never;

export type User = Schemas['User'];
export type Inbox = Schemas['Inbox'];
export type Channel = Schemas['Channel'];
export type CustomView = Schemas['CustomView'];
export type View = ResponseOf<'/api/v1/inboxes/{inboxId}/views', 'get'>[number];
export type ConversationItem = Schemas['ConversationListItem'] & { highlights?: string[] };
export type Message = Schemas['Message'];
export type Comment = Schemas['Comment'];
export type Call = NonNullable<Schemas['Call']>;
export type ConversationDetail = ResponseOf<'/api/v1/conversations/{id}', 'get'>;
export type Webhook = Schemas['Webhook'];
export type WebhookDelivery = Schemas['WebhookDelivery'];
export type WebhookWithSecret = ResponseOf<'/api/v1/webhooks', 'post'>;
export type AuditEntry = Schemas['AuditEntry'];
export type RetentionPolicy = Schemas['RetentionPolicy'];
export type RetentionPreview = Schemas['RetentionPreview'];
export type LegalHold = Schemas['LegalHold'];
export type SsoSettings = Schemas['SsoSettings'];

/** Fetches an authenticated download (a CSV, an export) and hands it to the browser as a file. */
export async function downloadFile(path: string, fileName: string): Promise<void> {
  const response = await fetch(`/api/v1${path}`, { headers: session.token ? { authorization: `Bearer ${session.token}` } : {} });
  if (!response.ok) throw new ApiError(response.status, 'export_failed', `export failed (${response.status})`);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  URL.revokeObjectURL(url);
}

/** Uploads a file for an email reply; returns its id for attachmentIds. */
export async function upload(file: File): Promise<{ id: string; filename: string }> {
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
  if (session.token) headers.authorization = `Bearer ${session.token}`;
  const query = new URLSearchParams({ filename: file.name, contentType: file.type || 'application/octet-stream' });
  const response = await fetch(`/api/v1/uploads?${query}`, { method: 'POST', headers, body: file });
  const data = await response.json().catch(() => undefined);
  if (!response.ok) throw new ApiError(response.status, data?.error?.code ?? 'error', data?.error?.message ?? `upload failed (${response.status})`);
  return data;
}
