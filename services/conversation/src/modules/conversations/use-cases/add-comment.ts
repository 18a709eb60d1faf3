// Internal comments with @mentions. A mention is an explicit user id, an "@usr_…" token, the
// "@email" of a user of the account, or their name ("@Cara Berg", or "@Cara" when only one Cara
// exists; a name two people share must be picked from the list), or a team's name (each member
// once). The author is never notified of their own mention.
import { FailedPreconditionError, InvalidArgumentError, newId } from '@inbox/lib';
import { ConversationEventType } from '@inbox/lib/gen/inbox/events/v1/events';
import type { UnitOfWork } from '../../../use-cases/unit-of-work';
import type { ConversationWorkStore } from './ports';
import { canSeeInbox } from '../../directory';
import type { DirectoryStore } from '../../directory';
import type { Actor, TeamStore } from '../../directory';
import { preview } from '../../../domain/email-rules';
import { mentionsByName } from '../domain/mentions';
import { requireActor } from '../../directory';

const MAX_COMMENT = 20_000;

export class AddComment {
  constructor(
    private readonly work: UnitOfWork,
    private readonly store: Pick<ConversationWorkStore, 'inboxMemberIds' | 'insertComment'>,
    private readonly directory: DirectoryStore,
    private readonly teams: Pick<TeamStore, 'list'>,
    private readonly onCommitted: () => void,
  ) {}

  async execute(actor: Actor, conversationId: string, text: string, explicitMentions: string[] = []): Promise<{ id: string; mentionedUserIds: string[]; createdAt: Date }> {
    const author = await requireActor(this.directory, actor, 'agent');
    const body = text.trim();
    if (!body) throw new InvalidArgumentError('text_required', 'a comment needs text');
    if (body.length > MAX_COMMENT) throw new InvalidArgumentError('text_too_long', `a comment has at most ${MAX_COMMENT} characters`);
    const users = await this.directory.listUsers(actor.accountId);
    const byId = new Map(users.map((u) => [u.id, u]));
    const byEmail = new Map(users.map((u) => [u.email.toLowerCase(), u]));
    for (const id of explicitMentions) {
      if (!byId.has(id)) throw new InvalidArgumentError('unknown_mention', `no user ${id} in this account`);
    }
    const fromText = [...body.matchAll(/@([\w.+-]+@[\w-]+(?:\.[\w-]+)+|usr_[0-9a-f-]{36})/gi)]
      .map((m) => (m[1].startsWith('usr_') ? byId.get(m[1]) : byEmail.get(m[1].toLowerCase())))
      .filter((u): u is NonNullable<typeof u> => !!u)
      .map((u) => u.id);
    // Teams are mentioned by name too ("@Billing"): each member is notified once.
    const teams = await this.teams.list(actor.accountId);
    const teamMembers = new Map(teams.map((t) => [t.id, t.userIds]));
    const byName = mentionsByName(body, [...users.filter((u) => !u.deactivated && !u.removed), ...teams.map((t) => ({ id: t.id, name: t.name }))]);
    byName.userIds = byName.userIds.flatMap((id) => teamMembers.get(id) ?? [id]);
    for (const unclear of byName.ambiguous) {
      if (unclear.userIds.some((id) => explicitMentions.includes(id))) continue;
      const names = unclear.userIds.map((id) => byId.get(id)?.name ?? teams.find((t) => t.id === id)?.name).join(', ');
      throw new InvalidArgumentError('ambiguous_mention', `@${unclear.written} could be ${names}; pick one from the list or write the full name`, { written: unclear.written, userIds: unclear.userIds });
    }
    const candidates = [...new Set([...explicitMentions, ...fromText, ...byName.userIds])].filter((id) => id !== author.id && !byId.get(id)?.deactivated);
    const comment = { id: newId('cmt'), mentionedUserIds: [] as string[], createdAt: new Date() };
    await this.work.run(async (tx) => {
      const conversation = await this.work.lockConversation(tx, actor.accountId, conversationId);
      if (conversation.trashedAt) throw new FailedPreconditionError('conversation_in_trash', 'restore the conversation first');
      // Only people who may open this inbox are notified; a mention of anyone else stays text.
      const memberIds = await this.store.inboxMemberIds(tx, actor.accountId, conversation.inboxId);
      const memberOf = new Set([conversation.inboxId]);
      const mentioned = candidates.filter((id) => canSeeInbox({ role: byId.get(id)!.role, memberInboxIds: memberIds.has(id) ? memberOf : new Set() }, conversation.inboxId));
      comment.mentionedUserIds = mentioned;
      await this.store.insertComment(tx, {
        id: comment.id,
        accountId: actor.accountId,
        conversationId,
        authorId: author.id,
        text: body,
        mentionedUserIds: mentioned,
        createdAt: comment.createdAt,
      });
      const version = await this.work.changeConversation(tx, conversation, { commentPreview: preview(body, 140) });
      await this.work.emit(tx, [
        {
          accountId: actor.accountId,
          inboxId: conversation.inboxId,
          conversationId,
          version: String(version),
          actorUserId: author.id,
          commentId: comment.id,
          mentionedUserIds: mentioned,
          type: ConversationEventType.CONVERSATION_EVENT_TYPE_COMMENT_CREATED,
        },
      ]);
    });
    this.onCommitted();
    return comment;
  }
}
