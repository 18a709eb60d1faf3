// Satisfaction surveys: an agent sends one to the conversation's contact; the email carries a
// secret link to a public page where the customer answers one question and may comment (and may
// change the answer later): CSAT (how happy, 1–5) or NPS (how likely to recommend us, 0–10). The
// answers are the contact's "past feedback", and count in reports for the agent who owned the
// conversation when it was sent.
import { createHash, randomBytes } from 'node:crypto';
import { FailedPreconditionError, InvalidArgumentError, NotFoundError, newId, withTransaction, type Pool, type PoolClient } from '@inbox/lib';
import type { Feedback } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import { lockConversation, type LockedConversation } from '../../../adapters/conversation-rows';
import type { DirectoryRepository } from '../../directory/adapters';
import type { Actor, User } from '../../directory';
import { announceOutbound, emailChannelOf, insertOutbound, replyToken } from '../../outbound';
import { requireActor } from '../../directory';

const MAX_COMMENT = 2000;
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
const validToken = (token: string) => /^[A-Za-z0-9_-]{43}$/.test(token);

export type SurveyQuestion = 'csat' | 'nps';
export const SURVEY_QUESTIONS: readonly SurveyQuestion[] = ['csat', 'nps'];
const SCORES: Record<SurveyQuestion, { min: number; max: number }> = { csat: { min: 1, max: 5 }, nps: { min: 0, max: 10 } };

/** The question asked, '' meaning the default; anything else is refused. */
export function surveyQuestion(value: string, fallback: SurveyQuestion): SurveyQuestion {
  if (!value) return fallback;
  if (!(SURVEY_QUESTIONS as readonly string[]).includes(value)) throw new InvalidArgumentError('invalid_question', 'question is csat or nps');
  return value as SurveyQuestion;
}

export const feedbackFromRow = (row: { conversation_id: string; subject: string; score: number; comment: string; answered_at: Date; question: string }): Feedback => ({
  conversationId: row.conversation_id,
  subject: row.subject,
  score: row.score,
  comment: row.comment,
  answeredAt: row.answered_at,
  question: row.question,
});

export class Surveys {
  constructor(
    private readonly pool: Pool,
    private readonly directory: DirectoryRepository,
    private readonly onCommitted: () => void,
  ) {}

  async send(actor: Actor, conversationId: string, linkBase: string, question = ''): Promise<string> {
    const author = await requireActor(this.directory, actor, 'agent');
    if (!/^https?:\/\/\S+$/.test(linkBase)) throw new InvalidArgumentError('invalid_link_base', 'link_base must be an http(s) URL');
    if (question) surveyQuestion(question, 'csat');
    const messageId = await withTransaction(this.pool, async (tx) => {
      const conversation = await lockConversation(tx, actor.accountId, conversationId);
      if (conversation.trashedAt || conversation.filtered) throw new FailedPreconditionError('conversation_filtered', 'no survey for trashed or filtered conversations');
      const contact = conversation.contactId
        ? (await tx.query<{ name: string; email: string | null }>('SELECT name, email FROM contacts WHERE id = $1', [conversation.contactId])).rows[0]
        : undefined;
      if (!contact?.email) throw new FailedPreconditionError('no_contact_email', 'the contact has no email address to send the survey to');
      return queueSurvey(tx, conversation, author, { name: contact.name, email: contact.email }, linkBase, question);
    });
    this.onCommitted();
    return messageId;
  }

  private async byToken(token: string) {
    if (!validToken(token)) throw new NotFoundError('survey_not_found', 'this survey link is not valid');
    const found = await this.pool.query<{ id: string; subject: string; inbox_name: string; score: number | null; comment: string; question: SurveyQuestion }>(
      `SELECT s.id, c.subject, i.name AS inbox_name, s.score, s.comment, s.question FROM surveys s
       JOIN conversations c ON c.id = s.conversation_id JOIN inboxes i ON i.id = c.inbox_id WHERE s.token_hash = $1`,
      [hashToken(token)],
    );
    if (!found.rows[0]) throw new NotFoundError('survey_not_found', 'this survey link is not valid');
    return found.rows[0];
  }

  async get(token: string): Promise<{ inboxName: string; subject: string; score: number; comment: string; question: SurveyQuestion; answered: boolean }> {
    const survey = await this.byToken(token);
    return { inboxName: survey.inbox_name, subject: survey.subject, score: survey.score ?? 0, comment: survey.comment, question: survey.question, answered: survey.score !== null };
  }

