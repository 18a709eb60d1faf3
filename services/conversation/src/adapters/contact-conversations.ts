// A contact's name and email are on every list row and search document of its conversations.
// When they change (an edit through the API, or inbound mail, chat or a form that first tells
// us them), each of the contact's conversations gets a new version and an update event, so
// search and every other reader of conversation events see the change.
import type { PoolClient } from '@inbox/lib';
import { ConversationEventType } from '@inbox/lib/gen/inbox/events/v1/events';
import { appendEvents } from './outbox';

export async function announceContactConversations(tx: PoolClient, contacts: { accountId: string; contactId: string }[], actorUserId = ''): Promise<void> {
  if (contacts.length === 0) return;
  const bumped = await tx.query<{ id: string; account_id: string; inbox_id: string; version: string }>(
    `UPDATE conversations c SET version = c.version + 1, updated_at = now()
     FROM unnest($1::text[], $2::text[]) AS k(account_id, contact_id)
     WHERE c.account_id = k.account_id AND c.contact_id = k.contact_id
     RETURNING c.id, c.account_id, c.inbox_id, c.version`,
    [contacts.map((c) => c.accountId), contacts.map((c) => c.contactId)],
  );
  await appendEvents(
    tx,
    bumped.rows.map((r) => ({ accountId: r.account_id, inboxId: r.inbox_id, conversationId: r.id, version: r.version, actorUserId, type: ConversationEventType.CONVERSATION_EVENT_TYPE_UPDATED })),
  );
}
