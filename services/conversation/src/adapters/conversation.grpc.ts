// The ConversationService gRPC API: validated requests in, use cases, proto responses out.
import { InvalidArgumentError, NotFoundError, type UnaryHandlers } from '@inbox/lib';
import type { ConversationServiceService } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import type { ChannelDirectoryServiceService } from '@inbox/lib/gen/inbox/channels/v1/channels';
import type { InboundReceipts } from '../modules/inbound/adapters';
import type { AuthenticateUser, CreateAccount } from '../modules/directory';
import type { CreateUser, RemoveUser, UpdateUser } from '../modules/directory';
import type { AddInboxMember, CreateChannel, CreateInbox, DeleteChannel, DeleteInbox, ManageTeams, RemoveInboxMember, UpdateChannel, UpdateInbox, VerifyChannel } from '../modules/directory';
import type { AccountSettings, Sessions } from '../modules/directory';
import type { Figures, ReportInput, Reports, SupervisorWallboard, WallboardRow } from '../modules/reports';
import type { AddComment } from '../modules/conversations';
import type { ApplyConversationAction, UnblockSender } from '../modules/conversations';
import type { DeleteConversation } from '../modules/conversations';
import type { ForwardConversation } from '../modules/outbound';
import type { AssistWithConversation } from '../modules/assist';
import type { ManageChatflows } from '../modules/assist';
import type { CustomView, ManageCustomViews } from '../modules/conversations';
import type { ManageSnippets } from '../modules/assist';
import type { PlaceCall } from '../modules/outbound';
import type { RegisterUpload } from '../modules/outbound';
import type { SendTranscript } from '../modules/outbound';
import type { ComposeEmail, ReplyToConversation } from '../modules/outbound';
import type { SetMessageHidden } from '../modules/conversations';
import type { UpdateConversation } from '../modules/conversations';
import type { CreateTicket, UpdateTicket } from '../modules/records';
import type { CreateDeal, DetachContact } from '../modules/records';
import type { FindContacts, ManageContactProperties, MergeContacts, SurveySettings, Surveys, UpdateContact, UpdateDeal } from '../modules/records';
import type { ConversationQueries } from '../modules/conversations/adapters';
import type { DirectoryRepository } from '../modules/directory/adapters';
import type { SearchDocuments } from '../modules/conversations/adapters';
import type { AutoAssign } from '../modules/conversations';
import type { PolicyScope, ServiceLevels, SlaPolicy } from '../modules/sla';
import { actorFrom, channelToProto, channelTypeFromProto, inboxToProto, roleFromProto, userToProto } from './proto-mapping';

export interface ConversationUseCases {
  receipts: InboundReceipts;
  directory: DirectoryRepository;
  queries: ConversationQueries;
  searchDocuments: SearchDocuments;
  autoAssign: AutoAssign;
  createAccount: CreateAccount;
  authenticateUser: AuthenticateUser;
  createUser: CreateUser;
  updateUser: UpdateUser;
  removeUser: RemoveUser;
  createInbox: CreateInbox;
  addInboxMember: AddInboxMember;
  updateInbox: UpdateInbox;
  teams: ManageTeams;
  deleteInbox: DeleteInbox;
  removeInboxMember: RemoveInboxMember;
  updateChannel: UpdateChannel;
  deleteChannel: DeleteChannel;
  createChannel: CreateChannel;
  verifyChannel: VerifyChannel;
  sessions: Sessions;
  updateConversation: UpdateConversation;
  applyConversationAction: ApplyConversationAction;
  unblockSender: UnblockSender;
  deleteConversation: DeleteConversation;
  setMessageHidden: SetMessageHidden;
  addComment: AddComment;
  reply: ReplyToConversation;
  composeEmail: ComposeEmail;
  placeCall: PlaceCall;
  registerUpload: RegisterUpload;
  chatflows: ManageChatflows;
  snippets: ManageSnippets;
  customViews: ManageCustomViews;
  createDeal: CreateDeal;
  updateDeal: UpdateDeal;
  surveySettings: SurveySettings;
  serviceLevels: ServiceLevels;
  updateContact: UpdateContact;
  mergeContacts: MergeContacts;
  findContacts: FindContacts;
  contactProperties: ManageContactProperties;
  detachContact: DetachContact;
  surveys: Surveys;
  assist: AssistWithConversation;
  sendTranscript: SendTranscript;
  forwardConversation: ForwardConversation;
  createTicket: CreateTicket;
  updateTicket: UpdateTicket;
  channelDirectory: UnaryHandlers<typeof ChannelDirectoryServiceService>;
  accountSettings: AccountSettings;
  reports: Reports;
  wallboard: SupervisorWallboard;
}

