// Shared settings for the k6 scenarios: where the stack is, and the SLOs the thresholds enforce,
// taken from the benchmark issue's goals for a 2-core machine with the whole stack co-located.
// Loopback by default; bounded in time and virtual users.
import http from 'k6/http';
import { check, fail } from 'k6';

export const GATEWAY = __ENV.GATEWAY_URL || 'http://127.0.0.1:8080';
export const INGEST = __ENV.INGEST_URL || 'http://127.0.0.1:8081';
// Health and metrics are served on each service's ops port, never the public one.
export const GATEWAY_OPS = __ENV.GATEWAY_OPS_URL || 'http://127.0.0.1:9106';
export const INGEST_OPS = __ENV.INGEST_OPS_URL || 'http://127.0.0.1:9105';

export const SLO = {
  // list view and open conversation: p99 <= 40 ms
  readP95: 'p(95)<25',
  readP99: 'p(99)<40',
  // replies and comments (no stated goal; the read goal doubled)
  writeP95: 'p(95)<50',
  writeP99: 'p(99)<80',
  // ingest accepted: p99 <= 20 ms
  acceptP95: 'p(95)<12',
  acceptP99: 'p(99)<20',
  // search API p99 <= 120 ms
  searchP99: 'p(99)<120',
  // time to inbox p50 <= 50 ms, p99 <= 250 ms; real-time delivery p99 <= 100 ms
  timeToInboxP50: 'p(50)<50',
  timeToInboxP99: 'p(99)<250',
  errorRate: 'rate<0.01',
};

export interface Fixture {
  token: string;
  inboxId: string;
  address: string;
  formId: string;
  widgetId: string;
  userId: string;
}

export function json(body: unknown, token?: string) {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  return { headers, body: JSON.stringify(body) };
}

export function auth(token: string) {
  return { headers: { Authorization: `Bearer ${token}` } };
}

/**
 * The user the scenario acts as. A default install has sign-up off: give INBOX_TOKEN (a signed-in
 * admin's token) or INBOX_EMAIL and INBOX_PASSWORD of a provisioned admin. Without either, a
 * throwaway account is signed up (development stacks, where sign-up is on).
 */
function signIn(): { token: string; userId: string } {
  let token = __ENV.INBOX_TOKEN || '';
  if (!token && __ENV.INBOX_EMAIL) {
    const login = http.post(`${GATEWAY}/api/v1/auth/login`, JSON.stringify({ email: __ENV.INBOX_EMAIL, password: __ENV.INBOX_PASSWORD || '' }), {
      headers: { 'Content-Type': 'application/json' },
    });
    if (!check(login, { 'signed in': (r) => r.status === 200 })) fail(`sign-in failed: ${login.status} ${login.body}`);
    token = (login.json() as { token: string }).token;
  }
  if (token) {
    const me = http.get(`${GATEWAY}/api/v1/me`, auth(token));
    if (!check(me, { 'token accepted': (r) => r.status === 200 })) fail(`the token was refused: ${me.status} ${me.body}`);
    return { token, userId: (me.json() as { id: string }).id };
  }
  const email = `k6-${Date.now()}-${Math.floor(Math.random() * 1e6)}@load.example`;
  const signup = http.post(`${GATEWAY}/api/v1/accounts`, JSON.stringify({ accountName: 'k6', name: 'Load Tester', email, password: 'k6 load password' }), {
    headers: { 'Content-Type': 'application/json' },
  });
  if (!check(signup, { 'signed up': (r) => r.status === 201 })) fail(`sign-up failed (sign-up is off by default: set INBOX_TOKEN or INBOX_EMAIL/INBOX_PASSWORD): ${signup.status} ${signup.body}`);
  const body = signup.json() as { token: string; user: { id: string } };
  return { token: body.token, userId: body.user.id };
}

/** An inbox with one channel of each inbound kind, for the signed-in user (run in setup()). */
export function createFixture(): Fixture {
  const { token, userId } = signIn();
  const inbox = http.post(`${GATEWAY}/api/v1/inboxes`, JSON.stringify({ name: 'Load' }), json({}, token)).json() as { id: string };
  const channel = (type: string, extra: Record<string, unknown> = {}) =>
    http.post(`${GATEWAY}/api/v1/inboxes/${inbox.id}/channels`, JSON.stringify({ type, name: `k6 ${type}`, ...extra }), json({}, token)).json() as Record<string, string>;
  const mail = channel('email');
  const form = channel('form', { fields: [{ name: 'email', required: true }, { name: 'message', required: true }] });
  const chat = channel('chat');
  return { token, inboxId: inbox.id, address: mail.address, formId: form.formId, widgetId: chat.widgetId, userId };
}

export function rawEmail(from: string, to: string, subject: string, text: string): string {
  return [`From: ${from}`, `To: ${to}`, `Subject: ${subject}`, `Message-ID: <${subject.replace(/\W+/g, '-')}-${Date.now()}-${Math.random()}@k6.example>`, 'Content-Type: text/plain; charset=utf-8', '', text, ''].join('\r\n');
}
