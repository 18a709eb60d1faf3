// Which channel an address or id belongs to, asked of the conversation service and cached
// briefly (a miss for a short time too, so a flood to unknown addresses does not hammer it).
import { DomainError, type ServiceClient } from '@inbox/lib';
import { ChannelType } from '@inbox/lib/gen/inbox/common/v1/common';
import type { ConversationServiceService } from '@inbox/lib/gen/inbox/conversation/v1/conversation';

export interface ResolvedChannel {
  accountId: string;
  inboxId: string;
  channelId: string;
  channelType: ChannelType;
  name?: string;
  fields?: { name: string; required: boolean }[];
}

export interface ChannelDirectory {
  resolve(type: ChannelType, key: string): Promise<ResolvedChannel | null>;
}

export class CachedChannelDirectory implements ChannelDirectory {
  private readonly cache = new Map<string, { value: ResolvedChannel | null; expiresAt: number }>();

  constructor(
    private readonly conversation: ServiceClient<typeof ConversationServiceService>,
    private readonly hitTtlMs = 60_000,
    private readonly missTtlMs = 5_000,
    private readonly maxEntries = 50_000,
  ) {}

  async resolve(type: ChannelType, key: string): Promise<ResolvedChannel | null> {
    const cacheKey = `${type}:${key}`;
    const cached = this.cache.get(cacheKey);
    if (cached && cached.expiresAt > Date.now()) return cached.value;
    let value: ResolvedChannel | null;
    try {
      value = await this.conversation.call.resolveChannel({ channelType: type, key });
    } catch (error) {
      if (error instanceof DomainError && error.code === 'channel_not_found') value = null;
      else throw error;
    }
    if (this.cache.size >= this.maxEntries) this.cache.clear();
    this.cache.set(cacheKey, { value, expiresAt: Date.now() + (value ? this.hitTtlMs : this.missTtlMs) });
    return value;
  }
}
