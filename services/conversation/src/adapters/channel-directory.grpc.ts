// ChannelDirectoryService: the channel directory as ingest, the internet-facing edge, needs it,
// served alone on the conversation service's edge port.
import { InvalidArgumentError, NotFoundError, type UnaryHandlers } from '@inbox/lib';
import type { ChannelDirectoryServiceService } from '@inbox/lib/gen/inbox/channels/v1/channels';
import type { ConversationQueries } from '../modules/conversations/adapters';
import type { DirectoryRepository } from '../modules/directory/adapters';
import { DEFAULT_RING_SECONDS } from '../modules/directory';
import { channelTypeFromProto } from './proto-mapping';

export function channelDirectoryGrpcHandlers(directory: DirectoryRepository, queries: ConversationQueries): UnaryHandlers<typeof ChannelDirectoryServiceService> {
  return {
    async resolveChannel(request) {
      if (!request.key && !request.verifyToken && !request.channelId) throw new InvalidArgumentError('key_required', 'key, verify_token or channel_id is required');
      const type = channelTypeFromProto(request.channelType);
      const channel = await directory.resolveChannel(type, {
        lookupKey: type === 'email' ? request.key.toLowerCase() : request.key,
        verifyToken: request.verifyToken,
        channelId: request.channelId,
      });
      if (!channel) throw new NotFoundError('channel_not_found', 'no channel with that key');
      return {
        accountId: channel.accountId,
        inboxId: channel.inboxId,
        channelId: channel.id,
        channelType: request.channelType,
        fields: channel.settings.fields ?? [],
        name: channel.name,
        secret: channel.secret,
        lookupKey: channel.lookupKey,
        businessHours: channel.settings.businessHours,
        preChatEmail: channel.type === 'chat' ? (channel.settings.preChatEmail ?? 'optional') : '',
        honeypotField: channel.settings.honeypotField ?? '',
        ringStrategy: channel.type === 'phone' ? (channel.settings.ringStrategy ?? 'sequential') : '',
        ringSeconds: channel.type === 'phone' ? (channel.settings.ringSeconds ?? DEFAULT_RING_SECONDS) : 0,
      };
    },

    async findChatConversation(request) {
      if (!request.accountId || !request.sessionId) throw new InvalidArgumentError('session_required', 'account_id and session_id are required');
      const found = await queries.chatConversation(request.accountId, request.sessionId);
      if (!found) throw new NotFoundError('conversation_not_found', 'no conversation for this chat session yet');
      return found;
    },

    async listChannelSecrets(request) {
      return { secrets: await directory.channelSecrets(channelTypeFromProto(request.channelType)) };
    },
  };
}
