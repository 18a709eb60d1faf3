// Admins give a chat channel its bot; new chats on the channel then start in the Bots view.
import { FailedPreconditionError, NotFoundError } from '@inbox/lib';
import type { DirectoryStore } from '../../directory';
import { validateChatflow, type ChatflowStep, type StoredChatflow } from '../domain/chatflow';
import type { Actor } from '../../directory';
import { requireActor } from '../../directory';
import type { Pool, PoolClient } from '@inbox/lib';

/** Where chat bots are kept; reads take the caller's transaction or the pool. */
export interface ChatflowStore {
  save(accountId: string, channelId: string, flow: { name: string; steps: ChatflowStep[]; enabled: boolean }): Promise<StoredChatflow>;
  ofChannel(db: Pool | PoolClient, accountId: string, channelId: string): Promise<StoredChatflow | null>;
  byId(db: Pool | PoolClient, accountId: string, id: string): Promise<StoredChatflow | null>;
}

export class ManageChatflows {
  constructor(
    private readonly directory: DirectoryStore,
    private readonly chatflows: ChatflowStore,
  ) {}

  private async chatChannel(actor: Actor, channelId: string): Promise<void> {
    const channel = await this.directory.findChannel(actor.accountId, channelId);
    if (!channel) throw new NotFoundError('channel_not_found', 'no such channel');
    if (channel.type !== 'chat') throw new FailedPreconditionError('not_a_chat_channel', 'chatflows run on chat channels only');
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
