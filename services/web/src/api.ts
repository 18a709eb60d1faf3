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
  const renewed = await api<{ token: string }>('POST', '/auth/refresh');
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

export async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
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

export interface User { id: string; name: string; email: string; role: string; deactivated?: boolean }
export interface Inbox { id: string; name: string }
export interface CustomView {
  id: string;
  inboxId: string;
  name: string;
  ownerId: string;
  shared: boolean;
  filters: { baseView: string; channel: string | null; assignee: string | null; needsReply: boolean };
}
export interface View { id: string; name: string; count: number; custom?: CustomView }
export interface ConversationItem {
  id: string;
  status: 'open' | 'closed';
  channel: string;
  subject: string;
  preview: string;
  contact: { id: string; name: string; email: string | null } | null;
  participantCount: number;
  assignee: { id: string; name: string } | null;
  lastMessageAt: string;
  lastMessageDirection: 'inbound' | 'outbound';
  commentPreview: string | null;
  trashedAt: string | null;
  highlights?: string[];
}
export interface Message {
  id: string;
  direction: 'inbound' | 'outbound';
  channel: string;
  from: { name: string; address: string };
  subject: string;
  text: string;
  html: string | null;
  hidden: boolean;
  hiddenBy: string | null;
  attachments: { id: string; filename: string; url: string }[];
  createdAt: string;
  deliveryStatus: string | null;
  deliveryError: string | null;
  authentication: { spf: string; dkim: string; dmarc: string; aligned: boolean } | null;
  fields: Record<string, string>;
}
export interface Comment { id: string; authorName: string; text: string; createdAt: string }
export interface Call {
  direction: 'inbound' | 'outbound';
  from: string;
  to: string;
  status: string;
  durationSeconds: number;
  recordingUrl: string | null;
  transcript: string | null;
  missed: boolean;
}
export interface ConversationDetail extends ConversationItem {
  messages: Message[];
  comments: Comment[];
  call: Call | null;
  filtered: boolean;
  filteredReason: string | null;
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
