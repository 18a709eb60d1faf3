// The conversation service answers through one gRPC service per module. Callers hold one client
// per module service, all over a single channel to the service.
import { AssistServiceService } from '../gen/inbox/conversation/v1/assist';
import { ConversationsServiceService } from '../gen/inbox/conversation/v1/conversations';
import { DirectoryServiceService } from '../gen/inbox/conversation/v1/directory';
import { InboundServiceService } from '../gen/inbox/conversation/v1/inbound';
import { GovernanceServiceService } from '../gen/inbox/conversation/v1/governance';
import { OutboundServiceService } from '../gen/inbox/conversation/v1/outbound';
import { RecordsServiceService } from '../gen/inbox/conversation/v1/records';
import { ReportsServiceService } from '../gen/inbox/conversation/v1/reports';
import { ServiceLevelServiceService } from '../gen/inbox/conversation/v1/service_levels';
import { createChannel, createServiceClient, type ServiceClient } from './client';

/** Each module's service, by the name callers use for it, with its fully qualified gRPC name. */
export const CONVERSATION_MODULE_SERVICES = {
  directory: { name: 'inbox.conversation.v1.DirectoryService', definition: DirectoryServiceService },
  conversations: { name: 'inbox.conversation.v1.ConversationsService', definition: ConversationsServiceService },
  outbound: { name: 'inbox.conversation.v1.OutboundService', definition: OutboundServiceService },
  records: { name: 'inbox.conversation.v1.RecordsService', definition: RecordsServiceService },
  assist: { name: 'inbox.conversation.v1.AssistService', definition: AssistServiceService },
  serviceLevels: { name: 'inbox.conversation.v1.ServiceLevelService', definition: ServiceLevelServiceService },
  reports: { name: 'inbox.conversation.v1.ReportsService', definition: ReportsServiceService },
  inbound: { name: 'inbox.conversation.v1.InboundService', definition: InboundServiceService },
  governance: { name: 'inbox.conversation.v1.GovernanceService', definition: GovernanceServiceService },
} as const;

type ModuleServices = typeof CONVERSATION_MODULE_SERVICES;
export type ConversationModule = keyof ModuleServices;

export type ConversationClients = { [M in ConversationModule]: ServiceClient<ModuleServices[M]['definition']> } & {
  waitForReady: (deadlineMs: number) => Promise<void>;
  close: () => void;
};

export function createConversationClients(address: string, defaults: { deadlineMs: number }): ConversationClients {
  const channel = createChannel(address);
  const clients = {} as Record<ConversationModule, ServiceClient<unknown>>;
  for (const [module, service] of Object.entries(CONVERSATION_MODULE_SERVICES) as [ConversationModule, ModuleServices[ConversationModule]][]) {
    clients[module] = createServiceClient(service.definition, address, defaults, channel) as ServiceClient<unknown>;
  }
  return {
    ...(clients as unknown as { [M in ConversationModule]: ServiceClient<ModuleServices[M]['definition']> }),
    waitForReady: (deadlineMs) => clients.directory.waitForReady(deadlineMs),
    close: () => channel.close(),
  };
}
