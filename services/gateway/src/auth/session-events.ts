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
  constructor(private readonly nc: NatsConnection) {}

  publish(change: SessionsChanged): void {
    this.nc.publish(SUBJECT, JSON.stringify(change));
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
