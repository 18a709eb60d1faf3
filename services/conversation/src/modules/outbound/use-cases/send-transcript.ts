// Chat transcripts by email: on demand ("send transcript"), and automatically when a chat whose
// visitor left an address is closed. The transcript is an outbound email recorded on the
// conversation, so agents see that (and whether) it was delivered; closing the same chat twice
// without new messages sends it once.
import { FailedPreconditionError, InvalidArgumentError, isEmailAddress } from '@inbox/lib';
import type { LockedConversation, Transaction, UnitOfWork } from '../../../use-cases/unit-of-work';
import type { DirectoryStore } from '../../directory';
import type { Actor, User } from '../../directory';
import { requireActor } from '../../directory';
import type { OutboundMail } from './outbound-mail';
import type { ChatLine, OutboundStore } from './ports';

const TRANSCRIPT_CHANNELS = new Set(['chat', 'messenger']);

function transcriptText(inboxName: string, rows: ChatLine[]): string {
  const lines = rows.map((r) => {
    const at = r.createdAt.toISOString().slice(0, 16).replace('T', ' ');
    const who = r.direction === 'inbound' ? r.fromName || 'You' : r.fromName || inboxName;
    return `[${at} UTC] ${who}: ${r.text}`;
  });
  return `Here is the transcript of your chat with ${inboxName}.\n\n${lines.join('\n')}\n`;
}

/** Transcripts of chat and Messenger conversations, queued in the caller's transaction. */
export class ChatTranscripts {
  constructor(
    private readonly mail: OutboundMail,
    private readonly store: Pick<OutboundStore, 'chatLines' | 'inboxName' | 'contactOf' | 'saidSinceLastTranscript' | 'hasEmailChannel'>,
  ) {}

  /** Queues the transcript email; returns the message id. */
  async queue(tx: Transaction, conversation: LockedConversation, author: User, to: { name: string; address: string }): Promise<string> {
    const rows = await this.store.chatLines(tx, conversation.id, [...TRANSCRIPT_CHANNELS]);
    if (rows.length === 0) throw new FailedPreconditionError('nothing_to_send', 'this conversation has no chat messages');
    const inboxName = (await this.store.inboxName(tx, conversation.inboxId)) ?? 'us';
    const channel = await this.mail.emailChannel(tx, conversation.accountId, conversation.inboxId, null);
    const messageId = await this.mail.queue(tx, {
      conversationId: conversation.id,
      accountId: conversation.accountId,
      author,
      channelAddress: channel.address,
      token: await this.mail.replyToken(tx, conversation.accountId, conversation.id),
      to,
      subject: `Transcript of your chat with ${inboxName}`,
      text: transcriptText(inboxName, rows),
      html: null,
      inReplyTo: [],
      references: [],
      kind: 'transcript',
    });
    await this.mail.announce(tx, conversation, author.id, messageId);
    return messageId;
  }

  /** When a chat closes: its transcript goes to the visitor's address, unless nothing was said since the last one. */
  readonly onClose = async (tx: Transaction, conversation: LockedConversation, author: User): Promise<void> => {
    if (!TRANSCRIPT_CHANNELS.has(conversation.channel) || !conversation.contactId) return;
    const contact = await this.store.contactOf(tx, conversation.contactId);
    if (!contact?.email) return;
    if (!(await this.store.saidSinceLastTranscript(tx, conversation.id, [...TRANSCRIPT_CHANNELS]))) return;
    if (!(await this.store.hasEmailChannel(tx, conversation.accountId, conversation.inboxId))) return;
    await this.queue(tx, conversation, author, { name: contact.name, address: contact.email });
  };
}

export class SendTranscript {
  constructor(
    private readonly work: UnitOfWork,
    private readonly transcripts: ChatTranscripts,
    private readonly store: Pick<OutboundStore, 'contactOf'>,
    private readonly directory: DirectoryStore,
    private readonly onCommitted: () => void,
  ) {}

  async execute(actor: Actor, conversationId: string, to?: string): Promise<string> {
    const author = await requireActor(this.directory, actor, 'agent');
    const address = to?.trim().toLowerCase();
    if (address !== undefined && address !== '' && !isEmailAddress(address)) throw new InvalidArgumentError('invalid_recipient', 'to is not a valid email address');
    const messageId = await this.work.run(async (tx) => {
      const conversation = await this.work.lockConversation(tx, actor.accountId, conversationId);
      if (conversation.trashedAt) throw new FailedPreconditionError('conversation_in_trash', 'restore the conversation first');
      if (!TRANSCRIPT_CHANNELS.has(conversation.channel)) throw new FailedPreconditionError('not_a_chat', 'only chat and Messenger conversations have transcripts');
      const contact = conversation.contactId ? await this.store.contactOf(tx, conversation.contactId) : null;
      const recipient = address || contact?.email;
      if (!recipient) throw new FailedPreconditionError('no_contact_email', 'the visitor left no email address; send one as to');
      return this.transcripts.queue(tx, conversation, author, { name: address ? '' : (contact?.name ?? ''), address: recipient });
    });
    this.onCommitted();
    return messageId;
  }
}
