// The AssistService of the conversation service's assist module: validated requests in, use cases, proto responses out.
import type { UnaryHandlers } from '@inbox/lib';
import type { AssistServiceService } from '@inbox/lib/gen/inbox/conversation/v1/assist';
import type { ConversationUseCases } from './use-cases';
import { actorFrom } from '../proto-mapping';

export function assistGrpcHandlers(u: ConversationUseCases): UnaryHandlers<typeof AssistServiceService> {
  return {
    async setChatflow(request) {
      const flow = await u.chatflows.set(actorFrom(request.tenant), request.channelId, { name: request.name, steps: request.steps, enabled: request.enabled });
      return { chatflow: flow };
    },

    async getChatflow(request) {
      return { chatflow: (await u.chatflows.get(actorFrom(request.tenant), request.channelId)) ?? undefined };
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
  };
}
