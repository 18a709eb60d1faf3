// The gRPC services of the conversation service: one per module, and the deprecated
// ConversationService that answers every module's RPCs (and ingest's three) for one more release.
import { governanceGrpcHandlers } from './grpc/governance.grpc';
import { CONVERSATION_MODULE_SERVICES, type ConversationModule, type UnaryHandlers } from '@inbox/lib';
import type { ConversationServiceService } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import type { ChannelDirectoryServiceService } from '@inbox/lib/gen/inbox/channels/v1/channels';
import { assistGrpcHandlers } from './grpc/assist.grpc';
import { conversationsGrpcHandlers } from './grpc/conversations.grpc';
import { directoryGrpcHandlers } from './grpc/directory.grpc';
import { inboundGrpcHandlers } from './grpc/inbound.grpc';
import { outboundGrpcHandlers } from './grpc/outbound.grpc';
import { recordsGrpcHandlers } from './grpc/records.grpc';
import { reportsGrpcHandlers } from './grpc/reports.grpc';
import { serviceLevelsGrpcHandlers } from './grpc/service-levels.grpc';
import type { ConversationUseCases } from './grpc/use-cases';

export type { ConversationUseCases } from './grpc/use-cases';

type ModuleDefinitions = { [M in ConversationModule]: (typeof CONVERSATION_MODULE_SERVICES)[M]['definition'] };
export type ModuleHandlers = { [M in ConversationModule]: UnaryHandlers<ModuleDefinitions[M]> };

export function moduleGrpcHandlers(u: ConversationUseCases): ModuleHandlers {
  return {
    directory: directoryGrpcHandlers(u),
    conversations: conversationsGrpcHandlers(u),
    outbound: outboundGrpcHandlers(u),
    records: recordsGrpcHandlers(u),
    assist: assistGrpcHandlers(u),
    serviceLevels: serviceLevelsGrpcHandlers(u),
    reports: reportsGrpcHandlers(u),
    inbound: inboundGrpcHandlers(u),
    governance: governanceGrpcHandlers(u),
  };
}

/** Every module's handlers under the old service, and ingest's three, which moved to the edge port. */
export function deprecatedConversationHandlers(
  modules: ModuleHandlers,
  channelDirectory: UnaryHandlers<typeof ChannelDirectoryServiceService>,
): UnaryHandlers<typeof ConversationServiceService> {
  return {
    ...modules.directory,
    ...modules.conversations,
    ...modules.outbound,
    ...modules.records,
    ...modules.assist,
    ...modules.serviceLevels,
    ...modules.reports,
    ...modules.inbound,
    resolveChannel: (request) => channelDirectory.resolveChannel!(request, undefined as never),
    findChatConversation: (request) => channelDirectory.findChatConversation!(request, undefined as never),
    listChannelSecrets: (request) => channelDirectory.listChannelSecrets!(request, undefined as never),
  };
}
