// The ConversationService gRPC API: validated requests in, use cases, proto responses out.
import { InvalidArgumentError, NotFoundError, type UnaryHandlers } from '@inbox/lib';
import type { ConversationServiceService } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import type { InboundReceipts } from './inbound-receipts.repository';
import type { AuthenticateUser, CreateAccount } from '../use-cases/accounts';
import type { CreateUser, RemoveUser, UpdateUser } from '../use-cases/users';
import type { AddInboxMember, CreateChannel, CreateInbox } from '../use-cases/inboxes';
import type { ConversationQueries } from './conversation-queries';
import type { DirectoryRepository } from './directory.repository';
import { actorFrom, channelToProto, channelTypeFromProto, inboxToProto, roleFromProto, userToProto } from './proto-mapping';

export interface ConversationUseCases {
  receipts: InboundReceipts;
  directory: DirectoryRepository;
  queries: ConversationQueries;
  createAccount: CreateAccount;
  authenticateUser: AuthenticateUser;
  createUser: CreateUser;
  updateUser: UpdateUser;
  removeUser: RemoveUser;
  createInbox: CreateInbox;
  addInboxMember: AddInboxMember;
  createChannel: CreateChannel;
}

export function conversationGrpcHandlers(u: ConversationUseCases): UnaryHandlers<typeof ConversationServiceService> {
  return {
    async getInboundReceipt(request) {
      if (!request.eventId) throw new InvalidArgumentError('event_id_required', 'event_id is required');
      const receipt = await u.receipts.find(request.eventId);
      if (!receipt) throw new NotFoundError('receipt_not_found', 'no inbound message with that event id');
      return { eventId: receipt.eventId, deliveries: receipt.deliveries, storedAt: receipt.storedAt };
    },

    async createAccount(request) {
      const { account, user } = await u.createAccount.execute(request);
      return { account, user: userToProto(user) };
    },

    async verifyCredentials(request) {
      return { user: userToProto(await u.authenticateUser.execute(request)) };
    },

    async getUser(request) {
      const actor = actorFrom(request.tenant);
      const user = await u.directory.findUser(actor.accountId, request.userId);
      if (!user) throw new NotFoundError('user_not_found', 'no such user');
      return { user: userToProto(user) };
    },

    async listUsers(request) {
      const actor = actorFrom(request.tenant);
      return { users: (await u.directory.listUsers(actor.accountId)).map(userToProto) };
    },

    async createUser(request) {
      const role = roleFromProto(request.role);
      if (!role) throw new InvalidArgumentError('invalid_role', 'role must be agent, admin or superadmin');
      const user = await u.createUser.execute(actorFrom(request.tenant), { ...request, role });
      return { user: userToProto(user) };
    },

    async updateUser(request) {
      const user = await u.updateUser.execute(actorFrom(request.tenant), request.userId, {
        name: request.name,
        role: roleFromProto(request.role),
        deactivated: request.deactivated,
      });
      return { user: userToProto(user) };
    },

    async removeUser(request) {
      await u.removeUser.execute(actorFrom(request.tenant), request.userId);
      return {};
    },

    async createInbox(request) {
      return { inbox: inboxToProto(await u.createInbox.execute(actorFrom(request.tenant), request)) };
    },

    async listInboxes(request) {
      const actor = actorFrom(request.tenant);
      return { inboxes: (await u.directory.listInboxes(actor.accountId)).map(inboxToProto) };
    },

    async addInboxMember(request) {
      return { inbox: inboxToProto(await u.addInboxMember.execute(actorFrom(request.tenant), request.inboxId, request.userId)) };
    },

    async createChannel(request) {
      const channel = await u.createChannel.execute(actorFrom(request.tenant), request.inboxId, {
        type: channelTypeFromProto(request.type),
        name: request.name,
        address: request.address || undefined,
        fields: request.fields,
        pageId: request.pageId || undefined,
        appSecret: request.appSecret || undefined,
        phoneNumber: request.phoneNumber || undefined,
        authToken: request.authToken || undefined,
      });
      return { channel: channelToProto(channel) };
    },

    async listChannels(request) {
      const actor = actorFrom(request.tenant);
      const [inbox] = await u.directory.listInboxes(actor.accountId, request.inboxId);
      if (!inbox) throw new NotFoundError('inbox_not_found', 'no such inbox');
      return { channels: (await u.directory.listChannels(actor.accountId, request.inboxId)).map(channelToProto) };
    },

    async listViews(request) {
      const actor = actorFrom(request.tenant);
      return { views: (await u.queries.viewCounts(actor.accountId, actor.userId, request.inboxId)).map((v) => ({ ...v, count: String(v.count) })) };
    },

    async listConversations(request) {
      const actor = actorFrom(request.tenant);
      return u.queries.list({
        accountId: actor.accountId,
        userId: actor.userId,
        inboxId: request.inboxId,
        view: request.view,
        oldestFirst: request.oldestFirst,
        limit: request.page?.limit ?? 25,
        cursor: request.page?.cursor || undefined,
      });
    },

    async getConversation(request) {
      const actor = actorFrom(request.tenant);
      return u.queries.detail(actor.accountId, request.conversationId);
    },

    async resolveChannel(request) {
      if (!request.key) throw new InvalidArgumentError('key_required', 'key is required');
      const type = channelTypeFromProto(request.channelType);
      const channel = await u.directory.resolveChannel(type, type === 'email' ? request.key.toLowerCase() : request.key);
      if (!channel) throw new NotFoundError('channel_not_found', 'no channel with that key');
      return { accountId: channel.accountId, inboxId: channel.inboxId, channelId: channel.id, channelType: request.channelType };
    },
  };
}
