// Narrow contracts: the conversation service answers through one gRPC service per module on its
// internal port, and its edge port serves ChannelDirectoryService alone, so a compromised ingest
// cannot create users, read conversations or touch accounts.
import { CONVERSATION_MODULE_SERVICES, DomainError, createConversationClients, createServiceClient, type ConversationClients } from '@inbox/lib';
import { ChannelDirectoryServiceService } from '@inbox/lib/gen/inbox/channels/v1/channels';
import { ChannelType, ConversationStatus, MessageDirection } from '@inbox/lib/gen/inbox/common/v1/common';
import { ConversationServiceService } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import { launchService, type LaunchedService } from '../support/services';
import { uniqueEmail } from '../support/api-client';
import { createEmailChannel } from '../support/inbound-events';

const notImplemented = async (attempt: () => Promise<unknown>) => {
  const error = await attempt().then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).kind).toBe('not_implemented');
};

/** One harmless call per module service, each refused with the module's own validation when it is served. */
const oneCallPerModule = (clients: ConversationClients, tenant: { accountId: string; userId: string }) => ({
  directory: () => clients.directory.call.listUsers({ tenant }),
  conversations: () => clients.conversations.call.listViews({ tenant, inboxId: '' }),
  outbound: () => clients.outbound.call.sendTranscript({ tenant, conversationId: 'cnv_missing', to: '' }),
  records: () => clients.records.call.listContactProperties({ tenant }),
  assist: () => clients.assist.call.getAssistCapabilities({}),
  serviceLevels: () => clients.serviceLevels.call.getSlaPolicy({ tenant, inboxId: '', teamId: '' }),
  reports: () => clients.reports.call.getWallboard({ tenant }),
  inbound: () => clients.inbound.call.getInboundReceipt({ eventId: '' }),
  governance: () => clients.governance.call.listLegalHolds({ tenant }),
});

describe('the module services', () => {
  it('share out the old service: each of its RPCs is on exactly one module service, or on the edge; what came after is on a module service only', () => {
    const owners = new Map<string, string[]>();
    const services = { ...Object.fromEntries(Object.entries(CONVERSATION_MODULE_SERVICES).map(([m, s]) => [m, s.definition])), edge: ChannelDirectoryServiceService };
    for (const [module, definition] of Object.entries(services)) {
      for (const method of Object.keys(definition)) owners.set(method, [...(owners.get(method) ?? []), module]);
    }
    const old = Object.keys(ConversationServiceService);
    expect(old.filter((method) => !owners.has(method))).toEqual([]);
    expect([...owners].filter(([, modules]) => modules.length > 1)).toEqual([]);
    // The old service is frozen: RPCs added since (the governance module, single sign-on) are on their module's service alone.
    expect([...owners.keys()].filter((method) => !old.includes(method)).every((method) => !owners.get(method)!.includes('edge'))).toBe(true);
  });
});

