// Whether every long-lived subscription of a process is receiving. A consumer that cannot pull
// (its consumer gone after a NATS restart, a leader change, a lost connection) reports itself
// stalled until it pulls again; readiness fails with the names of the stalled ones, so a
// process that reconnected to NATS but is not consuming is not taken for healthy.
import type { NatsConnection } from '@nats-io/nats-core';
import { pingNats } from './connection';

export class SubscriptionLiveness {
  private readonly stalled = new Map<string, { since: number; reason: string }>();

  stall(name: string, reason: string): void {
    if (!this.stalled.has(name)) this.stalled.set(name, { since: Date.now(), reason });
  }

  resume(name: string): void {
    this.stalled.delete(name);
  }

  /** Stalled subscriptions with their reasons; empty when all receive. */
  report(): { name: string; reason: string; stalledForMs: number }[] {
    const now = Date.now();
    return [...this.stalled].map(([name, s]) => ({ name, reason: s.reason, stalledForMs: now - s.since }));
  }

  assertLive(): void {
    const stalled = this.report();
    if (stalled.length > 0) throw new Error(`not receiving: ${stalled.map((s) => `${s.name} (${s.reason})`).join(', ')}`);
  }
}

/** The readiness check of NATS: the connection answers and every subscription receives. */
export function natsReadiness(nc: NatsConnection, liveness: SubscriptionLiveness): () => Promise<void> {
  return async () => {
    await pingNats(nc);
    liveness.assertLive();
  };
}
