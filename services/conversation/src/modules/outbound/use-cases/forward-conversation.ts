// Forward a conversation (or one message of it) to an outside address: a note, then the quoted
// messages with their attachments. It is recorded on the conversation as an outbound email, and
// its Reply-To carries the conversation's token, so an answer from outside threads back in.
import { FailedPreconditionError, InvalidArgumentError, NotFoundError, isEmailAddress } from '@inbox/lib';
import type { UnitOfWork } from '../../../use-cases/unit-of-work';
import type { DirectoryStore } from '../../directory';
import type { Actor } from '../../directory';
import { hasReplyPrefix } from '../../../domain/email-rules';
import type { OutboundMail } from './outbound-mail';
import type { OutboundStore } from './ports';
import { requireActor } from '../../directory';

const MAX_NOTE = 100_000;

export class ForwardConversation {
  constructor(
    private readonly work: UnitOfWork,
    private readonly mail: OutboundMail,
    private readonly store: Pick<OutboundStore, 'quotedMessages' | 'copyAttachments'>,
    private readonly directory: DirectoryStore,
    private readonly onCommitted: () => void,
  ) {}

  async execute(actor: Actor, conversationId: string, input: { to: string; note?: string; messageId?: string }): Promise<string> {
    const author = await requireActor(this.directory, actor, 'agent');
    const to = input.to.trim().toLowerCase();
    if (!isEmailAddress(to)) throw new InvalidArgumentError('invalid_recipient', 'to is not a valid email address');
    const note = input.note?.trim() ?? '';
    if (note.length > MAX_NOTE) throw new InvalidArgumentError('note_too_long', 'the note is too long');
    const messageId = await this.work.run(async (tx) => {
      const conversation = await this.work.lockConversation(tx, actor.accountId, conversationId);
      if (conversation.trashedAt) throw new FailedPreconditionError('conversation_in_trash', 'restore the conversation first');
      // Hidden messages stay hidden: they are never forwarded.
      const quoted = await this.store.quotedMessages(tx, actor.accountId, conversationId, input.messageId || null);
      if (input.messageId && quoted.length === 0) throw new NotFoundError('message_not_found', 'no such visible message in this conversation');
      if (quoted.length === 0) throw new FailedPreconditionError('nothing_to_forward', 'this conversation has no messages to forward');
      const blocks = quoted.map(
        (m) => `From: ${m.fromName ? `${m.fromName} <${m.fromAddress}>` : m.fromAddress || 'unknown'}\nDate: ${m.createdAt.toUTCString()}${m.subject ? `\nSubject: ${m.subject}` : ''}\n\n${m.text}`,
      );
      const subject = conversation.subject || quoted[0].subject || 'Conversation';
      const channel = await this.mail.emailChannel(tx, actor.accountId, conversation.inboxId, null);
      const id = await this.mail.queue(tx, {
        conversationId,
        accountId: actor.accountId,
        author,
        channelAddress: channel.address,
        token: await this.mail.replyToken(tx, actor.accountId, conversationId),
        to: { name: '', address: to },
        subject: /^fwd?:/i.test(subject) || hasReplyPrefix(subject) ? `Fwd: ${subject.replace(/^(re|fwd?):\s*/i, '')}` : `Fwd: ${subject}`,
        text: `${note ? `${note}\n\n` : ''}---------- Forwarded conversation ----------\n\n${blocks.join('\n\n----------\n\n')}\n`,
        html: null,
        inReplyTo: [],
        references: [],
        kind: 'forward',
      });
      await this.store.copyAttachments(tx, actor.accountId, quoted.map((m) => m.id), id);
      await this.mail.announce(tx, conversation, author.id, id);
      return id;
    });
    this.onCommitted();
    return messageId;
  }
}
