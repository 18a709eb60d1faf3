// Satisfaction surveys: an agent sends one to the conversation's contact; the email carries a
// secret link to a public page where the customer scores us 1–5 and may comment (and may change
// the answer later). The answers are the contact's "past feedback".
import { createHash, randomBytes } from 'node:crypto';
import { FailedPreconditionError, InvalidArgumentError, NotFoundError, newId, withTransaction, type Pool } from '@inbox/lib';
import type { Feedback } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import { lockConversation } from '../../../adapters/conversation-rows';
import type { DirectoryRepository } from '../../directory/adapters';
import type { Actor } from '../../directory';
import { announceOutbound, emailChannelOf, insertOutbound, replyToken } from '../../outbound';
import { requireActor } from '../../directory';

const MAX_COMMENT = 2000;
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
const validToken = (token: string) => /^[A-Za-z0-9_-]{43}$/.test(token);

export const feedbackFromRow = (row: { conversation_id: string; subject: string; score: number; comment: string; answered_at: Date }): Feedback => ({
  conversationId: row.conversation_id,
  subject: row.subject,
  score: row.score,
  comment: row.comment,
  answeredAt: row.answered_at,
});

export class Surveys {
  constructor(
    private readonly pool: Pool,
    private readonly directory: DirectoryRepository,
    private readonly onCommitted: () => void,
  ) {}

  async send(actor: Actor, conversationId: string, linkBase: string): Promise<string> {
    const author = await requireActor(this.directory, actor, 'agent');
    if (!/^https?:\/\/\S+$/.test(linkBase)) throw new InvalidArgumentError('invalid_link_base', 'link_base must be an http(s) URL');
    const messageId = await withTransaction(this.pool, async (tx) => {
      const conversation = await lockConversation(tx, actor.accountId, conversationId);
      if (conversation.trashedAt || conversation.filtered) throw new FailedPreconditionError('conversation_filtered', 'no survey for trashed or filtered conversations');
      const contact = conversation.contactId
        ? (await tx.query<{ name: string; email: string | null }>('SELECT name, email FROM contacts WHERE id = $1', [conversation.contactId])).rows[0]
        : undefined;
      if (!contact?.email) throw new FailedPreconditionError('no_contact_email', 'the contact has no email address to send the survey to');
      const token = randomBytes(32).toString('base64url');
      await tx.query('INSERT INTO surveys (id, account_id, conversation_id, contact_id, token_hash) VALUES ($1, $2, $3, $4, $5)', [
        newId('srv'),
        actor.accountId,
        conversation.id,
        conversation.contactId,
        hashToken(token),
      ]);
      const inbox = (await tx.query<{ name: string }>('SELECT name FROM inboxes WHERE id = $1', [conversation.inboxId])).rows[0]?.name ?? 'us';
      const channel = await emailChannelOf(tx, conversation.accountId, conversation.inboxId, null);
      const link = `${linkBase.replace(/\/$/, '')}/feedback/${token}`;
      const id = await insertOutbound(tx, {
        conversationId: conversation.id,
        accountId: conversation.accountId,
        author,
        channelAddress: channel.address,
        token: await replyToken(tx, conversation.accountId, conversation.id),
        to: { name: contact.name, address: contact.email },
        subject: `How did we do? ${conversation.subject ? `(${conversation.subject})` : ''}`.trim(),
        text: `Hi${contact.name ? ` ${contact.name}` : ''},\n\nThank you for contacting ${inbox}. How happy are you with the help you got?\nOne click tells us: ${link}\n\n${author.name}\n`,
        html: null,
        inReplyTo: [],
        references: [],
        kind: 'survey',
      });
      await announceOutbound(tx, conversation, author.id, id);
      return id;
    });
    this.onCommitted();
    return messageId;
  }

  private async byToken(token: string) {
    if (!validToken(token)) throw new NotFoundError('survey_not_found', 'this survey link is not valid');
    const found = await this.pool.query<{ id: string; subject: string; inbox_name: string; score: number | null; comment: string }>(
      `SELECT s.id, c.subject, i.name AS inbox_name, s.score, s.comment FROM surveys s
       JOIN conversations c ON c.id = s.conversation_id JOIN inboxes i ON i.id = c.inbox_id WHERE s.token_hash = $1`,
      [hashToken(token)],
    );
    if (!found.rows[0]) throw new NotFoundError('survey_not_found', 'this survey link is not valid');
    return found.rows[0];
  }

  async get(token: string): Promise<{ inboxName: string; subject: string; score: number; comment: string }> {
    const survey = await this.byToken(token);
    return { inboxName: survey.inbox_name, subject: survey.subject, score: survey.score ?? 0, comment: survey.comment };
  }

  async answer(token: string, score: number, comment: string): Promise<void> {
    if (!Number.isInteger(score) || score < 1 || score > 5) throw new InvalidArgumentError('invalid_score', 'score is a whole number from 1 to 5');
    if (comment.length > MAX_COMMENT) throw new InvalidArgumentError('comment_too_long', `a comment has at most ${MAX_COMMENT} characters`);
    const survey = await this.byToken(token);
    await this.pool.query('UPDATE surveys SET score = $2, comment = $3, answered_at = now() WHERE id = $1', [survey.id, score, comment.trim()]);
  }
}