describe("the conversation service's ports", () => {
  let conversation: LaunchedService;
  let internal: ConversationClients;
  let tenant: { accountId: string; userId: string };

  beforeAll(async () => {
    conversation = await launchService('conversation');
    await conversation.process.waitReady();
    internal = createConversationClients(conversation.grpcAddress!, { deadlineMs: 5000 });
    const { account, user } = await internal.directory.call.createAccount({ accountName: 'Contracts', name: 'Owner', email: uniqueEmail('contracts'), password: 'contracts password 1' });
    tenant = { accountId: account!.id, userId: user!.id };
  });

  afterAll(async () => {
    internal?.close();
    await conversation.process.stop();
  });

  it('serves every module service on the internal port', async () => {
    for (const [module, call] of Object.entries(oneCallPerModule(internal, tenant))) {
      const outcome = await call().then(
        () => 'answered',
        (e: unknown) => (e instanceof DomainError ? e.kind : String(e)),
      );
      expect([module, outcome]).not.toEqual([module, 'not_implemented']);
    }
    expect((await internal.directory.call.listUsers({ tenant })).users.map((u) => u.id)).toEqual([tenant.userId]);
  });

  it('still answers the deprecated ConversationService there, for the previous release during a rolling upgrade', async () => {
    const old = createServiceClient(ConversationServiceService, conversation.grpcAddress!, { deadlineMs: 5000 });
    try {
      expect((await old.call.listUsers({ tenant })).users.map((u) => u.id)).toEqual([tenant.userId]);
      await expect(old.call.getConversation({ tenant, conversationId: 'cnv_missing' })).rejects.toMatchObject({ code: 'conversation_not_found' });
    } finally {
      old.close();
    }
  });

  it('serves the channel directory on the edge port', async () => {
    const directory = createServiceClient(ChannelDirectoryServiceService, conversation.edgeGrpcAddress!, { deadlineMs: 5000 });
    try {
      expect(Array.isArray((await directory.call.listChannelSecrets({ channelType: ChannelType.CHANNEL_TYPE_MESSENGER })).secrets)).toBe(true);
      await expect(directory.call.resolveChannel({ channelType: ChannelType.CHANNEL_TYPE_EMAIL, key: 'nobody@nowhere.example', verifyToken: '', channelId: '' })).rejects.toMatchObject({
        code: 'channel_not_found',
      });
    } finally {
      directory.close();
    }
  });

  it('refuses every module service and the deprecated one on the edge port', async () => {
    const edge = createConversationClients(conversation.edgeGrpcAddress!, { deadlineMs: 5000 });
    const old = createServiceClient(ConversationServiceService, conversation.edgeGrpcAddress!, { deadlineMs: 5000 });
    try {
      for (const call of Object.values(oneCallPerModule(edge, tenant))) await notImplemented(call);
      await notImplemented(() => edge.directory.call.createAccount({ accountName: 'Evil', name: 'Evil', email: 'evil@evil.example', password: 'evil password 1' }));
      await notImplemented(() => old.call.listUsers({ tenant }));
      await notImplemented(() => old.call.resolveChannel({ channelType: ChannelType.CHANNEL_TYPE_EMAIL, key: 'x@y.example', verifyToken: '', channelId: '' }));
    } finally {
      edge.close();
      old.close();
    }
  });

  it('speaks status, channel and direction as enums, and still understands the names the previous release sends', async () => {
    const fixture = await createEmailChannel(conversation.grpcAddress!);
    const owner = { accountId: fixture.accountId, userId: fixture.userId };
    const composed = await internal.outbound.call.composeEmail({
      tenant: owner,
      inboxId: fixture.inboxId,
      to: 'customer@example.com',
      subject: 'Enums',
      text: 'Hello',
      html: '',
      cc: [],
      bcc: [],
    });
    const conversationId = composed.conversation!.id;
    const detail = await internal.conversations.call.getConversation({ tenant: owner, conversationId });
    expect(detail.conversation).toMatchObject({
      status: ConversationStatus.CONVERSATION_STATUS_OPEN,
      statusName: 'open',
      channel: ChannelType.CHANNEL_TYPE_EMAIL,
      channelName: 'email',
      lastMessageDirection: MessageDirection.MESSAGE_DIRECTION_OUTBOUND,
      lastMessageDirectionName: 'outbound',
      replyChannel: ChannelType.CHANNEL_TYPE_UNSPECIFIED,
    });
    expect(detail.messages.map((m) => [m.direction, m.directionName, m.channel])).toEqual([[MessageDirection.MESSAGE_DIRECTION_OUTBOUND, 'outbound', ChannelType.CHANNEL_TYPE_EMAIL]]);
    const change = { tenant: owner, conversationId, unassign: false, closeTicket: false, clearTeam: false };
    // A gateway of the previous release names the status only.
    const closed = await internal.conversations.call.updateConversation({ ...change, status: ConversationStatus.CONVERSATION_STATUS_UNSPECIFIED, statusName: 'closed' });
    expect([closed.conversation?.status, closed.conversation?.statusName]).toEqual([ConversationStatus.CONVERSATION_STATUS_CLOSED, 'closed']);
    const reopened = await internal.conversations.call.updateConversation({ ...change, status: ConversationStatus.CONVERSATION_STATUS_OPEN, statusName: '' });
    expect(reopened.conversation?.status).toBe(ConversationStatus.CONVERSATION_STATUS_OPEN);
    for (const bad of [{ status: 9 as ConversationStatus, statusName: '' }, { status: ConversationStatus.CONVERSATION_STATUS_UNSPECIFIED, statusName: 'maybe' }]) {
      await expect(internal.conversations.call.updateConversation({ ...change, ...bad })).rejects.toMatchObject({ code: 'invalid_status' });
    }
    const facts = await internal.conversations.call.getRoutingFacts({ accountId: owner.accountId, conversationIds: [conversationId] });
    expect(facts.facts.map((f) => [f.status, f.channel])).toEqual([[ConversationStatus.CONVERSATION_STATUS_OPEN, ChannelType.CHANNEL_TYPE_EMAIL]]);
  });
});
