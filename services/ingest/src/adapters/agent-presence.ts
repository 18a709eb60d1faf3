// How many agents could answer an inbox's chats, asked of routing's edge port and cached a few
// seconds (every page view of a customer's website loads the widget's config). Unknown when
// routing cannot answer in time: the widget then falls back to business hours alone.
import type { Logger, ServiceClient } from '@inbox/lib';
import type { AgentPresenceServiceService } from '@inbox/lib/gen/inbox/routing/v1/presence';
import type { AgentPresence } from '../use-cases/accept-chat-message';
import type { RingTargets } from '../use-cases/answer-call';
import type { DialTarget } from '../domain/twiml';

export class CachedAgentPresence implements AgentPresence {
  private readonly cache = new Map<string, { value: number; expiresAt: number }>();

  constructor(
    private readonly routing: ServiceClient<typeof AgentPresenceServiceService>,
    private readonly logger: Logger,
    private readonly ttlMs = 5_000,
    private readonly maxEntries = 10_000,
  ) {}

  async availableAgents(accountId: string, inboxId: string): Promise<number | undefined> {
    const key = `${accountId}:${inboxId}`;
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > Date.now()) return cached.value;
    try {
      const { available } = await this.routing.call.countAvailableAgents({ accountId, inboxId });
      if (this.cache.size >= this.maxEntries) this.cache.clear();
      this.cache.set(key, { value: available, expiresAt: Date.now() + this.ttlMs });
      return available;
    } catch (error) {
      this.logger.warn({ error: (error as Error).message }, 'agent presence unknown; business hours decide');
      return undefined;
    }
  }
}

/** Whom an inbound call rings, asked of routing at each ring and never cached: availability changes by the second. */
export class RoutingRingTargets implements RingTargets {
  constructor(private readonly routing: ServiceClient<typeof AgentPresenceServiceService>) {}

  async list(accountId: string, inboxId: string, caller: string): Promise<DialTarget[]> {
    const { targets } = await this.routing.call.listRingTargets({ accountId, inboxId, caller: caller.slice(0, 64) });
    return targets;
  }
}
