// "Call from the reply editor": a call to the conversation's contact (or another number) through
// a phone channel of the inbox. The call is logged on the conversation as an outbound message and
// queued for the telephony provider in the same transaction; the provider's callbacks then follow
// it (ringing, answered, completed) on that message and the call record.
import { FailedPreconditionError, InvalidArgumentError, newId } from '@inbox/lib';
import type { UnitOfWork } from '../../../use-cases/unit-of-work';
import type { DirectoryStore } from '../../directory';
import { E164 } from '../../../domain/calls';
import type { Actor } from '../../directory';
import { requireActor } from '../../directory';
import type { OutboundMail } from './outbound-mail';
import type { OutboundStore } from './ports';

export class PlaceCall {
  constructor(
    private readonly work: UnitOfWork,
    private readonly mail: OutboundMail,
    private readonly store: Pick<OutboundStore, 'contactOf' | 'phoneChannel' | 'insertPlacedCall'>,
    private readonly directory: DirectoryStore,
    private readonly onCommitted: () => void,
  ) {}

  async execute(actor: Actor, conversationId: string, to: string): Promise<string> {
    const author = await requireActor(this.directory, actor, 'agent');
    if (to && !E164.test(to)) throw new InvalidArgumentError('invalid_phone_number', 'to must be in E.164 form, e.g. +4712345678');
    const messageId = await this.work.run(async (tx) => {
      const conversation = await this.work.lockConversation(tx, actor.accountId, conversationId);
      if (conversation.trashedAt) throw new FailedPreconditionError('conversation_in_trash', 'restore the conversation first');
      const contact = conversation.contactId ? await this.store.contactOf(tx, conversation.contactId) : null;
      const number = to || contact?.phone || '';
      if (!E164.test(number)) throw new FailedPreconditionError('no_contact_phone', 'the contact has no phone number; send one as to');
      const channel = await this.store.phoneChannel(tx, actor.accountId, conversation.inboxId, conversation.id);
      if (!channel) throw new FailedPreconditionError('no_phone_channel', 'this inbox has no phone channel to call from');
      const id = newId('msg');
      const text = `Call to ${number}`;
      await this.store.insertPlacedCall(tx, {
        messageId: id,
        callId: newId('cal'),
        accountId: actor.accountId,
        conversationId: conversation.id,
        channelId: channel.id,
        authorName: author.name,
        authorId: author.id,
        from: channel.number,
        to: number,
        text,
      });
      await this.mail.finishReply(tx, conversation, author, id, text);
      return id;
    });
    this.onCommitted();
    return messageId;
  }
}
