// Tells every gateway replica that a user's sessions changed (logout, password change,
// deactivation, removal), so each re-checks that user's open sockets and closes revoked ones.
// Core NATS, not JetStream: a replica that misses one still re-checks on its periodic sweep.
import type { NatsConnection } from '@nats-io/nats-core';

const SUBJECT = 'inbox.v1.gateway.sessions_changed';

export interface SessionsChanged {
  accountId: string;
  userId: string;
}

export class SessionEvents {
  private readonly local = new Set<(change: SessionsChanged) => void>();

  constructor(private readonly nc: NatsConnection) {}

  publish(change: SessionsChanged): void {
    // This replica first, before the response leaves: a logout must not be served from a cache
    // while its own NATS message is still on the way back.
    for (const listener of this.local) listener(change);
    this.nc.publish(SUBJECT, JSON.stringify(change));
  }

  /** Runs synchronously when this replica publishes a change. */
  onPublish(listener: (change: SessionsChanged) => void): () => void {
    this.local.add(listener);
    return () => this.local.delete(listener);
  }

  subscribe(onChange: (change: SessionsChanged) => void): () => void {
    const subscription = this.nc.subscribe(SUBJECT, {
      callback: (error, message) => {
        if (error) return;
        try {
          const change = message.json<SessionsChanged>();
          if (typeof change?.accountId === 'string' && typeof change.userId === 'string') onChange(change);
        } catch {
          // Not ours to crash on; the periodic sweep still runs.
        }
      },
    });
    return () => subscription.unsubscribe();
  }
}
