// Accounts, sign-in, users, inboxes and channels through the gateway: happy paths, bad input,
// roles, and isolation between accounts.
import { ApiClient, signUp, uniqueEmail } from '../support/api-client';
import { startInboxStack, type InboxStack } from '../support/inbox-stack';

describe('accounts, users, inboxes and channels through the gateway', () => {
  let stack: InboxStack;
  let anonymous: ApiClient;

  beforeAll(async () => {
    stack = await startInboxStack(['conversation', 'gateway']);
    anonymous = new ApiClient(stack.gatewayUrl);
  });

  afterAll(() => stack.stop());

  it('signs up an account with a super admin who can sign in and read /me', async () => {
    const email = uniqueEmail('ann');
    const signup = await anonymous.post('/api/v1/accounts', { accountName: 'Acme', name: 'Ann', email: email.toUpperCase(), password: 'correct horse' });
    expect(signup.status).toBe(201);
    expect(signup.body.user).toMatchObject({ email, role: 'superadmin', deactivated: false });
    expect(signup.body.account.id).toMatch(/^acc_/);
    expect(JSON.stringify(signup.body)).not.toContain('correct horse');

    const login = await anonymous.post('/api/v1/auth/login', { email, password: 'correct horse' });
    expect(login.status).toBe(200);
    const me = await anonymous.withToken(login.body.token).get('/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: signup.body.user.id, accountId: signup.body.account.id });
  });

  it('rejects bad sign-up input with 400 and the field named, and a taken email with 409', async () => {
    const cases: [unknown, string][] = [
      [{ accountName: 'A', name: 'N', email: 'not-an-email', password: 'long enough' }, 'email'],
      [{ accountName: 'A', name: 'N', email: uniqueEmail(), password: 'short' }, 'password'],
      [{ accountName: '', name: 'N', email: uniqueEmail(), password: 'long enough' }, 'accountName'],
      [{ accountName: 'A', name: 42, email: uniqueEmail(), password: 'long enough' }, 'name'],
    ];
    for (const [body, field] of cases) {
      const response = await anonymous.post('/api/v1/accounts', body);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('validation_failed');
      expect(response.body.error.details.issues.map((i: { path: string }) => i.path)).toContain(field);
    }
    const email = uniqueEmail();
    expect((await anonymous.post('/api/v1/accounts', { accountName: 'A', name: 'N', email, password: 'long enough' })).status).toBe(201);
    const again = await anonymous.post('/api/v1/accounts', { accountName: 'B', name: 'M', email, password: 'other password' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('email_taken');
  });

  it('answers malformed JSON with 400, a non-JSON body with 415 and an oversize body with 413', async () => {
    const malformed = await anonymous.post('/api/v1/auth/login', '{"email": ', { 'content-type': 'application/json' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('invalid_json');
    const form = await anonymous.post('/api/v1/auth/login', 'email=a', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    const huge = await anonymous.post('/api/v1/auth/login', JSON.stringify({ email: 'a'.repeat(2 * 1024 * 1024), password: 'x' }), { 'content-type': 'application/json' });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('payload_too_large');
  });

  it('refuses wrong credentials, missing and forged tokens with 401', async () => {
    const { email } = await signUp(anonymous);
    const wrong = await anonymous.post('/api/v1/auth/login', { email, password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    const unknown = await anonymous.post('/api/v1/auth/login', { email: uniqueEmail('nobody'), password: 'whatever1' });
    expect(unknown.body.error.code).toBe('invalid_credentials');
    expect((await anonymous.get('/api/v1/me')).body.error.code).toBe('unauthenticated');
    const forged = await anonymous.withToken('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c3JfeCIsImFjYyI6ImFjY194In0.c2lnbmF0dXJl').get('/api/v1/me');
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBe('invalid_token');
  });

  it('lets admins manage users and inboxes, and refuses agents with 403', async () => {
    const owner = await signUp(anonymous);
    const agentEmail = uniqueEmail('agent');
    const agent = await owner.client.post('/api/v1/users', { name: 'Agent', email: agentEmail, password: 'agent password', role: 'agent' });
    expect(agent.status).toBe(201);
    const agentClient = anonymous.withToken((await anonymous.post('/api/v1/auth/login', { email: agentEmail, password: 'agent password' })).body.token);

    const denied = await agentClient.post('/api/v1/inboxes', { name: 'Agent inbox' });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('forbidden');
    expect((await agentClient.post('/api/v1/users', { name: 'X', email: uniqueEmail(), password: 'a fine password', role: 'agent' })).status).toBe(403);

    const admin = await owner.client.post('/api/v1/users', { name: 'Admin', email: uniqueEmail('admin'), password: 'admin password', role: 'admin' });
    const adminClient = anonymous.withToken((await anonymous.post('/api/v1/auth/login', { email: admin.body.email, password: 'admin password' })).body.token);
    const promote = await adminClient.post('/api/v1/users', { name: 'Boss', email: uniqueEmail(), password: 'a fine password', role: 'superadmin' });
    expect(promote.status).toBe(403);

    const inbox = await owner.client.post('/api/v1/inboxes', { name: 'Support' });
    expect(inbox.status).toBe(201);
    const member = await owner.client.post(`/api/v1/inboxes/${inbox.body.id}/members`, { userId: agent.body.id });
    expect(member.status).toBe(200);
    expect(member.body.memberIds).toEqual([agent.body.id]);
    const listed = await agentClient.get('/api/v1/inboxes');
    expect(listed.body.items.map((i: { id: string }) => i.id)).toEqual([inbox.body.id]);

    // Anyone renames themselves; their role, status and anyone else stay for admins.
    const renamed = await agentClient.patch('/api/v1/me', { name: '  Agnes Agent ' });
    expect([renamed.status, renamed.body.name, renamed.body.role]).toEqual([200, 'Agnes Agent', 'agent']);
    expect((await agentClient.get('/api/v1/me')).body.name).toBe('Agnes Agent');
    expect((await agentClient.patch('/api/v1/me', { name: '' })).status).toBe(400);
    expect((await agentClient.patch('/api/v1/me', { name: 'X', role: 'admin' })).status).toBe(400);
    expect((await agentClient.patch(`/api/v1/users/${agent.body.id}`, { role: 'admin' })).status).toBe(403);
    expect((await agentClient.patch(`/api/v1/users/${agent.body.id}`, { name: 'Self via users' })).status).toBe(200);
    expect((await agentClient.patch(`/api/v1/users/${admin.body.id}`, { name: 'Renamed by agent' })).status).toBe(403);
    expect((await owner.client.get('/api/v1/users')).body.items.find((u: { id: string }) => u.id === admin.body.id).name).toBe('Admin');
  });

  it('creates a channel of each type with what a client needs to reach it, and refuses bad ones', async () => {
    const owner = await signUp(anonymous);
    const inbox = (await owner.client.post('/api/v1/inboxes', { name: 'Support' })).body;
    const base = `/api/v1/inboxes/${inbox.id}/channels`;
    const email = await owner.client.post(base, { type: 'email', name: 'Team mail' });
    expect(email.status).toBe(201);
    expect(email.body.address).toMatch(/^team-mail-[0-9a-f]{6}@/);
    const named = await owner.client.post(base, { type: 'email', name: 'Help', address: `Help-${Date.now()}@Example.test` });
    expect(named.body.address).toBe(named.body.address.toLowerCase());
    const taken = await owner.client.post(base, { type: 'email', name: 'Again', address: named.body.address });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('channel_identifier_unavailable');
    expect((await owner.client.post(base, { type: 'chat', name: 'Widget' })).body.widgetId).toMatch(/^wgt_/);
    const form = await owner.client.post(base, { type: 'form', name: 'Contact us', fields: [{ name: 'email', required: true }, { name: 'message' }] });
    expect(form.body).toMatchObject({ formId: expect.stringMatching(/^frm_/), fields: [{ name: 'email', required: true }, { name: 'message', required: false }] });
    const pageId = String(Date.now());
    const messenger = await owner.client.post(base, { type: 'messenger', name: 'FB', pageId, appSecret: 'app-secret-123' });
    expect(messenger.body).toMatchObject({ pageId, verifyToken: expect.any(String) });
    expect(JSON.stringify(messenger.body)).not.toContain('app-secret-123');
    const phone = `+47${String(Date.now()).slice(-8)}`;
    expect((await owner.client.post(base, { type: 'phone', name: 'Hotline', phoneNumber: phone, authToken: 'twilio-token' })).body.phoneNumber).toBe(phone);

    expect((await owner.client.post(base, { type: 'fax', name: 'Old' })).status).toBe(400);
    expect((await owner.client.post(base, { type: 'phone', name: 'Bad', phoneNumber: '12345', authToken: 'twilio-token' })).status).toBe(400);
    expect((await owner.client.post(base, { type: 'form', name: 'Bad', fields: [{ name: 'a b' }] })).body.error.code).toBe('invalid_field');
    const listed = await owner.client.get(base);
    expect(listed.body.items).toHaveLength(6);
  });

  it("treats another account's ids as not found (404) everywhere", async () => {
    const a = await signUp(anonymous, 'A');
    const b = await signUp(anonymous, 'B');
    const inboxA = (await a.client.post('/api/v1/inboxes', { name: 'A inbox' })).body;
    expect((await b.client.get(`/api/v1/inboxes/${inboxA.id}/channels`)).status).toBe(404);
    expect((await b.client.post(`/api/v1/inboxes/${inboxA.id}/channels`, { type: 'chat', name: 'x' })).status).toBe(404);
    expect((await b.client.post(`/api/v1/inboxes/${inboxA.id}/members`, { userId: b.userId })).status).toBe(404);
    const inboxB = (await b.client.post('/api/v1/inboxes', { name: 'B inbox' })).body;
    expect((await b.client.post(`/api/v1/inboxes/${inboxB.id}/members`, { userId: a.userId })).status).toBe(404);
    expect((await b.client.patch(`/api/v1/users/${a.userId}`, { deactivated: true })).status).toBe(404);
    expect((await b.client.delete(`/api/v1/users/${a.userId}`)).status).toBe(404);
    expect((await b.client.get('/api/v1/inboxes')).body.items.map((i: { id: string }) => i.id)).toEqual([inboxB.id]);
    expect((await a.client.get('/api/v1/me')).body.accountId).toBe(a.accountId);
  });

  it("stops a deactivated user's token at once, and lets them back in when reactivated with a new sign-in only", async () => {
    const owner = await signUp(anonymous);
    const email = uniqueEmail('leaver');
    const user = (await owner.client.post('/api/v1/users', { name: 'Leaver', email, password: 'leaver password', role: 'agent' })).body;
    const token = (await anonymous.post('/api/v1/auth/login', { email, password: 'leaver password' })).body.token;
    expect((await anonymous.withToken(token).get('/api/v1/me')).status).toBe(200);
    expect((await owner.client.patch(`/api/v1/users/${user.id}`, { deactivated: true })).body.deactivated).toBe(true);
    const after = await anonymous.withToken(token).get('/api/v1/me');
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('invalid_token');
    // Sign-in tells nobody the account exists but is deactivated: the same answer as a wrong password.
    expect((await anonymous.post('/api/v1/auth/login', { email, password: 'leaver password' })).body.error.code).toBe('invalid_credentials');
    await owner.client.patch(`/api/v1/users/${user.id}`, { deactivated: false });
    // Reactivation does not revive the old token; signing in again works.
    expect((await anonymous.withToken(token).get('/api/v1/me')).status).toBe(401);
    const again = (await anonymous.post('/api/v1/auth/login', { email, password: 'leaver password' })).body.token;
    expect((await anonymous.withToken(again).get('/api/v1/me')).status).toBe(200);
    expect((await owner.client.patch(`/api/v1/users/${owner.userId}`, { deactivated: true })).body.error.code).toBe('cannot_deactivate_self');
    expect((await owner.client.delete(`/api/v1/users/${user.id}`)).status).toBe(204);
    expect((await anonymous.withToken(again).get('/api/v1/me')).status).toBe(401);
    expect((await owner.client.get('/api/v1/users')).body.items.map((u: { id: string }) => u.id)).toEqual([owner.userId]);
  });

  it('publishes every route in the OpenAPI document', async () => {
    const doc = (await anonymous.get('/api/v1/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    for (const path of ['/api/v1/accounts', '/api/v1/auth/login', '/api/v1/me', '/api/v1/users/{id}', '/api/v1/inboxes/{inboxId}/channels']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(doc.paths['/api/v1/accounts'].post.responses['409']).toBeDefined();
  });
});
