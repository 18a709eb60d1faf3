// A running inbox for end-to-end tests: conversation, ingest and gateway as real processes, an
// SMTP sink as the outbound relay, and a signed-up account with an inbox and an email channel.
import { ApiClient, signUp, uniqueEmail } from './api-client';
import { startInboxStack, type InboxStack } from './inbox-stack';
import type { ServiceName } from './services';
import { SmtpSink, buildEmail, sendRawSmtp, type SmtpResult } from './smtp';
import { waitFor } from '@inbox/testkit';

export interface InboxFixture {
  stack: InboxStack;
  sink: SmtpSink;
  anonymous: ApiClient;
  owner: ApiClient;
  ownerId: string;
  accountId: string;
  inboxId: string;
  address: string;
  stop: () => Promise<void>;
}

export async function startInboxFixture(
  ingestOverrides: Record<string, string> = {},
  extraServices: ServiceName[] = [],
  overrides: Partial<Record<ServiceName, Record<string, string>>> = {},
): Promise<InboxFixture> {
  const sink = await new SmtpSink().start();
  let stack: InboxStack | undefined;
  // A fixture that did not start leaves nothing open: a listening sink or a running service keeps
  // jest from exiting after the last test.
  try {
    stack = await startInboxStack(['conversation', 'ingest', 'gateway', ...extraServices], {
      ...overrides,
      conversation: { CONVERSATION_SMTP_URL: sink.url, ...overrides.conversation },
      ingest: ingestOverrides,
    });
    const started = stack;
    const anonymous = new ApiClient(started.gatewayUrl);
    const { client: owner, accountId, userId } = await signUp(anonymous);
    const inbox = (await owner.post('/api/v1/inboxes', { name: 'Support' })).body;
    const channel = (await owner.post(`/api/v1/inboxes/${inbox.id}/channels`, { type: 'email', name: 'Support mail' })).body;
    return {
      stack: started,
      sink,
      anonymous,
      owner,
      ownerId: userId,
      accountId,
      inboxId: inbox.id,
      address: channel.address,
      stop: async () => {
        await started.stop();
        await sink.stop();
      },
    };
  } catch (error) {
    await stack?.stop().catch(() => undefined);
    await sink.stop();
    throw error;
  }
}

/** Adds a user who works in the fixture's inbox (agents see only inboxes they are members of), unless member is false. */
export async function addAgent(
  fixture: InboxFixture,
  role: 'agent' | 'admin' | 'superadmin' = 'agent',
  options: { member?: boolean } = {},
): Promise<{ client: ApiClient; id: string; email: string }> {
  const email = uniqueEmail(role);
  const created = await fixture.owner.post('/api/v1/users', { name: `${role} ${email.slice(0, 12)}`, email, password: 'agent password', role });
  if (created.status !== 201) throw new Error(`adding a user failed: ${created.status} ${JSON.stringify(created.body)}`);
  if (options.member !== false) await fixture.owner.post(`/api/v1/inboxes/${fixture.inboxId}/members`, { userId: created.body.id });
  const token = (await fixture.anonymous.post('/api/v1/auth/login', { email, password: 'agent password' })).body.token;
  return { client: fixture.anonymous.withToken(token), id: created.body.id, email };
}

export async function deliver(
  fixture: InboxFixture,
  email: Parameters<typeof buildEmail>[0] & { envelopeTo?: string[] },
): Promise<{ result: SmtpResult; messageId: string }> {
  const built = buildEmail(email);
  const fromAddress = /<([^>]+)>/.exec(email.from)?.[1] ?? email.from;
  const result = await sendRawSmtp(fixture.stack.smtpPort!, { from: fromAddress, to: email.envelopeTo ?? [fixture.address] }, built.raw);
  return { result, messageId: built.messageId };
}

export async function listView(client: ApiClient, inboxId: string, view: string, extra = ''): Promise<any[]> {
  const response = await client.get(`/api/v1/inboxes/${inboxId}/conversations?view=${view}&limit=100${extra}`);
  if (response.status !== 200) throw new Error(`list ${view}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.items;
}

/** Waits until a conversation matching the predicate is in the view, and returns it. */
export function waitForInView(client: ApiClient, inboxId: string, view: string, predicate: (c: any) => boolean, timeoutMs = 20_000): Promise<any> {
  return waitFor(`a conversation in ${view}`, async () => (await listView(client, inboxId, view)).find(predicate), timeoutMs, 150);
}

export async function viewCounts(client: ApiClient, inboxId: string): Promise<Record<string, number>> {
  const views = (await client.get(`/api/v1/inboxes/${inboxId}/views`)).body as { id: string; count: number }[];
  return Object.fromEntries(views.map((v) => [v.id, v.count]));
}

/** POSTs a raw email to ingest's HTTP edge (to the given recipients, else those in its headers): the status it answered, or 0 when none came within 10 s. */
export async function postEmail(ingestUrl: string, raw: string, to: string[] = []): Promise<number> {
  const query = to.map((address) => `to=${encodeURIComponent(address)}`).join('&');
  const response = await fetch(`${ingestUrl}/ingest/v1/email${query ? `?${query}` : ''}`, {
    method: 'POST',
    headers: { 'content-type': 'message/rfc822' },
    body: raw,
    signal: AbortSignal.timeout(10_000),
  }).catch(() => undefined);
  return response?.status ?? 0;
}

/** Every conversation in a view, following the cursor across pages. */
export async function allInView(client: ApiClient, inboxId: string, view: string): Promise<any[]> {
  const items: any[] = [];
  let cursor = '';
  do {
    const page = (await client.get(`/api/v1/inboxes/${inboxId}/conversations?view=${view}&limit=100${cursor ? `&cursor=${cursor}` : ''}`)).body;
    items.push(...page.items);
    cursor = page.nextCursor ?? '';
  } while (cursor);
  return items;
}
