// PostgreSQL behind tickets, deals and satisfaction surveys, always within one account.
import type { Pool } from '@inbox/lib';
import type { Deal } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import type { Transaction } from '../../../use-cases/unit-of-work';
import { dealFromRow } from '../use-cases/contact-records';
import type { RecordsStore, StoredSurvey } from '../use-cases/ports';
import type { SurveyQuestion } from '../domain/surveys';

export class PostgresRecords implements RecordsStore {
  constructor(private readonly pool: Pool) {}

  async insertTicket(tx: Transaction, t: { id: string; accountId: string; conversationId: string; title: string }): Promise<void> {
    await tx.query('INSERT INTO tickets (id, account_id, conversation_id, title) VALUES ($1, $2, $3, $4)', [t.id, t.accountId, t.conversationId, t.title]);
  }

  async updateTicket(accountId: string, ticketId: string, change: { status: string | null; title: string | null }): Promise<boolean> {
    const updated = await this.pool.query(
      `UPDATE tickets SET status = COALESCE($3, status), title = COALESCE($4, title),
         closed_at = CASE WHEN $3 = 'closed' AND status <> 'closed' THEN now() WHEN $3 = 'open' THEN NULL ELSE closed_at END
       WHERE account_id = $1 AND id = $2`,
      [accountId, ticketId, change.status, change.title],
    );
    return (updated.rowCount ?? 0) > 0;
  }

  async contactExists(accountId: string, contactId: string): Promise<boolean> {
    const contact = await this.pool.query('SELECT 1 FROM contacts WHERE account_id = $1 AND id = $2', [accountId, contactId]);
    return (contact.rowCount ?? 0) > 0;
  }

  async isContactsConversation(accountId: string, conversationId: string, contactId: string): Promise<boolean> {
    const found = await this.pool.query('SELECT 1 FROM conversations WHERE account_id = $1 AND id = $2 AND contact_id = $3', [accountId, conversationId, contactId]);
    return (found.rowCount ?? 0) > 0;
  }

  async insertDeal(d: { id: string; accountId: string; contactId: string; conversationId: string | null; name: string; amountMinor: number; currency: string; createdBy: string }): Promise<Deal> {
    const created = await this.pool.query(
      `INSERT INTO deals (id, account_id, contact_id, conversation_id, name, amount_minor, currency, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [d.id, d.accountId, d.contactId, d.conversationId, d.name, d.amountMinor, d.currency, d.createdBy],
    );
    return dealFromRow(created.rows[0]);
  }

  async updateDeal(accountId: string, dealId: string, c: { name: string | null; amountMinor: number | null; currency: string | null; stage: string | null }): Promise<Deal | null> {
    const updated = await this.pool.query(
      `UPDATE deals SET name = COALESCE($3, name), amount_minor = COALESCE($4, amount_minor), currency = COALESCE($5, currency),
         closed_at = CASE WHEN $6::text IS NULL OR $6 = stage THEN closed_at WHEN $6 IN ('won', 'lost') THEN now() ELSE NULL END,
         stage = COALESCE($6, stage)
       WHERE account_id = $1 AND id = $2 RETURNING *`,
      [accountId, dealId, c.name, c.amountMinor, c.currency, c.stage],
    );
    return updated.rows[0] ? dealFromRow(updated.rows[0]) : null;
  }

  async contactForSurvey(tx: Transaction, contactId: string, lock: boolean): Promise<{ name: string; email: string | null } | null> {
    const found = await tx.query<{ name: string; email: string | null }>(`SELECT name, email FROM contacts WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [contactId]);
    return found.rows[0] ?? null;
  }

  async inboxSurveySettings(tx: Transaction, inboxId: string): Promise<{ name: string; onClose: boolean; everyDays: number; question: SurveyQuestion } | null> {
    const found = await tx.query<{ name: string; survey_on_close: boolean; survey_every_days: number; survey_question: SurveyQuestion }>(
      'SELECT name, survey_on_close, survey_every_days, survey_question FROM inboxes WHERE id = $1',
      [inboxId],
    );
    const row = found.rows[0];
    return row ? { name: row.name, onClose: row.survey_on_close, everyDays: row.survey_every_days, question: row.survey_question } : null;
  }

  async setInboxSurveySettings(accountId: string, inboxId: string, s: { enabled: boolean; everyDays: number; question: string }): Promise<SurveyQuestion | null> {
    const updated = await this.pool.query<{ survey_question: SurveyQuestion }>(
      "UPDATE inboxes SET survey_on_close = $3, survey_every_days = $4, survey_question = COALESCE(NULLIF($5, ''), survey_question) WHERE account_id = $1 AND id = $2 RETURNING survey_question",
      [accountId, inboxId, s.enabled, s.everyDays, s.question],
    );
    return updated.rows[0]?.survey_question ?? null;
  }

  async insertSurvey(tx: Transaction, s: { id: string; accountId: string; conversationId: string; contactId: string | null; tokenHash: string; question: SurveyQuestion; agentId: string }): Promise<void> {
    await tx.query('INSERT INTO surveys (id, account_id, conversation_id, contact_id, token_hash, question, agent_id) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      s.id,
      s.accountId,
      s.conversationId,
      s.contactId,
      s.tokenHash,
      s.question,
      s.agentId,
    ]);
  }

  async surveyedWithin(tx: Transaction, accountId: string, contactId: string, days: number): Promise<boolean> {
    const recent = await tx.query('SELECT 1 FROM surveys WHERE account_id = $1 AND contact_id = $2 AND sent_at > now() - make_interval(days => $3) LIMIT 1', [accountId, contactId, days]);
    return (recent.rowCount ?? 0) > 0;
  }

  async hasVerifiedEmailChannel(tx: Transaction, accountId: string, inboxId: string): Promise<boolean> {
    const usable = await tx.query("SELECT 1 FROM channels WHERE account_id = $1 AND inbox_id = $2 AND type = 'email' AND verified LIMIT 1", [accountId, inboxId]);
    return (usable.rowCount ?? 0) > 0;
  }

  async surveyByTokenHash(tokenHash: string): Promise<StoredSurvey | null> {
    const found = await this.pool.query<{ id: string; subject: string; inbox_name: string; score: number | null; comment: string; question: SurveyQuestion }>(
      `SELECT s.id, c.subject, i.name AS inbox_name, s.score, s.comment, s.question FROM surveys s
       JOIN conversations c ON c.id = s.conversation_id JOIN inboxes i ON i.id = c.inbox_id WHERE s.token_hash = $1`,
      [tokenHash],
    );
    const row = found.rows[0];
    return row ? { id: row.id, subject: row.subject, inboxName: row.inbox_name, score: row.score, comment: row.comment, question: row.question } : null;
  }

  async answerSurvey(surveyId: string, score: number, comment: string): Promise<void> {
    await this.pool.query('UPDATE surveys SET score = $2, comment = $3, answered_at = now() WHERE id = $1', [surveyId, score, comment]);
  }
}
