// Satisfaction surveys: an agent sends one to the conversation's contact; the email carries a
// secret link to a public page where the customer answers one question and may comment (and may
// change the answer later): CSAT (how happy, 1–5) or NPS (how likely to recommend us, 0–10). The
// answers are the contact's "past feedback", and count in reports for the agent who owned the
// conversation when it was sent.
import { createHash, randomBytes } from 'node:crypto';
import { FailedPreconditionError, InvalidArgumentError, NotFoundError, newId } from '@inbox/lib';
import type { Feedback } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import type { LockedConversation, Transaction, UnitOfWork } from '../../../use-cases/unit-of-work';
import type { RecordsStore } from './ports';
import { SCORES, surveyQuestion, type SurveyQuestion } from '../domain/surveys';

export { SURVEY_QUESTIONS, surveyQuestion, type SurveyQuestion } from '../domain/surveys';
import type { DirectoryStore } from '../../directory';
import type { Actor, User } from '../../directory';
import type { OutboundMail } from '../../outbound';
import { requireActor } from '../../directory';

const MAX_COMMENT = 2000;
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
const validToken = (token: string) => /^[A-Za-z0-9_-]{43}$/.test(token);


export const feedbackFromRow = (row: { conversation_id: string; subject: string; score: number; comment: string; answered_at: Date; question: string }): Feedback => ({
  conversationId: row.conversation_id,
  subject: row.subject,
  score: row.score,
  comment: row.comment,
  answeredAt: row.answered_at,
  question: row.question,
});

type SurveyStore = Pick<RecordsStore, 'contactForSurvey' | 'inboxSurveySettings' | 'insertSurvey' | 'surveyedWithin' | 'hasVerifiedEmailChannel'>;

export class Surveys {
  constructor(
    private readonly work: UnitOfWork,
    private readonly mail: OutboundMail,
    private readonly store: SurveyStore & Pick<RecordsStore, 'surveyByTokenHash' | 'answerSurvey'>,
    private readonly directory: DirectoryStore,
    private readonly onCommitted: () => void,
  ) {}

  async send(actor: Actor, conversationId: string, linkBase: string, question = ''): Promise<string> {
    const author = await requireActor(this.directory, actor, 'agent');
    if (!/^https?:\/\/\S+$/.test(linkBase)) throw new InvalidArgumentError('invalid_link_base', 'link_base must be an http(s) URL');
    if (question) surveyQuestion(question, 'csat');
    const messageId = await this.work.run(async (tx) => {
      const conversation = await this.work.lockConversation(tx, actor.accountId, conversationId);
      if (conversation.trashedAt || conversation.filtered) throw new FailedPreconditionError('conversation_filtered', 'no survey for trashed or filtered conversations');
      const contact = conversation.contactId ? await this.store.contactForSurvey(tx, conversation.contactId, false) : null;
      if (!contact?.email) throw new FailedPreconditionError('no_contact_email', 'the contact has no email address to send the survey to');
      return queueSurvey(this.mail, this.store, tx, conversation, author, { name: contact.name, email: contact.email }, linkBase, question);
    });
    this.onCommitted();
    return messageId;
  }

  private async byToken(token: string) {
    if (!validToken(token)) throw new NotFoundError('survey_not_found', 'this survey link is not valid');
    const found = await this.store.surveyByTokenHash(hashToken(token));
    if (!found) throw new NotFoundError('survey_not_found', 'this survey link is not valid');
    return found;
  }

  async get(token: string): Promise<{ inboxName: string; subject: string; score: number; comment: string; question: SurveyQuestion; answered: boolean }> {
    const survey = await this.byToken(token);
    return { inboxName: survey.inboxName, subject: survey.subject, score: survey.score ?? 0, comment: survey.comment, question: survey.question, answered: survey.score !== null };
  }

  async answer(token: string, score: number, comment: string): Promise<void> {
    if (comment.length > MAX_COMMENT) throw new InvalidArgumentError('comment_too_long', `a comment has at most ${MAX_COMMENT} characters`);
    const survey = await this.byToken(token);
    const { min, max } = SCORES[survey.question];
    if (!Number.isInteger(score) || score < min || score > max) throw new InvalidArgumentError('invalid_score', `score is a whole number from ${min} to ${max}`);
    await this.store.answerSurvey(survey.id, score, comment.trim());
  }
}

/** Records the survey and queues its email in the caller's transaction; returns the message id. */
async function queueSurvey(
  mail: OutboundMail,
  store: SurveyStore,
  tx: Transaction,
  conversation: LockedConversation,
  author: User,
  contact: { name: string; email: string },
  linkBase: string,
  asked: string,
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const settings = await store.inboxSurveySettings(tx, conversation.inboxId);
  const question = surveyQuestion(asked, settings?.question ?? 'csat');
  await store.insertSurvey(tx, {
    id: newId('srv'),
    accountId: conversation.accountId,
    conversationId: conversation.id,
    contactId: conversation.contactId,
    tokenHash: hashToken(token),
    question,
    agentId: conversation.assigneeId ?? author.id,
  });
  const inbox = settings?.name ?? 'us';
  const channel = await mail.emailChannel(tx, conversation.accountId, conversation.inboxId, null);
  const link = `${linkBase.replace(/\/$/, '')}/feedback/${token}`;
  const id = await mail.queue(tx, {
    conversationId: conversation.id,
    accountId: conversation.accountId,
    author,
    channelAddress: channel.address,
    token: await mail.replyToken(tx, conversation.accountId, conversation.id),
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
  await mail.announce(tx, conversation, author.id, id);
  return id;
}

/**
 * The survey an inbox sends itself when a conversation closes: when the inbox says so, the contact
 * has an email, and they got no survey in the inbox's period. A closing never fails for it: an
 * inbox without a usable email channel simply sends none.
 */
export function surveyOnClose(linkBase: string, mail: OutboundMail, store: SurveyStore) {
  return async (tx: Transaction, conversation: LockedConversation, closedBy: User): Promise<void> => {
    if (!conversation.contactId || conversation.trashedAt || conversation.filtered) return;
    const inbox = await store.inboxSurveySettings(tx, conversation.inboxId);
    if (!inbox?.onClose) return;
    const contact = await store.contactForSurvey(tx, conversation.contactId, true);
    if (!contact?.email) return;
    if (await store.surveyedWithin(tx, conversation.accountId, conversation.contactId, inbox.everyDays)) return;
    if (!(await store.hasVerifiedEmailChannel(tx, conversation.accountId, conversation.inboxId))) return;
    await queueSurvey(mail, store, tx, conversation, closedBy, { name: contact.name, email: contact.email }, linkBase, '');
  };
}

export class SurveySettings {
  constructor(
    private readonly directory: DirectoryStore,
    private readonly store: Pick<RecordsStore, 'setInboxSurveySettings'>,
  ) {}

  async set(actor: Actor, inboxId: string, enabled: boolean, everyDays: number, question = ''): Promise<{ enabled: boolean; everyDays: number; question: SurveyQuestion }> {
    await requireActor(this.directory, actor, 'admin');
    if (!Number.isInteger(everyDays) || everyDays < 1 || everyDays > 365) throw new InvalidArgumentError('invalid_period', 'a contact gets at most one survey in 1 to 365 days');
    if (question) surveyQuestion(question, 'csat');
    const saved = await this.store.setInboxSurveySettings(actor.accountId, inboxId, { enabled, everyDays, question });
    if (!saved) throw new NotFoundError('inbox_not_found', 'no such inbox');
    return { enabled, everyDays, question: saved };
  }
}
