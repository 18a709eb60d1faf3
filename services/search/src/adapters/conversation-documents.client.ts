// The conversation service as the source of search documents (gRPC).
import type { ConversationClients } from '@inbox/lib';
import type { ConversationRef } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import type { DocumentSource } from '../use-cases/index-conversations';
import type { DocumentExport } from '../use-cases/maintain-index';

export class ConversationDocuments implements DocumentSource, DocumentExport {
  constructor(private readonly client: ConversationClients['conversations']) {}

  async fetch(refs: ConversationRef[]) {
    return this.client.call.getSearchDocuments({ conversations: refs, versionsOnly: false });
  }

  async missing(refs: ConversationRef[]) {
    return (await this.client.call.getSearchDocuments({ conversations: refs, versionsOnly: true })).missing;
  }

  async page(input: { afterId: string; limit: number; versionsOnly: boolean; accountId: string }) {
    return this.client.call.exportSearchDocuments(input);
  }
}
