// Routing rules per account, read once and kept until they change: every conversation event
// needs its inbox's rule, and rules change rarely. A change on any replica is announced over
// NATS and drops that account's rules everywhere; a short lifetime bounds what a missed
// announcement can cost.
import { AccountCache, announceAccountChange, onAccountChange } from '@inbox/lib';
import type { NatsConnection } from '@nats-io/nats-core';
import { noRule } from './routing.repository';
import type { Rule } from '../use-cases/ports';

export interface RuleSource {
  rules(accountId: string): Promise<Map<string, Rule>>;
}

const SUBJECT = 'inbox.v1.routing.rules_changed';

export class CachedRules {
  private readonly cache: AccountCache<Map<string, Rule>>;

  constructor(source: RuleSource, maxAgeMs = 30_000, now: () => number = Date.now) {
    this.cache = new AccountCache((accountId) => source.rules(accountId), maxAgeMs, now);
  }

  rules(accountId: string): Promise<Map<string, Rule>> {
    return this.cache.get(accountId);
  }

  async rule(accountId: string, inboxId: string): Promise<Rule> {
    return (await this.rules(accountId)).get(inboxId) ?? noRule(inboxId);
  }

  /** Accounts without any rule (most events' accounts, in a shared stream) need no routing work at all. */
  async hasRules(accountId: string): Promise<boolean> {
    return [...(await this.rules(accountId)).values()].some((rule) => rule.mode !== 'none');
  }

  invalidate(accountId: string): void {
    this.cache.invalidate(accountId);
  }

  /** Drops an account's rules on every replica when any of them saves a rule. */
  static announce(nc: NatsConnection, accountId: string): void {
    announceAccountChange(nc, SUBJECT, accountId);
  }

  listen(nc: NatsConnection): () => void {
    return onAccountChange(nc, SUBJECT, (accountId) => this.invalidate(accountId));
  }
}
