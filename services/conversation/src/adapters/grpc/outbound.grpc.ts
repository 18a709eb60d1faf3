// The OutboundService of the conversation service's outbound module: validated requests in, use cases, proto responses out.
import { channelType, type UnaryHandlers } from '@inbox/lib';
import type { OutboundServiceService } from '@inbox/lib/gen/inbox/conversation/v1/outbound';
import type { ConversationUseCases } from './use-cases';
import { actorFrom } from '../proto-mapping';

export function outboundGrpcHandlers(u: ConversationUseCases): UnaryHandlers<typeof OutboundServiceService> {
  return {
    async reply(request) {
      const actor = actorFrom(request.tenant);
      const messageId = await u.reply.execute(actor, request.conversationId, { text: request.text, html: request.html }, channelType.nameOf(request.channel, request.channelName) ?? (request.channelName || undefined), request.uploadIds, {
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
  };
}
