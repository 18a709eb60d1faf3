// Hide a message with sensitive data (anyone in the account); unhide only by a super admin or
// the user who hid it.
import { NotFoundError, PermissionDeniedError, type AuditTrail } from '@inbox/lib';
import { ConversationEventType } from '@inbox/lib/gen/inbox/events/v1/events';
import type { UnitOfWork } from '../../../use-cases/unit-of-work';
import type { DirectoryStore } from '../../directory';
import type { ConversationWorkStore } from './ports';
import type { Actor } from '../../directory';
import { preview } from '../../../domain/email-rules';
import { requireActor } from '../../directory';

const HIDDEN_PREVIEW = 'Message is hidden';

export class SetMessageHidden {
  constructor(
    private readonly work: UnitOfWork,
    private readonly store: Pick<ConversationWorkStore, 'conversationOfMessage' | 'lockMessageHiding' | 'setMessageHidden' | 'latestMessage'>,
    private readonly directory: DirectoryStore,
    private readonly onCommitted: () => void,
    private readonly audit: AuditTrail,
  ) {}

  async execute(actor: Actor, messageId: string, hidden: boolean): Promise<string> {
    const acting = await requireActor(this.directory, actor, 'agent');
    const conversationId = await this.work.run(async (tx) => {
      const ofMessage = await this.store.conversationOfMessage(tx, actor.accountId, messageId);
      if (!ofMessage) throw new NotFoundError('message_not_found', 'no such message');
      const conversation = await this.work.lockConversation(tx, actor.accountId, ofMessage);
      const current = await this.store.lockMessageHiding(tx, messageId);
      if (hidden === (current.hiddenAt !== null)) return conversation.id;
      if (!hidden && acting.role !== 'superadmin' && current.hiddenBy !== acting.id) {
        throw new PermissionDeniedError('forbidden', 'only a super admin or the user who hid this message can unhide it');
      }
      await this.store.setMessageHidden(tx, messageId, hidden ? { at: new Date(), by: acting.id } : null);
      await this.audit.record(tx, {
        accountId: actor.accountId,
        actorUserId: actor.userId,
        action: hidden ? 'message.hidden' : 'message.unhidden',
        targetType: 'message',
        targetId: messageId,
        changes: { hidden: { before: !hidden, after: hidden } },
        detail: { conversationId: conversation.id, ...(hidden ? {} : { hiddenBy: current.hiddenBy }) },
      });
      // The list's preview shows the latest message: hidden there too when that is the one hidden.
      const latest = await this.store.latestMessage(tx, actor.accountId, conversation.id);
      const changes = latest?.id === messageId ? { preview: hidden ? HIDDEN_PREVIEW : preview(latest.text) } : {};
      const version = await this.work.changeConversation(tx, conversation, changes);
      await this.work.emit(tx, [
        {
          accountId: actor.accountId,
          inboxId: conversation.inboxId,
          conversationId: conversation.id,
          version: String(version),
          actorUserId: actor.userId,
          messageId,
          type: hidden ? ConversationEventType.CONVERSATION_EVENT_TYPE_MESSAGE_HIDDEN : ConversationEventType.CONVERSATION_EVENT_TYPE_MESSAGE_UNHIDDEN,
        },
      ]);
      return conversation.id;
    });
    this.onCommitted();
    return conversationId;
  }
}
