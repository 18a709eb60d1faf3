// Which channel an address or id belongs to, asked of the conversation service and cached
// briefly (a miss for a short time too, so a flood to unknown addresses does not hammer it).
import type { ResolvedChannel, ChannelLookup, ChannelDirectory } from '../use-cases/ports';
import { DomainError, type ServiceClient } from '@inbox/lib';
import { ChannelType } from '@inbox/lib/gen/inbox/common/v1/common';
import type { ChannelDirectoryServiceService } from '@inbox/lib/gen/inbox/channels/v1/channels';




export class CachedChannelDirectory implements ChannelDirectory {
  private readonly cache = new Map<string, { value: ResolvedChannel | null; expiresAt: number }>();
  private readonly secretCache = new Map<string, { value: string[]; loadedAt: number; expiresAt: number }>();
  private readonly secretLoads = new Map<string, { startedAt: number; promise: Promise<string[]> }>();

  constructor(
    private readonly conversation: ServiceClient<typeof ChannelDirectoryServiceService>,
    private readonly hitTtlMs = 60_000,
    private readonly missTtlMs = 5_000,
    private readonly maxEntries = 50_000,
  ) {}

  async resolve(type: ChannelType, lookup: ChannelLookup): Promise<ResolvedChannel | null> {
    const request = {
      channelType: type,
      key: typeof lookup === 'string' ? lookup : '',
      verifyToken: typeof lookup === 'object' && 'verifyToken' in lookup ? lookup.verifyToken : '',
      channelId: typeof lookup === 'object' && 'channelId' in lookup ? lookup.channelId : '',
    };
    const cacheKey = `${type}:${JSON.stringify(lookup)}`;
    const cached = this.cache.get(cacheKey);
    if (cached && cached.expiresAt > Date.now()) return cached.value;
    let value: ResolvedChannel | null;
    try {
      value = await this.conversation.call.resolveChannel(request);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'channel_not_found') value = null;
      else throw error;
    }
    if (this.cache.size >= this.maxEntries) this.cache.clear();
    this.cache.set(cacheKey, { value, expiresAt: Date.now() + (value ? this.hitTtlMs : this.missTtlMs) });
    return value;
  }

  /**
   * The secrets of every channel of a type. With `freshSince`, the answer is loaded no earlier
   * than that moment (a channel created just before a webhook arrived is found); concurrent
   * callers share one load, so a flood of forged signatures costs one query at a time.
   */
  async secrets(type: ChannelType, freshSince?: number): Promise<string[]> {
    const cacheKey = `secrets:${type}`;
    const cached = this.secretCache.get(cacheKey);
    if (cached && cached.expiresAt > Date.now() && (freshSince === undefined || cached.loadedAt >= freshSince)) return cached.value;
    const inflight = this.secretLoads.get(cacheKey);
    if (inflight && (freshSince === undefined || inflight.startedAt >= freshSince)) return inflight.promise;
    const startedAt = Date.now();
    const promise = (async () => {
      await inflight?.promise.catch(() => undefined);
      const { secrets } = await this.conversation.call.listChannelSecrets({ channelType: type });
      this.secretCache.set(cacheKey, { value: secrets, loadedAt: startedAt, expiresAt: Date.now() + this.hitTtlMs });
      return secrets;
    })().finally(() => {
      if (this.secretLoads.get(cacheKey)?.promise === promise) this.secretLoads.delete(cacheKey);
    });
    this.secretLoads.set(cacheKey, { startedAt, promise });
    return promise;
  }
}
