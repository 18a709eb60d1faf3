// Admins give a chat channel its bot; new chats on the channel then start in the Bots view.
import { FailedPreconditionError, NotFoundError } from '@inbox/lib';
import type { ChatflowsRepository, StoredChatflow } from '../adapters/chatflows.repository';
import type { DirectoryRepository } from '../../directory/adapters';
import { validateChatflow, type ChatflowStep } from '../domain/chatflow';
import type { Actor } from '../../directory';
import { requireActor } from '../../directory';

export class ManageChatflows {
  constructor(
    private readonly directory: DirectoryRepository,
    private readonly chatflows: ChatflowsRepository,
  ) {}

  private async chatChannel(actor: Actor, channelId: string): Promise<void> {
    const result = await this.directory.pool.query<{ type: string }>('SELECT type FROM channels WHERE account_id = $1 AND id = $2', [actor.accountId, channelId]);
    if (!result.rowCount) throw new NotFoundError('channel_not_found', 'no such channel');
    if (result.rows[0].type !== 'chat') throw new FailedPreconditionError('not_a_chat_channel', 'chatflows run on chat channels only');
  }

  async set(actor: Actor, channelId: string, input: { name: string; steps: Partial<ChatflowStep>[]; enabled: boolean }): Promise<StoredChatflow> {
    await requireActor(this.directory, actor, 'admin');
    await this.chatChannel(actor, channelId);
    const flow = validateChatflow(input);
    return this.chatflows.save(actor.accountId, channelId, { ...flow, enabled: input.enabled });
  }

  async get(actor: Actor, channelId: string): Promise<StoredChatflow | null> {
    await requireActor(this.directory, actor, 'agent');
    await this.chatChannel(actor, channelId);
    return this.chatflows.ofChannel(this.directory.pool, actor.accountId, channelId);
  }
}
