// The k6 scenarios' setup (tests/load/k6/lib/config.ts, createFixture) against an install with
// sign-up off, as the chart deploys by default: the same requests, in the same order, with a
// provisioned admin's sign-in (INBOX_EMAIL/INBOX_PASSWORD) instead of a sign-up. k6 itself is not
// used here (its licence keeps it off this project's machines); this keeps its setup honest.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ApiClient } from '../support/api-client';
import { addAgent, startInboxFixture, type InboxFixture } from '../support/inbox-fixture';
import { ROOT } from '../support/service-process';
import { launchService, type LaunchedService } from '../support/services';

jest.setTimeout(120_000);

describe('the k6 setup against a default install (sign-up off)', () => {
  let f: InboxFixture;
  let closed: LaunchedService;

  beforeAll(async () => {
    f = await startInboxFixture();
    const env = f.stack.services.gateway!.process.env;
    closed = await launchService('gateway', { CONVERSATION_GRPC_ADDR: env.CONVERSATION_GRPC_ADDR, NOTIFICATION_GRPC_ADDR: env.NOTIFICATION_GRPC_ADDR, GATEWAY_SIGNUP_ENABLED: 'false' });
    await closed.process.waitReady();
  });

  afterAll(async () => {
    await closed?.process.stop();
    await f?.stop();
  });

  it('signs in as a provisioned admin and builds its fixture; a sign-up is refused', async () => {
    const source = readFileSync(path.join(ROOT, 'tests/load/k6/lib/config.ts'), 'utf8');
    for (const step of ['/api/v1/auth/login', '/api/v1/me', '/api/v1/inboxes', '/channels']) expect(source).toContain(step);
    const admin = await addAgent(f, 'admin');
    const anonymous = new ApiClient(closed.httpUrl);
    const signup = await anonymous.post('/api/v1/accounts', { accountName: 'k6', name: 'Load Tester', email: 'k6@load.example', password: 'k6 load password' });
    expect({ status: signup.status, code: signup.body.error?.code }).toEqual({ status: 403, code: 'signup_disabled' });

    const login = await anonymous.post('/api/v1/auth/login', { email: admin.email, password: 'agent password' });
    expect(login.status).toBe(200);
    const client = anonymous.withToken(login.body.token);
    const me = await client.get('/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(admin.id);
    const inbox = await client.post('/api/v1/inboxes', { name: 'Load' });
    expect(inbox.status).toBe(201);
    const channel = async (type: string, extra: Record<string, unknown> = {}) => {
      const created = await client.post(`/api/v1/inboxes/${inbox.body.id}/channels`, { type, name: `k6 ${type}`, ...extra });
      expect(created.status).toBe(201);
      return created.body;
    };
    expect((await channel('email')).address).toMatch(/@/);
    expect((await channel('form', { fields: [{ name: 'email', required: true }, { name: 'message', required: true }] })).formId).toBeTruthy();
    expect((await channel('chat')).widgetId).toBeTruthy();
  });
});
