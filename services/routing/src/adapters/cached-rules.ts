// Routing rules per account, read once and kept until they change: every conversation event
// needs its inbox's rule, and rules change rarely. A change on any replica is announced over
// NATS and drops that account's rules everywhere; a short lifetime bounds what a missed
// announcement can cost.
import type { NatsConnection } from '@nats-io/nats-core';
import { noRule, type Rule } from './routing.repository';

export interface RuleSource {
  rules(accountId: string): Promise<Map<string, Rule>>;
}

const SUBJECT = 'inbox.v1.routing.rules_changed';

export class CachedRules {
  private readonly cache = new Map<string, { at: number; rules: Promise<Map<string, Rule>> }>();

  constructor(
    private readonly source: RuleSource,
    private readonly maxAgeMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  async rules(accountId: string): Promise<Map<string, Rule>> {
    const cached = this.cache.get(accountId);
    if (cached && this.now() - cached.at < this.maxAgeMs) return cached.rules;
    const rules = this.source.rules(accountId);
    this.cache.set(accountId, { at: this.now(), rules });
    rules.catch(() => this.cache.delete(accountId));
    if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value!);
    return rules;
  }

  async rule(accountId: string, inboxId: string): Promise<Rule> {
    return (await this.rules(accountId)).get(inboxId) ?? noRule(inboxId);
  }

  /** Accounts without any rule (most events' accounts, in a shared stream) need no routing work at all. */
  async hasRules(accountId: string): Promise<boolean> {
    return [...(await this.rules(accountId)).values()].some((rule) => rule.mode !== 'none');
  }

  invalidate(accountId: string): void {
    this.cache.delete(accountId);
  }

  /** Drops an account's rules on every replica when any of them saves a rule. */
  static announce(nc: NatsConnection, accountId: string): void {
    nc.publish(SUBJECT, JSON.stringify({ accountId }));
  }

  listen(nc: NatsConnection): () => void {
    const subscription = nc.subscribe(SUBJECT, {
      callback: (error, message) => {
        if (error) return;
        try {
          const { accountId } = message.json<{ accountId?: unknown }>();
          if (typeof accountId === 'string') this.invalidate(accountId);
        } catch {
          // Not ours to crash on; the cache lifetime still bounds staleness.
        }
      },
    });
    return () => subscription.unsubscribe();
  }
}
