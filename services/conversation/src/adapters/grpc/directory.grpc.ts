// The DirectoryService of the conversation service's directory module: validated requests in, use cases, proto responses out.
import { InvalidArgumentError, NotFoundError, type UnaryHandlers } from '@inbox/lib';
import type { DirectoryServiceService } from '@inbox/lib/gen/inbox/conversation/v1/directory';
import type { ConversationUseCases } from './use-cases';
import type { SsoSettings } from '../../modules/directory';
import { actorFrom, channelToProto, channelTypeFromProto, inboxToProto, roleFromProto, roleToProto, userToProto } from '../proto-mapping';

function ssoToProto(s: SsoSettings) {
  return { ...s, defaultRole: roleToProto(s.defaultRole) };
}

export function directoryGrpcHandlers(u: ConversationUseCases): UnaryHandlers<typeof DirectoryServiceService> {
  return {
    async getAccount(request) {
      return { account: await u.accountSettings.get(actorFrom(request.tenant)) };
    },

    async updateAccount(request) {
      return { account: await u.accountSettings.update(actorFrom(request.tenant), { name: request.name, timeZone: request.timeZone }) };
    },

    async createAccount(request) {
      const { account, user } = await u.createAccount.execute(request);
      return { account, user: userToProto(user) };
    },

    async getSsoSettings(request) {
      return { settings: ssoToProto(await u.singleSignOn.get(actorFrom(request.tenant))) };
    },

    async setSsoSettings(request) {
      const s = request.settings;
      if (!s) throw new InvalidArgumentError('settings_required', 'settings are required');
      const defaultRole = roleFromProto(s.defaultRole) ?? 'agent';
      if (defaultRole === 'superadmin') throw new InvalidArgumentError('invalid_role', 'users created by SSO are agents or admins');
      const input = { enabled: s.enabled, issuer: s.issuer, clientId: s.clientId, emailDomains: s.emailDomains, allowSignUp: s.allowSignUp, defaultRole, passwordSignInDisabled: s.passwordSignInDisabled };
      return { settings: ssoToProto(await u.singleSignOn.set(actorFrom(request.tenant), input, request.clientSecret)) };
    },

    async resolveSso(request) {
      return u.singleSignOn.resolve(request.email);
    },

    async completeSsoSignIn(request) {
      return { user: userToProto(await u.singleSignOn.complete(request)) };
    },

    async verifyCredentials(request) {
      return { user: userToProto(await u.authenticateUser.execute(request)) };
    },

    async createSession(request) {
      return u.sessions.create(actorFrom(request.tenant), { ttlSeconds: request.ttlSeconds, ip: request.ip, userAgent: request.userAgent });
    },

    async getSession(request) {
      if (!request.accountId || !request.sessionId) throw new InvalidArgumentError('session_required', 'account_id and session_id are required');
      return { user: userToProto(await u.sessions.resolve(request.accountId, request.sessionId)) };
    },

    async renewSession(request) {
      return { expiresAt: await u.sessions.renew(actorFrom(request.tenant), request.sessionId, request.ttlSeconds) };
    },

    async revokeSession(request) {
      await u.sessions.revoke(actorFrom(request.tenant), request.sessionId);
      return {};
    },

    async changePassword(request) {
      await u.sessions.changePassword(actorFrom(request.tenant), request);
      return {};
    },

    async verifyChannel(request) {
      return { channel: channelToProto(await u.verifyChannel.execute(actorFrom(request.tenant), request.channelId, request.code)) };
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
        phoneNumber: request.phoneNumber,
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
        pageAccessToken: request.pageAccessToken || undefined,
        providerAccountSid: request.providerAccountSid || undefined,
        businessHours: request.businessHours,
        preChatEmail: request.preChatEmail || undefined,
        honeypotField: request.honeypotField || undefined,
        createTicket: request.createTicket,
        signature: request.signature || undefined,
        ringStrategy: request.ringStrategy || undefined,
        ringSeconds: request.ringSeconds || undefined,
      });
      return { channel: channelToProto(channel) };
    },

    async listTeams(request) {
      return { teams: await u.teams.list(actorFrom(request.tenant)) };
    },

    async createTeam(request) {
      return { team: await u.teams.create(actorFrom(request.tenant), { name: request.name, userIds: request.userIds }) };
    },

    async updateTeam(request) {
      return { team: await u.teams.update(actorFrom(request.tenant), request.teamId, { name: request.name, userIds: request.members?.userIds }) };
    },

    async deleteTeam(request) {
      await u.teams.remove(actorFrom(request.tenant), request.teamId);
      return {};
    },

    async updateInbox(request) {
      return { inbox: inboxToProto(await u.updateInbox.execute(actorFrom(request.tenant), request.inboxId, { name: request.name })) };
    },

    async deleteInbox(request) {
      return { movedConversations: await u.deleteInbox.execute(actorFrom(request.tenant), request.inboxId, request.moveConversationsTo || undefined) };
    },

    async removeInboxMember(request) {
      return { inbox: inboxToProto(await u.removeInboxMember.execute(actorFrom(request.tenant), request.inboxId, request.userId)) };
    },

    async updateChannel(request) {
      const channel = await u.updateChannel.execute(actorFrom(request.tenant), request.channelId, {
        name: request.name,
        fields: request.fields?.fields,
        businessHours: request.clearBusinessHours ? null : request.businessHours,
        preChatEmail: request.preChatEmail,
        honeypotField: request.honeypotField,
        createTicket: request.createTicket,
        appSecret: request.appSecret,
        pageAccessToken: request.pageAccessToken,
        authToken: request.authToken,
        providerAccountSid: request.providerAccountSid,
        signature: request.signature,
        ringStrategy: request.ringStrategy,
        ringSeconds: request.ringSeconds,
      });
      return { channel: channelToProto(channel) };
    },

    async deleteChannel(request) {
      await u.deleteChannel.execute(actorFrom(request.tenant), request.channelId);
      return {};
    },

    async listChannels(request) {
      const actor = actorFrom(request.tenant);
      const [inbox] = await u.directory.listInboxes(actor.accountId, request.inboxId);
      if (!inbox) throw new NotFoundError('inbox_not_found', 'no such inbox');
      return { channels: (await u.directory.listChannels(actor.accountId, request.inboxId)).map(channelToProto) };
    },
  };
}
