// The gateway remembers who is behind a session between API calls, and forgets at once when the
// user's sessions change — on the replica that made the change before it answers, and on every
// other replica through NATS — long before the cache's own lifetime (10 minutes here) runs out.
import { ApiClient, signUp, uniqueEmail } from '../support/api-client';
import { startInboxStack, type InboxStack } from '../support/inbox-stack';
import { launchService, type LaunchedService } from '../support/services';
import { waitFor } from '@inbox/testkit';

describe('cached sessions across gateway replicas', () => {
  let stack: InboxStack;
  let second: LaunchedService;

  beforeAll(async () => {
    const cache = { GATEWAY_SESSION_CACHE_MS: '600000' };
    stack = await startInboxStack(['conversation', 'gateway'], { gateway: cache });
    second = await launchService('gateway', { CONVERSATION_GRPC_ADDR: stack.services.conversation!.grpcAddress!, ...cache });
    await second.process.waitReady();
  });

  afterAll(async () => {
    await second?.process.stop();
    await stack?.stop();
  });

  it('refuses a logged-out token at once on this replica and within moments on the other', async () => {
    const { client: onA } = await signUp(new ApiClient(stack.gatewayUrl));
    const onB = new ApiClient(second.httpUrl, onA.token);
    expect((await onA.get('/api/v1/me')).status).toBe(200);
    expect((await onB.get('/api/v1/me')).status).toBe(200);
    expect((await onA.post('/api/v1/auth/logout')).status).toBe(204);
    expect((await onA.get('/api/v1/me')).status).toBe(401);
    await waitFor('the other replica refuses it too', async () => (await onB.get('/api/v1/me')).status === 401, 3000, 50);
  });

  it('serves a changed role and a deactivation on the other replica within moments', async () => {
    const { client: owner } = await signUp(new ApiClient(stack.gatewayUrl));
    const email = uniqueEmail('promoted');
    const agent = (await owner.post('/api/v1/users', { name: 'Agent', email, password: 'agent password 2026', role: 'agent' })).body;
    const token = (await new ApiClient(second.httpUrl).post('/api/v1/auth/login', { email, password: 'agent password 2026' })).body.token as string;
    const onB = new ApiClient(second.httpUrl, token);
    expect((await onB.get('/api/v1/me')).body.role).toBe('agent');
    expect((await onB.post('/api/v1/inboxes', { name: 'Not yet' })).status).toBe(403);

    expect((await owner.patch(`/api/v1/users/${agent.id}`, { role: 'admin' })).status).toBe(200);
    await waitFor('the new role served', async () => (await onB.get('/api/v1/me')).body.role === 'admin', 3000, 50);
    expect((await onB.post('/api/v1/inboxes', { name: 'Now allowed' })).status).toBe(201);

    expect((await owner.patch(`/api/v1/users/${agent.id}`, { deactivated: true })).status).toBe(200);
    await waitFor('the deactivated user refused', async () => (await onB.get('/api/v1/me')).status === 401, 3000, 50);
  });
});