  async answer(token: string, score: number, comment: string): Promise<void> {
    if (comment.length > MAX_COMMENT) throw new InvalidArgumentError('comment_too_long', `a comment has at most ${MAX_COMMENT} characters`);
    const survey = await this.byToken(token);
    const { min, max } = SCORES[survey.question];
    if (!Number.isInteger(score) || score < min || score > max) throw new InvalidArgumentError('invalid_score', `score is a whole number from ${min} to ${max}`);
    await this.pool.query('UPDATE surveys SET score = $2, comment = $3, answered_at = now() WHERE id = $1', [survey.id, score, comment.trim()]);
  }
}

/** Records the survey and queues its email in the caller's transaction; returns the message id. */
async function queueSurvey(tx: PoolClient, conversation: LockedConversation, author: User, contact: { name: string; email: string }, linkBase: string, asked: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const inboxRow = (await tx.query<{ name: string; survey_question: SurveyQuestion }>('SELECT name, survey_question FROM inboxes WHERE id = $1', [conversation.inboxId])).rows[0];
  const question = surveyQuestion(asked, inboxRow?.survey_question ?? 'csat');
  await tx.query('INSERT INTO surveys (id, account_id, conversation_id, contact_id, token_hash, question, agent_id) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
    newId('srv'),
    conversation.accountId,
    conversation.id,
    conversation.contactId,
    hashToken(token),
    question,
    conversation.assigneeId ?? author.id,
  ]);
  const inbox = inboxRow?.name ?? 'us';
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
    text: `Hi${contact.name ? ` ${contact.name}` : ''},\n\nThank you for contacting ${inbox}. ${
      question === 'nps' ? `How likely are you to recommend ${inbox} to a friend or colleague?` : 'How happy are you with the help you got?'
    }\nOne click tells us: ${link}\n\n${author.name}\n`,
    html: null,
    inReplyTo: [],
    references: [],
    kind: 'survey',
  });
  await announceOutbound(tx, conversation, author.id, id);
  return id;
}

/**
 * The survey an inbox sends itself when a conversation closes: when the inbox says so, the contact
 * has an email, and they got no survey in the inbox's period. A closing never fails for it: an
 * inbox without a usable email channel simply sends none.
 */
export function surveyOnClose(linkBase: string) {
  return async (tx: PoolClient, conversation: LockedConversation, closedBy: User): Promise<void> => {
    if (!conversation.contactId || conversation.trashedAt || conversation.filtered) return;
    const inbox = (
      await tx.query<{ survey_on_close: boolean; survey_every_days: number }>('SELECT survey_on_close, survey_every_days FROM inboxes WHERE id = $1', [conversation.inboxId])
    ).rows[0];
    if (!inbox?.survey_on_close) return;
    const contact = (await tx.query<{ name: string; email: string | null }>('SELECT name, email FROM contacts WHERE id = $1 FOR UPDATE', [conversation.contactId])).rows[0];
    if (!contact?.email) return;
    const recent = await tx.query(
      'SELECT 1 FROM surveys WHERE account_id = $1 AND contact_id = $2 AND sent_at > now() - make_interval(days => $3) LIMIT 1',
      [conversation.accountId, conversation.contactId, inbox.survey_every_days],
    );
    if (recent.rowCount) return;
    const usable = await tx.query("SELECT 1 FROM channels WHERE account_id = $1 AND inbox_id = $2 AND type = 'email' AND verified LIMIT 1", [conversation.accountId, conversation.inboxId]);
    if (!usable.rowCount) return;
    await queueSurvey(tx, conversation, closedBy, { name: contact.name, email: contact.email }, linkBase, '');
  };
}

export class SurveySettings {
  constructor(private readonly directory: DirectoryRepository) {}

  async set(actor: Actor, inboxId: string, enabled: boolean, everyDays: number, question = ''): Promise<{ enabled: boolean; everyDays: number; question: SurveyQuestion }> {
    await requireActor(this.directory, actor, 'admin');
    if (!Number.isInteger(everyDays) || everyDays < 1 || everyDays > 365) throw new InvalidArgumentError('invalid_period', 'a contact gets at most one survey in 1 to 365 days');
    if (question) surveyQuestion(question, 'csat');
    const updated = await this.directory.pool.query<{ survey_question: SurveyQuestion }>(
      'UPDATE inboxes SET survey_on_close = $3, survey_every_days = $4, survey_question = COALESCE(NULLIF($5, \'\'), survey_question) WHERE account_id = $1 AND id = $2 RETURNING survey_question',
      [actor.accountId, inboxId, enabled, everyDays, question],
    );
    if (!updated.rowCount) throw new NotFoundError('inbox_not_found', 'no such inbox');
    return { enabled, everyDays, question: updated.rows[0].survey_question };
  }
}
