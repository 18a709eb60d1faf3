// The chat widget says someone is there only when someone is: within its business hours and
// with at least one member of its inbox available (asked of routing's edge port, which serves
// ingest nothing else). Otherwise it offers to answer by email, and asks for the address.
import { createServiceClient, createConversationClients } from '@inbox/lib';
import { RoutingServiceService } from '@inbox/lib/gen/inbox/routing/v1/routing';
import { AgentPresenceServiceService } from '@inbox/lib/gen/inbox/routing/v1/presence';
import { startInboxFixture, type InboxFixture } from '../support/inbox-fixture';
import { waitFor } from '@inbox/testkit';

describe('chat widget availability', () => {
  let f: InboxFixture;
  let widgetId: string;
  let ingest: string;

  beforeAll(async () => {
    // No caching of the answer, so each change shows at once.
    f = await startInboxFixture({ INGEST_PRESENCE_CACHE_MS: '0' }, ['routing']);
    widgetId = (await f.owner.post(`/api/v1/inboxes/${f.inboxId}/channels`, { type: 'chat', name: 'Website chat' })).body.widgetId;
    ingest = `${f.stack.ingestUrl}/ingest/v1`;
  });

  afterAll(async () => {
    await f?.stop();
  });

  const config = async () => (await (await fetch(`${ingest}/chat/${widgetId}/config`)).json()) as { online: boolean };
  const startWithoutEmail = () => fetch(`${ingest}/chat/${widgetId}/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Visitor' }) });

  it('is online while a member of the inbox is available, and offers email once nobody is', async () => {
    // The owner, a super admin, sees every inbox and is available until they say otherwise.
    expect((await config()).online).toBe(true);
    expect((await startWithoutEmail()).status).toBe(201);

    expect((await f.owner.put('/api/v1/me/availability', { status: 'away' })).status).toBe(200);
    await waitFor('the widget offline', async () => (await config()).online === false);
    const refused = await startWithoutEmail();
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('email_required');
    const withEmail = await fetch(`${ingest}/chat/${widgetId}/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Visitor', email: 'visitor@example.com' }) });
    expect(withEmail.status).toBe(201);

    expect((await f.owner.put('/api/v1/me/availability', { status: 'available' })).status).toBe(200);
    await waitFor('the widget online again', async () => (await config()).online === true);
  });

  it('counts agents of the inbox only while active: a deactivated agent who is available does not make the chat online', async () => {
    const agent = (await f.owner.post('/api/v1/users', { name: 'Temp Agent', email: `temp-${Date.now()}@example.com`, password: 'agent password 2026', role: 'agent' })).body;
    await f.owner.post(`/api/v1/inboxes/${f.inboxId}/members`, { userId: agent.id });
    await f.owner.put('/api/v1/me/availability', { status: 'away' });
    await waitFor('online through the new agent', async () => (await config()).online === true);
    expect((await f.owner.patch(`/api/v1/users/${agent.id}`, { deactivated: true })).status).toBe(200);
    await waitFor('offline once the agent is deactivated', async () => (await config()).online === false);
    await f.owner.put('/api/v1/me/availability', { status: 'available' });
  });

  it("serves ingest only the count on routing's edge port, and refuses incomplete questions", async () => {
    const edge = f.stack.services.routing!.edgeGrpcAddress!;
    const presence = createServiceClient(AgentPresenceServiceService, edge, { deadlineMs: 3000 });
    const routingOnEdge = createServiceClient(RoutingServiceService, edge, { deadlineMs: 3000 });
    const conversationOnEdge = createConversationClients(edge, { deadlineMs: 3000 });
    try {
      expect(await presence.call.countAvailableAgents({ accountId: f.accountId, inboxId: f.inboxId })).toEqual({ available: 1, members: 1 });
      await expect(presence.call.countAvailableAgents({ accountId: f.accountId, inboxId: '' })).rejects.toMatchObject({ kind: 'invalid_argument', code: 'inbox_required' });
      await expect(presence.call.countAvailableAgents({ accountId: f.accountId, inboxId: 'inb_missing' })).rejects.toMatchObject({ kind: 'not_found', code: 'inbox_not_found' });
      // Another account's inbox is never counted under a different account.
      await expect(presence.call.countAvailableAgents({ accountId: 'acc_other', inboxId: f.inboxId })).rejects.toBeDefined();
      // Routing's own API is not on the edge port.
      await expect(routingOnEdge.call.getAvailability({ tenant: { accountId: f.accountId, userId: f.ownerId }, userId: f.ownerId })).rejects.toMatchObject({ kind: 'not_implemented' });
      await expect(conversationOnEdge.directory.call.listInboxes({ tenant: { accountId: f.accountId, userId: f.ownerId } })).rejects.toMatchObject({ kind: 'not_implemented' });
    } finally {
      presence.close();
      routingOnEdge.close();
      conversationOnEdge.close();
    }
  });
});
