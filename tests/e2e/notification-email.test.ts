// Email notifications: a user who turns them on gets digests of their unread notifications
// through SMTP, one email per interval however busy a conversation is; notifications read before
// the digest goes out are not emailed; users who did not ask get nothing.
import { signUp, uniqueEmail } from '../support/api-client';
import { SmtpSink, type CaughtMail } from '../support/smtp';
import { addAgent, deliver, startInboxFixture, waitForInView, type InboxFixture } from '../support/inbox-fixture';
import { waitFor } from '@inbox/testkit';

jest.setTimeout(120_000);

describe('email notifications', () => {
  let f: InboxFixture;
  let digests: SmtpSink;

  beforeAll(async () => {
    digests = await new SmtpSink().start();
    f = await startInboxFixture({}, ['notification'], {
      notification: { NOTIFICATION_SMTP_URL: digests.url, NOTIFICATION_EMAIL_INTERVAL_MS: '4000', NOTIFICATION_EMAIL_DELAY_MS: '1500', NOTIFICATION_PUBLIC_URL: 'https://inbox.example' },
    });
  });

  afterAll(async () => {
    await f?.stop();
    await digests?.stop();
  });

  const mailTo = (address: string) => digests.messages.filter((m: CaughtMail) => m.envelope.to.includes(address));

  it('sends one digest for a busy conversation, then at most one per interval', async () => {
    const agent = await addAgent(f);
    const quiet = await addAgent(f); // never turns email on
    expect((await agent.client.get('/api/v1/me/notification-preferences')).body).toEqual({ email: false, address: null });
    expect((await agent.client.put('/api/v1/me/notification-preferences', { email: true })).body).toEqual({ email: true, address: agent.email });

    const from = uniqueEmail('busy');
    await deliver(f, { from, to: f.address, subject: 'Busy thread', text: 'first' });
    const conversation = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === from);
    await f.owner.patch(`/api/v1/conversations/${conversation.id}`, { assigneeId: agent.id });
    await f.owner.post(`/api/v1/conversations/${conversation.id}/comments`, { text: `@${quiet.email} fyi` });
    for (let i = 0; i < 20; i += 1) await deliver(f, { from, to: f.address, subject: 'Re: Busy thread', text: `follow-up ${i}` });
    await waitFor('21 notifications for the agent', async () => (await agent.client.get('/api/v1/notifications?limit=100')).body.items.length === 21, 30_000, 200);

    const first = await waitFor('the first digest', async () => mailTo(agent.email)[0], 20_000, 100);
    expect(first.parsed.subject).toMatch(/^\d+ new notifications? in 1 conversation$/);
    expect(first.parsed.text).toContain(`https://inbox.example/conversations/${conversation.id}`);
    // Everything that arrives before the next interval waits for it: still a single email now.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const emailedSoFar = () => mailTo(agent.email).reduce((n, m) => n + Number(/^(\d+)/.exec(m.parsed.subject!)![1]), 0);
    if (emailedSoFar() < 21) {
      expect(mailTo(agent.email)).toHaveLength(1);
      await waitFor('the rest in the next digest', async () => emailedSoFar() === 21, 15_000, 100);
    }
    expect(emailedSoFar()).toBe(21);
    expect(mailTo(agent.email).length).toBeLessThanOrEqual(2);
    expect(mailTo(quiet.email)).toEqual([]);

    // A notification read before its digest is never emailed.
    await deliver(f, { from, to: f.address, subject: 'Re: Busy thread', text: 'one more' });
    await waitFor('the 22nd notification', async () => (await agent.client.get('/api/v1/notifications?limit=100')).body.items.length === 22, 20_000, 100);
    await agent.client.post('/api/v1/notifications/read', { all: true });
    const count = mailTo(agent.email).length;
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect(mailTo(agent.email)).toHaveLength(count);

    // Turned off: nothing more.
    expect((await agent.client.put('/api/v1/me/notification-preferences', { email: false })).body.email).toBe(false);
    await deliver(f, { from, to: f.address, subject: 'Re: Busy thread', text: 'after turning off' });
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect(mailTo(agent.email)).toHaveLength(count);
  });

  it('refuses bad preference requests', async () => {
    for (const body of [{}, { email: 'yes' }, { email: true, address: 'someone@else.example' }]) {
      const response = await f.owner.put('/api/v1/me/notification-preferences', body);
      expect({ body, status: response.status, code: response.body.error?.code }).toEqual({ body, status: 400, code: 'validation_failed' });
    }
    expect((await f.anonymous.get('/api/v1/me/notification-preferences')).status).toBe(401);
  });

  it("lets admins see and change everyone's preferences, digests going to that user's own address", async () => {
    const agent = await addAgent(f);
    const colleague = await addAgent(f);
    const path = `/api/v1/users/${agent.id}/notification-preferences`;
    expect((await f.owner.get(path)).body).toEqual({ email: false, address: null });
    expect((await f.owner.put(path, { email: true })).body).toEqual({ email: true, address: agent.email });
    expect((await agent.client.get('/api/v1/me/notification-preferences')).body).toEqual({ email: true, address: agent.email });
    // Users reach their own through either path; agents never reach anyone else's.
    expect((await agent.client.get(path)).body.email).toBe(true);
    const cases: [typeof f.owner, 'get' | 'put', string, unknown, number, string][] = [
      [colleague.client, 'get', path, undefined, 403, 'forbidden'],
      [colleague.client, 'put', path, { email: false }, 403, 'forbidden'],
      [agent.client, 'put', `/api/v1/users/${f.ownerId}/notification-preferences`, { email: true }, 403, 'forbidden'],
      [f.owner, 'put', '/api/v1/users/usr_nobody/notification-preferences', { email: true }, 404, 'user_not_found'],
      [f.owner, 'put', path, { email: 'off' }, 400, 'validation_failed'],
    ];
    const outsider = await signUp(f.anonymous);
    cases.push([outsider.client, 'put', path, { email: false }, 404, 'user_not_found']);
    for (const [client, method, target, body, status, code] of cases) {
      const response = method === 'get' ? await client.get(target) : await client.put(target, body);
      expect({ target, status: response.status, code: response.body.error?.code }).toEqual({ target, status, code });
    }
    expect((await f.owner.get(path)).body).toEqual({ email: true, address: agent.email });
    expect((await f.owner.get(`/api/v1/users/${f.ownerId}/notification-preferences`)).body.email).toBe(false);
  });
});
