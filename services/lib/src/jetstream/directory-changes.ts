// Announcements that an account's directory changed (its users, inboxes and their members, or its
// teams), so services that keep a copy drop it and open inboxes refresh what they show. Core NATS,
// not JetStream: every holder also bounds its copy's age, so a missed announcement costs at most
// that long.
import type { NatsConnection } from '@nats-io/nats-core';

export const DIRECTORY_CHANGED_SUBJECT = 'inbox.v1.directory.changed';

export type DirectoryPart = 'users' | 'inboxes' | 'teams';
const PARTS: readonly DirectoryPart[] = ['users', 'inboxes', 'teams'];

export interface DirectoryChanged {
  accountId: string;
  part: DirectoryPart;
}

export function announceDirectoryChange(nc: NatsConnection, change: DirectoryChanged): void {
  nc.publish(DIRECTORY_CHANGED_SUBJECT, JSON.stringify(change));
}

/** Calls `onChange` for every well-formed announcement; returns the unsubscribe. */
export function onDirectoryChange(nc: NatsConnection, onChange: (change: DirectoryChanged) => void): () => void {
  const subscription = nc.subscribe(DIRECTORY_CHANGED_SUBJECT, {
    callback: (error, message) => {
      if (error) return;
      try {
        const change = message.json<Partial<DirectoryChanged>>();
        if (typeof change?.accountId === 'string' && PARTS.includes(change.part as DirectoryPart)) onChange({ accountId: change.accountId, part: change.part as DirectoryPart });
      } catch {
        // Not ours to crash on; copies still expire.
      }
    },
  });
  return () => subscription.unsubscribe();
}
