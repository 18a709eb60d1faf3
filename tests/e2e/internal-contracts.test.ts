// The internet-facing edge gets a narrow contract: the conversation service's edge port serves
// ChannelDirectoryService and refuses every other service, so a compromised ingest cannot create
// users, read conversations or touch accounts.
import { DomainError, createServiceClient } from '@inbox/lib';
import { ChannelDirectoryServiceService } from '@inbox/lib/gen/inbox/channels/v1/channels';
import { ChannelType } from '@inbox/lib/gen/inbox/common/v1/common';
import { ConversationServiceService } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import { launchService, type LaunchedService } from '../support/services';

describe("the conversation service's edge port", () => {
  let conversation: LaunchedService;

  beforeAll(async () => {
    conversation = await launchService('conversation');
    await conversation.process.waitReady();
  });

  afterAll(() => conversation.process.stop());

  it('serves the channel directory', async () => {
    const directory = createServiceClient(ChannelDirectoryServiceService, conversation.edgeGrpcAddress!, { deadlineMs: 5000 });
    try {
      expect(Array.isArray((await directory.call.listChannelSecrets({ channelType: ChannelType.CHANNEL_TYPE_MESSENGER })).secrets)).toBe(true);
      await expect(directory.call.resolveChannel({ channelType: ChannelType.CHANNEL_TYPE_EMAIL, key: 'nobody@nowhere.example', verifyToken: '', channelId: '' })).rejects.toMatchObject({
        code: 'channel_not_found',
      });
    } finally {
      directory.close();
    }
  });

  it('refuses every method of the full conversation service', async () => {
    const full = createServiceClient(ConversationServiceService, conversation.edgeGrpcAddress!, { deadlineMs: 5000 });
    try {
      for (const attempt of [
        () => full.call.createAccount({ accountName: 'Evil', name: 'Evil', email: 'evil@evil.example', password: 'evil password 1' }),
        () => full.call.listUsers({ tenant: { accountId: 'acc_x', userId: 'usr_x' } }),
        () => full.call.resolveChannel({ channelType: ChannelType.CHANNEL_TYPE_EMAIL, key: 'x@y.example', verifyToken: '', channelId: '' }),
      ]) {
        const error = await attempt().then(() => null, (e: unknown) => e);
        expect(error).toBeInstanceOf(DomainError);
        expect((error as DomainError).kind).toBe('not_implemented');
      }
    } finally {
      full.close();
    }
  });
});