const orUndefined = <T>(value: T | null): T | undefined => value ?? undefined;

function figuresToProto(f: Figures) {
  return {
    newConversations: f.newConversations,
    reopened: f.reopened,
    closed: f.closed,
    firstResponse: { count: f.firstResponse.count, medianSeconds: orUndefined(f.firstResponse.medianSeconds), p90Seconds: orUndefined(f.firstResponse.p90Seconds) },
    resolution: { count: f.resolution.count, medianSeconds: orUndefined(f.resolution.medianSeconds), p90Seconds: orUndefined(f.resolution.p90Seconds) },
    replies: f.replies,
    slaMet: f.sla.met,
    slaBreached: f.sla.breached,
    slaAttainment: orUndefined(f.sla.attainment),
    csatSent: f.csat.sent,
    csatAnswered: f.csat.answered,
    csatAverage: orUndefined(f.csat.average),
    csatResponseRate: orUndefined(f.csat.responseRate),
    npsSent: f.nps.sent,
    npsAnswered: f.nps.answered,
    npsPromoters: f.nps.promoters,
    npsDetractors: f.nps.detractors,
    npsScore: orUndefined(f.nps.score),
    npsResponseRate: orUndefined(f.nps.responseRate),
  };
}

const reportInput = (r: { from: string; to: string; groupBy: string; inboxId: string; teamId: string; agentId: string }): ReportInput => ({
  from: r.from,
  to: r.to,
  groupBy: r.groupBy,
  inboxId: r.inboxId,
  teamId: r.teamId,
  agentId: r.agentId,
});

const wallboardRowToProto = (row: WallboardRow) => ({
  ...row,
  oldestWaitingSince: orUndefined(row.oldestWaitingSince),
  firstResponseMedianSecondsToday: orUndefined(row.firstResponseMedianSecondsToday),
});

const customViewToProto = (view: CustomView) => ({ ...view, teamId: view.teamId ?? '' });

function policyScope(request: { inboxId: string; teamId: string }): PolicyScope {
  if (!request.inboxId === !request.teamId) throw new InvalidArgumentError('scope_required', 'name an inbox or a team');
  return request.teamId ? { teamId: request.teamId } : { inboxId: request.inboxId };
}

function slaPolicyToProto(policy: SlaPolicy | null) {
  if (!policy) return undefined;
  return {
    firstResponseMinutes: policy.firstResponseMinutes ?? undefined,
    nextResponseMinutes: policy.nextResponseMinutes ?? undefined,
    resolutionMinutes: policy.resolutionMinutes ?? undefined,
    businessHours: policy.businessHours ?? undefined,
    pauseWhileWaitingOnCustomer: policy.pauseWhileWaitingOnCustomer,
  };
}

