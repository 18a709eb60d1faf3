// The ConversationsService of the conversation service's conversations module: validated requests in, use cases, proto responses out.
import { InvalidArgumentError, NotFoundError, channelType, conversationStatus, type UnaryHandlers } from '@inbox/lib';
import type { CustomViewFilters as WireViewFilters } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import type { ConversationsServiceService } from '@inbox/lib/gen/inbox/conversation/v1/conversations';
import type { ConversationUseCases } from './use-cases';
import type { CustomView } from '../../modules/conversations';
import { actorFrom } from '../proto-mapping';

const customViewToProto = (view: CustomView) => ({
  ...view,
  teamId: view.teamId ?? '',
  filters: { ...view.filters, channel: channelType.toProto(view.filters.channel), channelName: view.filters.channel },
});

/** The filters as the module keeps them: a channel by its name (an unknown one is kept, to be refused by name). */
const viewFiltersFromProto = (f: WireViewFilters | undefined) =>
  f && { baseView: f.baseView, channel: channelType.nameOf(f.channel, f.channelName) ?? f.channelName, assignee: f.assignee, needsReply: f.needsReply };

export function conversationsGrpcHandlers(u: ConversationUseCases): UnaryHandlers<typeof ConversationsServiceService> {
  return {
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
        filters: viewFiltersFromProto(request.filters),
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
      return u.searchDocuments.byRefs(request.conversations, { versionsOnly: request.versionsOnly });
    },

    async getRoutingFacts(request) {
      if (!request.accountId) throw new InvalidArgumentError('account_required', 'account_id is required');
      if (request.conversationIds.length > 500) throw new InvalidArgumentError('too_many_ids', 'at most 500 conversation ids per request');
      return { facts: await u.queries.routingFacts(request.accountId, request.conversationIds) };
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
      const status = conversationStatus.nameOf(request.status, request.statusName);
      if (!status && (request.status || request.statusName)) throw new InvalidArgumentError('invalid_status', 'status must be open or closed');
      await u.updateConversation.execute(actor, request.conversationId, {
        assigneeId: request.assigneeId,
        unassign: request.unassign,
        status,
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

    async getAttachment(request) {
      const actor = actorFrom(request.tenant);
      const found = await u.queries.attachment(actor.accountId, request.attachmentId);
      if (!found) throw new NotFoundError('attachment_not_found', 'no such attachment');
      return found;
    },
  };
}
