// What the records module's tickets, deals and surveys need of storage. Methods that take a
// Transaction join it.
import type { Deal } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import type { Transaction } from '../../../use-cases/unit-of-work';
import type { SurveyQuestion } from '../domain/surveys';

export interface StoredSurvey {
  id: string;
  subject: string;
  inboxName: string;
  score: number | null;
  comment: string;
  question: SurveyQuestion;
}

export interface RecordsStore {
  insertTicket(tx: Transaction, ticket: { id: string; accountId: string; conversationId: string; title: string }): Promise<void>;
  /** False when the account has no such ticket. */
  updateTicket(accountId: string, ticketId: string, change: { status: string | null; title: string | null }): Promise<boolean>;
  contactExists(accountId: string, contactId: string): Promise<boolean>;
  isContactsConversation(accountId: string, conversationId: string, contactId: string): Promise<boolean>;
  insertDeal(deal: { id: string; accountId: string; contactId: string; conversationId: string | null; name: string; amountMinor: number; currency: string; createdBy: string }): Promise<Deal>;
  /** Null when the account has no such deal; won and lost close it, another stage reopens it. */
  updateDeal(accountId: string, dealId: string, change: { name: string | null; amountMinor: number | null; currency: string | null; stage: string | null }): Promise<Deal | null>;
  /** The contact's name and email; locked for the rest of the transaction when asked (one survey per period). */
  contactForSurvey(tx: Transaction, contactId: string, lock: boolean): Promise<{ name: string; email: string | null } | null>;
  inboxSurveySettings(tx: Transaction, inboxId: string): Promise<{ name: string; onClose: boolean; everyDays: number; question: SurveyQuestion } | null>;
  setInboxSurveySettings(accountId: string, inboxId: string, settings: { enabled: boolean; everyDays: number; question: string }): Promise<SurveyQuestion | null>;
  insertSurvey(tx: Transaction, survey: { id: string; accountId: string; conversationId: string; contactId: string | null; tokenHash: string; question: SurveyQuestion; agentId: string }): Promise<void>;
  surveyedWithin(tx: Transaction, accountId: string, contactId: string, days: number): Promise<boolean>;
  hasVerifiedEmailChannel(tx: Transaction, accountId: string, inboxId: string): Promise<boolean>;
  surveyByTokenHash(tokenHash: string): Promise<StoredSurvey | null>;
  answerSurvey(surveyId: string, score: number, comment: string): Promise<void>;
}