export function conversationGrpcHandlers(u: ConversationUseCases): UnaryHandlers<typeof ConversationServiceService> {
  return {
    async getInboundReceipt(request) {
      if (!request.eventId) throw new InvalidArgumentError('event_id_required', 'event_id is required');
      const receipt = await u.receipts.find(request.eventId);
      if (!receipt) throw new NotFoundError('receipt_not_found', 'no inbound message with that event id');
      return { eventId: receipt.eventId, deliveries: receipt.deliveries, storedAt: receipt.storedAt };
    },

    async getAccount(request) {
      return { account: await u.accountSettings.get(actorFrom(request.tenant)) };
    },

    async updateAccount(request) {
      return { account: await u.accountSettings.update(actorFrom(request.tenant), { name: request.name, timeZone: request.timeZone }) };
    },

    async getReportSummary(request) {
      const summary = await u.reports.summary(actorFrom(request.tenant), reportInput(request));
      return {
        ...summary,
        totals: figuresToProto(summary.totals),
        groups: summary.groups.map((g) => ({ key: g.key, label: g.label, figures: figuresToProto(g.figures) })),
      };
    },

    async exportReport(request) {
      if (!request.query) throw new InvalidArgumentError('query_required', 'a report query is required');
      return { csv: await u.reports.csv(actorFrom(request.query.tenant), reportInput(request.query)) };
    },

    async getWallboard(request) {
      const board = await u.wallboard.board(actorFrom(request.tenant));
      return { ...board, inboxes: board.inboxes.map(wallboardRowToProto), teams: board.teams.map(wallboardRowToProto) };
    },

    async createAccount(request) {
      const { account, user } = await u.createAccount.execute(request);
      return { account, user: userToProto(user) };
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

    async listViews(request) {
      const actor = actorFrom(request.tenant);
      const views = await u.queries.viewCounts(actor.accountId, actor.userId, request.inboxId);
      return { views: views.map((v) => ({ ...v, count: String(v.count), custom: v.custom && customViewToProto(v.custom) })) };
    },

    async saveCustomView(request) {
      const view = await u.customViews.save(actorFrom(request.tenant), {
        id: request.id,
        inboxId: request.inboxId,
        name: request.name,
        shared: request.shared,
        teamId: request.teamId,
        filters: request.filters,
      });
      return { view: customViewToProto(view) };
    },

    async deleteCustomView(request) {
      await u.customViews.delete(actorFrom(request.tenant), request.id);
      return {};
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

    async getConversationSummaries(request) {
      const actor = actorFrom(request.tenant);
      if (request.conversationIds.length > 500) throw new InvalidArgumentError('too_many_ids', 'at most 500 conversation ids per request');
      return { items: await u.queries.summaries(actor.accountId, request.conversationIds) };
    },

    async getSearchDocuments(request) {
      if (request.conversations.length > 1000) throw new InvalidArgumentError('too_many_ids', 'at most 1000 conversations per request');
      if (request.conversations.some((r) => !r.accountId || !r.conversationId)) {
        throw new InvalidArgumentError('conversation_ref_required', 'every reference needs account_id and conversation_id');
      }
      return u.searchDocuments.byRefs(request.conversations);
    },

    async getRoutingFacts(request) {
      if (!request.accountId) throw new InvalidArgumentError('account_required', 'account_id is required');
      if (request.conversationIds.length > 500) throw new InvalidArgumentError('too_many_ids', 'at most 500 conversation ids per request');
      return { facts: await u.queries.routingFacts(request.accountId, request.conversationIds) };
    },

    async findCallerOwner(request) {
      if (!request.accountId || !request.phoneNumber) throw new InvalidArgumentError('caller_required', 'account_id and phone_number are required');
      return { ownerId: (await u.queries.callerOwner(request.accountId, request.phoneNumber)) ?? '' };
    },

    async autoAssign(request) {
      if (!request.accountId || !request.conversationId || !request.userId) {
        throw new InvalidArgumentError('assignment_incomplete', 'account_id, conversation_id and user_id are required');
      }
      if (request.capacity < 0) throw new InvalidArgumentError('invalid_capacity', 'capacity must be 0 (no limit) or more');
      return u.autoAssign.execute({ accountId: request.accountId, conversationId: request.conversationId, userId: request.userId, capacity: request.capacity });
    },

    async exportSearchDocuments(request) {
      return u.searchDocuments.export({ afterId: request.afterId, limit: request.limit, versionsOnly: request.versionsOnly, accountId: request.accountId });
    },

    async getConversation(request) {
      const actor = actorFrom(request.tenant);
      return u.queries.detail(actor.accountId, request.conversationId);
    },

    async updateConversation(request) {
      const actor = actorFrom(request.tenant);
      if (request.status && request.status !== 'open' && request.status !== 'closed') throw new InvalidArgumentError('invalid_status', 'status must be open or closed');
      await u.updateConversation.execute(actor, request.conversationId, {
        assigneeId: request.assigneeId,
        unassign: request.unassign,
        status: (request.status || undefined) as 'open' | 'closed' | undefined,
        closeTicket: request.closeTicket,
        teamId: request.clearTeam ? null : request.teamId,
      });
      return { conversation: await u.queries.summary(actor.accountId, request.conversationId) };
    },

    async applyToConversations(request) {
      const actor = actorFrom(request.tenant);
      const ids = await u.applyConversationAction.execute(actor, request.conversationIds, request.action);
      return { conversations: await Promise.all(ids.map((id) => u.queries.summary(actor.accountId, id))) };
    },

    async deleteConversation(request) {
      await u.deleteConversation.execute(actorFrom(request.tenant), request.conversationId);
      return {};
    },

    async unblockSender(request) {
      await u.unblockSender.execute(actorFrom(request.tenant), { senderKey: request.senderKey || undefined, conversationId: request.conversationId || undefined });
      return {};
    },

    async listBlockedSenders(request) {
      const actor = actorFrom(request.tenant);
      return { senders: await u.queries.blockedSenders(actor.accountId) };
    },

    async setMessageHidden(request) {
      const actor = actorFrom(request.tenant);
      const conversationId = await u.setMessageHidden.execute(actor, request.messageId, request.hidden);
      const detail = await u.queries.detail(actor.accountId, conversationId);
      return { message: detail.messages.find((m) => m.id === request.messageId) };
    },

    async addComment(request) {
      const actor = actorFrom(request.tenant);
      const comment = await u.addComment.execute(actor, request.conversationId, request.text, request.mentionedUserIds);
      const detail = await u.queries.detail(actor.accountId, request.conversationId);
      return { comment: detail.comments.find((c) => c.id === comment.id) };
    },

    async reply(request) {
      const actor = actorFrom(request.tenant);
      const messageId = await u.reply.execute(actor, request.conversationId, { text: request.text, html: request.html }, request.channel || undefined, request.uploadIds, {
        cc: request.cc,
        bcc: request.bcc,
        replyAll: request.replyAll,
      });
      const detail = await u.queries.detail(actor.accountId, request.conversationId);
      return { message: detail.messages.find((m) => m.id === messageId), conversation: detail.conversation };
    },

    async sendTranscript(request) {
      return { messageId: await u.sendTranscript.execute(actorFrom(request.tenant), request.conversationId, request.to) };
    },

    async forwardConversation(request) {
      return {
        messageId: await u.forwardConversation.execute(actorFrom(request.tenant), request.conversationId, { to: request.to, note: request.note, messageId: request.messageId }),
      };
    },

    async setChatflow(request) {
      const flow = await u.chatflows.set(actorFrom(request.tenant), request.channelId, { name: request.name, steps: request.steps, enabled: request.enabled });
      return { chatflow: flow };
    },

    async getChatflow(request) {
      return { chatflow: (await u.chatflows.get(actorFrom(request.tenant), request.channelId)) ?? undefined };
    },

    async createDeal(request) {
      return { deal: await u.createDeal.execute(actorFrom(request.tenant), request) };
    },

    async detachContact(request) {
      await u.detachContact.execute(actorFrom(request.tenant), request.conversationId);
      return {};
    },

    async sendSurvey(request) {
      return { messageId: await u.surveys.send(actorFrom(request.tenant), request.conversationId, request.linkBase, request.question) };
    },

    async getSurvey(request) {
      return u.surveys.get(request.token);
    },

    async answerSurvey(request) {
      await u.surveys.answer(request.token, request.score, request.comment);
      return {};
    },

    async listSnippets(request) {
      return { snippets: await u.snippets.list(actorFrom(request.tenant)) };
    },

    async saveSnippet(request) {
      return { snippet: await u.snippets.save(actorFrom(request.tenant), request.id, { kind: request.kind, name: request.name, body: request.body }) };
    },

    async deleteSnippet(request) {
      await u.snippets.delete(actorFrom(request.tenant), request.id);
      return {};
    },

    async summarizeConversation(request) {
      return u.assist.summarize(actorFrom(request.tenant), request.conversationId);
    },

    async draftReply(request) {
      return { text: await u.assist.draftReply(actorFrom(request.tenant), request.conversationId, request.prompt) };
    },

    async getAssistCapabilities() {
      return { model: u.assist.hasModel };
    },

    async registerUpload(request) {
      const uploadId = await u.registerUpload.execute(actorFrom(request.tenant), {
        filename: request.filename,
        contentType: request.contentType,
        size: Number(request.size),
        objectKey: request.objectKey,
      });
      return { uploadId };
    },

    async placeCall(request) {
      return { messageId: await u.placeCall.execute(actorFrom(request.tenant), request.conversationId, request.to) };
    },

    async composeEmail(request) {
      const actor = actorFrom(request.tenant);
      const created = await u.composeEmail.execute(actor, request);
      const detail = await u.queries.detail(actor.accountId, created.conversationId);
      return { conversation: detail.conversation, message: detail.messages.find((m) => m.id === created.messageId) };
    },

    async getAttachment(request) {
      const actor = actorFrom(request.tenant);
      const found = await u.queries.attachment(actor.accountId, request.attachmentId);
      if (!found) throw new NotFoundError('attachment_not_found', 'no such attachment');
      return found;
    },

    async createTicket(request) {
      const actor = actorFrom(request.tenant);
      const id = await u.createTicket.execute(actor, request.conversationId, request.title);
      return { ticket: (await u.queries.tickets(actor.accountId, { ticketId: id }))[0] };
    },

    async listTickets(request) {
      const actor = actorFrom(request.tenant);
      await u.queries.summary(actor.accountId, request.conversationId);
      return { tickets: await u.queries.tickets(actor.accountId, { conversationId: request.conversationId }) };
    },

    async updateTicket(request) {
      const actor = actorFrom(request.tenant);
      await u.updateTicket.execute(actor, request.ticketId, { status: request.status || undefined, title: request.title });
      return { ticket: (await u.queries.tickets(actor.accountId, { ticketId: request.ticketId }))[0] };
    },

    async getContact(request) {
      const actor = actorFrom(request.tenant);
      return { contact: await u.queries.contact(actor.accountId, request.contactId) };
    },

    async updateContact(request) {
      const actor = actorFrom(request.tenant);
      await u.updateContact.execute(actor, request.contactId, {
        name: request.name,
        emails: request.emails?.values,
        phones: request.phones?.values,
        ownerId: request.ownerId,
        setProperties: request.setProperties,
        removeProperties: request.removeProperties,
      });
      return { contact: await u.queries.contact(actor.accountId, request.contactId) };
    },

    async mergeContacts(request) {
      const actor = actorFrom(request.tenant);
      const movedConversations = await u.mergeContacts.execute(actor, request.contactId, request.otherContactId);
      return { contact: await u.queries.contact(actor.accountId, request.contactId), movedConversations };
    },

    async updateDeal(request) {
      const deal = await u.updateDeal.execute(actorFrom(request.tenant), request.dealId, {
        name: request.name,
        amountMinor: request.amountMinor,
        currency: request.currency,
        stage: request.stage,
      });
      return { deal };
    },

    async setSurveyOnClose(request) {
      const saved = await u.surveySettings.set(actorFrom(request.tenant), request.inboxId, request.enabled, request.everyDays, request.question);
      return saved;
    },

    async getSlaPolicy(request) {
      return { policy: slaPolicyToProto(await u.serviceLevels.policy(actorFrom(request.tenant), policyScope(request))) };
    },

    async setSlaPolicy(request) {
      const input = request.policy
        ? {
            firstResponseMinutes: request.policy.firstResponseMinutes ?? null,
            nextResponseMinutes: request.policy.nextResponseMinutes ?? null,
            resolutionMinutes: request.policy.resolutionMinutes ?? null,
            businessHours: request.policy.businessHours ?? null,
            pauseWhileWaitingOnCustomer: request.policy.pauseWhileWaitingOnCustomer,
          }
        : null;
      return { policy: slaPolicyToProto(await u.serviceLevels.setPolicy(actorFrom(request.tenant), policyScope(request), input)) };
    },

    async findContacts(request) {
      return { contacts: await u.findContacts.execute(actorFrom(request.tenant), request.query, request.limit) };
    },

    async listContactProperties(request) {
      return { properties: await u.contactProperties.list(actorFrom(request.tenant)) };
    },

    async saveContactProperty(request) {
      const property = request.property ?? { key: '', label: '', type: '', options: [] };
      return { property: await u.contactProperties.save(actorFrom(request.tenant), property) };
    },

    async deleteContactProperty(request) {
      await u.contactProperties.remove(actorFrom(request.tenant), request.key);
      return {};
    },

    // Deprecated here: ingest uses ChannelDirectoryService on the edge port. Kept one release so a
    // rolling upgrade with an older ingest keeps working.
    resolveChannel: (request) => u.channelDirectory.resolveChannel!(request, undefined as never),
    findChatConversation: (request) => u.channelDirectory.findChatConversation!(request, undefined as never),
    listChannelSecrets: (request) => u.channelDirectory.listChannelSecrets!(request, undefined as never),
  };
}
