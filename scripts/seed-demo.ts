// Seeds a demo account through the public API and channels, as a customer would use them:
// an inbox with email, chat and form channels, two agents, and conversations in several views.
// Idempotent: when the demo user can sign in, nothing is created again.
//   npx tsx scripts/seed-demo.ts   (GATEWAY_URL, INGEST_URL, INGEST_SMTP_PORT override the defaults)
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';

const GATEWAY = process.env.GATEWAY_URL ?? `http://127.0.0.1:${process.env.GATEWAY_PORT ?? 8080}`;
const INGEST = process.env.INGEST_URL ?? `http://127.0.0.1:${process.env.INGEST_HTTP_PORT ?? 8081}`;
const SMTP_PORT = Number(process.env.INGEST_SMTP_PORT ?? 2525);
const DEMO_EMAIL = 'demo@inbox.localhost';
const DEMO_PASSWORD = 'open-source-inbox-2026';
const LOGIN_FILE = path.resolve(__dirname, '../.stack/demo-login.txt');

async function call(method: string, url: string, token: string | null, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!response.ok) throw new Error(`${method} ${url} -> ${response.status} ${text}`);
  return json;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const login = await fetch(`${GATEWAY}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: DEMO_EMAIL, password: DEMO_PASSWORD }),
  });
  if (login.ok) {
    writeLogin();
    console.log('demo account exists; nothing seeded');
    return;
  }
  const { token, user } = await call('POST', `${GATEWAY}/api/v1/accounts`, null, { accountName: 'Demo Support', name: 'Dana Demo', email: DEMO_EMAIL, password: DEMO_PASSWORD });
  const api = (method: string, p: string, body?: unknown) => call(method, `${GATEWAY}/api/v1${p}`, token, body);
  const inbox = await api('POST', '/inboxes', { name: 'Customer Support' });
  const email = await api('POST', `/inboxes/${inbox.id}/channels`, { type: 'email', name: 'Support mail', address: `support-${Date.now().toString(36)}@inbox.localhost` });
  const chat = await api('POST', `/inboxes/${inbox.id}/channels`, { type: 'chat', name: 'Website chat' });
  const form = await api('POST', `/inboxes/${inbox.id}/channels`, {
    type: 'form',
    name: 'Contact form',
    fields: [{ name: 'email', required: true }, { name: 'name' }, { name: 'message', required: true }],
  });
  const alex = await api('POST', '/users', { name: 'Alex Agent', email: `alex-${Date.now().toString(36)}@inbox.localhost`, password: DEMO_PASSWORD, role: 'agent' });
  await api('POST', `/inboxes/${inbox.id}/members`, { userId: user.id });
  await api('POST', `/inboxes/${inbox.id}/members`, { userId: alex.id });

  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: SMTP_PORT, secure: false, ignoreTLS: true });
  const mails: [string, string, string, Record<string, string>?][] = [
    ['Kari Nordmann <kari.nordmann@example.com>', 'Where is my order #10423?', 'Hi, I ordered a rain jacket ten days ago and it has not arrived yet. Can you check?'],
    ['Ola Hansen <ola@hansen.example>', 'Wrong size delivered', 'I ordered boots in size 44 but got 42. How do I exchange them?'],
    ['Ingrid Berg <ingrid.berg@example.org>', 'Invoice copy', 'Could you send me a copy of the invoice for March? Thanks, Ingrid'],
    ['Lars Olsen <lars@olsen.example>', 'Discount code not working', 'The code SPRING20 says it is invalid at checkout.'],
    ['Sofie Dahl <sofie.dahl@example.net>', 'Thank you!', 'Just wanted to say the customer service was excellent last week.'],
    ['Marketing Team <marketing@newsletter.example>', 'Our spring campaign is here', 'Buy now and save 50%!'],
    ['Erik Lund <erik.lund@example.com>', 'Out of office', 'I am away until Monday.', { 'Auto-Submitted': 'auto-replied' }],
  ];
  for (const [from, subject, text, headers] of mails) {
    await transport.sendMail({ from, to: email.address, subject, text, headers });
  }
  transport.close();

  const session = await call('POST', `${INGEST}/ingest/v1/chat/${chat.widgetId}/sessions`, null, { name: 'Nora Visitor', email: 'nora@visitor.example' });
  await call('POST', `${INGEST}/ingest/v1/chat/sessions/${session.sessionId}/messages`, null, { text: 'Hi! Do you ship to Iceland?' }, { 'x-visitor-token': session.visitorToken });
  // From now on the website chat is answered by a bot first.
  await api('PUT', `/channels/${chat.id}/chatflow`, {
    name: 'Demo bot',
    steps: [
      { id: 'start', say: 'Hi! What can we help you with?', options: [{ label: 'Where is my order?', next: 'order' }, { label: 'Talk to a person', next: 'handoff' }] },
      { id: 'order', say: 'What is your order number?', ask: 'orderNumber', next: 'email' },
      { id: 'email', say: 'Which email should we answer to?', ask: 'email', next: 'handoff' },
      { id: 'handoff', say: 'Thanks! Connecting you with our team.', handoff: true },
    ],
  });
  console.log(`chat widget: <script src="${INGEST}/ingest/v1/chat/widget.js" data-widget-id="${chat.widgetId}" async></script>`);
  await call('POST', `${INGEST}/ingest/v1/forms/${form.formId}`, null, { email: 'peter@business.example', name: 'Peter Business', message: 'We would like a quote for 200 jackets for our staff.' });
  // The reply library agents insert from the composer.
  await api('POST', '/snippets', { kind: 'snippet', name: 'Opening hours', body: 'Our customer service is open Monday to Friday, 9:00–17:00.' });
  await api('POST', '/snippets', { kind: 'template', name: 'Return label sent', body: 'Hi {{contact.name}},\n\nWe have emailed you a free return label. Pack the item in its original bag and drop it at any post office.\n\nBest regards,\n{{agent.name}}' });
  await api('POST', '/snippets', { kind: 'article', name: 'How returns work', body: 'https://help.example.com/returns' });
  await api('POST', '/conversations', { inboxId: inbox.id, to: 'new.customer@example.com', subject: 'Welcome to our store', text: 'Hi! Let us know if you have any questions.' });

  // Wait until the inbound messages are stored, then work a few of them.
  let open: any[] = [];
  for (let i = 0; i < 50 && open.length < 7; i++) {
    await sleep(200);
    open = (await api('GET', `/inboxes/${inbox.id}/conversations?view=open&limit=100`)).items;
  }
  const bySubject = (s: string) => open.find((c) => c.subject === s);
  const order = bySubject('Where is my order #10423?');
  if (order) {
    await api('PATCH', `/conversations/${order.id}`, { assigneeId: alex.id });
    await api('POST', `/conversations/${order.id}/comments`, { text: `@${alex.email} the tracking number is in the order system, can you follow up?` });
  }
  const size = bySubject('Wrong size delivered');
  if (size) await api('POST', `/conversations/${size.id}/messages`, { text: 'Sorry about that! We have sent you a free return label.' });
  const thanks = bySubject('Thank you!');
  if (thanks) await api('PATCH', `/conversations/${thanks.id}`, { status: 'closed' });
  writeLogin();
  console.log(`demo account seeded: ${open.length} open conversations`);
}

function writeLogin(): void {
  mkdirSync(path.dirname(LOGIN_FILE), { recursive: true });
  writeFileSync(LOGIN_FILE, `Login:       ${DEMO_EMAIL} / ${DEMO_PASSWORD}\n`);
}

main().catch((error: unknown) => {
  console.error(`seeding failed: ${(error as Error).message}`);
  process.exit(1);
});
