// "Call from the reply editor": a call to the conversation's contact (or another number) through
// a phone channel of the inbox. The call is logged on the conversation as an outbound message and
// queued for the telephony provider in the same transaction; the provider's callbacks then follow
// it (ringing, answered, completed) on that message and the call record.
import { FailedPreconditionError, InvalidArgumentError, newId, withTransaction, type Pool } from '@inbox/lib';
import { lockConversation } from '../../../adapters/conversation-rows';
import type { DirectoryRepository } from '../../directory/adapters';
import { E164 } from '../../../domain/calls';
import type { Actor } from '../../directory';
import { finishReply } from './send-email';
import { requireActor } from '../../directory';


export class PlaceCall {
  constructor(
    private readonly pool: Pool,
    private readonly directory: DirectoryRepository,
    private readonly onCommitted: () => void,
  ) {}

  async execute(actor: Actor, conversationId: string, to: string): Promise<string> {
    const author = await requireActor(this.directory, actor, 'agent');
    if (to && !E164.test(to)) throw new InvalidArgumentError('invalid_phone_number', 'to must be in E.164 form, e.g. +4712345678');
    const messageId = await withTransaction(this.pool, async (tx) => {
      const conversation = await lockConversation(tx, actor.accountId, conversationId);
      if (conversation.trashedAt) throw new FailedPreconditionError('conversation_in_trash', 'restore the conversation first');
      const contact = conversation.contactId
        ? (await tx.query<{ phone: string | null }>('SELECT phone FROM contacts WHERE id = $1', [conversation.contactId])).rows[0]
        : undefined;
      const number = to || contact?.phone || '';
      if (!E164.test(number)) throw new FailedPreconditionError('no_contact_phone', 'the contact has no phone number; send one as to');
      const channel = await tx.query<{ id: string; lookup_key: string }>(
        `SELECT ch.id, ch.lookup_key FROM channels ch JOIN conversations c ON c.id = $3
         WHERE ch.account_id = $1 AND ch.inbox_id = $2 AND ch.type = 'phone' ORDER BY (ch.id = c.channel_id) DESC, ch.created_at LIMIT 1`,
        [actor.accountId, conversation.inboxId, conversation.id],
      );
      if (!channel.rowCount) throw new FailedPreconditionError('no_phone_channel', 'this inbox has no phone channel to call from');
      const id = newId('msg');
      const text = `Call to ${number}`;
      await tx.query(
        `INSERT INTO messages (id, account_id, conversation_id, direction, channel, from_name, from_address, to_addresses, text_body, reply_text, author_user_id, delivery_status)
         VALUES ($1, $2, $3, 'outbound', 'phone', $4, $5, $6, $7, $7, $8, 'queued')`,
        [id, actor.accountId, conversation.id, author.name, channel.rows[0].lookup_key, JSON.stringify([{ name: '', address: number }]), text, author.id],
      );
      await tx.query(
        `INSERT INTO calls (id, account_id, conversation_id, channel_id, message_id, direction, from_number, to_number, status)
         VALUES ($1, $2, $3, $4, $5, 'outbound', $6, $7, 'queued')`,
        [newId('cal'), actor.accountId, conversation.id, channel.rows[0].id, id, channel.rows[0].lookup_key, number],
      );
      await tx.query('INSERT INTO outbound_deliveries (message_id, account_id) VALUES ($1, $2)', [id, actor.accountId]);
      await finishReply(tx, conversation, author, id, text);
      return id;
    });
    this.onCommitted();
    return messageId;
  }
}
