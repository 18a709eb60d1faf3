// Hands queued outbound email to the SMTP relay. Rows are taken with FOR UPDATE SKIP LOCKED, so
// several replicas share the queue; a failure is retried with backoff and, after the last
// attempt, recorded on the message as failed with the relay's answer.
import nodemailer, { type Transporter } from 'nodemailer';
import { errorMessage, withTransaction, type Logger, type Pool } from '@inbox/lib';

const MAX_ATTEMPTS = 8;

interface DueMessage {
  message_id: string;
  attempts: number;
  from_name: string;
  from_address: string;
  to_addresses: { name: string; address: string }[];
  subject: string;
  text_body: string;
  html_body: string | null;
  rfc_message_id: string;
  in_reply_to: string[];
  reference_ids: string[];
  reply_to_address: string | null;
}

export class EmailDeliveryWorker {
  private readonly transport: Transporter;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly pool: Pool,
    smtpUrl: string,
    private readonly logger: Logger,
    private readonly intervalMs = 500,
  ) {
    this.transport = nodemailer.createTransport(smtpUrl);
  }

  start(): void {
    this.schedule(0);
  }

  poke(): void {
    if (!this.running) this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    this.transport.close();
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.deliverDue()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.warn({ error: errorMessage(error) }, 'delivery pass failed'))
        .finally(() => {
          this.running = undefined;
          this.schedule(this.intervalMs);
        });
    }, delay);
  }

  /** Delivers every due message, one transaction each; returns how many were attempted. */
  async deliverDue(): Promise<number> {
    let attempted = 0;
    while (!this.stopped && (await this.deliverOne())) attempted += 1;
    return attempted;
  }

  private deliverOne(): Promise<boolean> {
    return withTransaction(this.pool, async (tx) => {
      const due = await tx.query<DueMessage>(
        `SELECT d.message_id, d.attempts, m.from_name, m.from_address, m.to_addresses, m.subject, m.text_body, m.html_body,
                m.rfc_message_id, m.in_reply_to, m.reference_ids, m.reply_to_address
         FROM outbound_deliveries d JOIN messages m ON m.id = d.message_id
         WHERE d.next_attempt_at <= now() ORDER BY d.next_attempt_at LIMIT 1 FOR UPDATE OF d SKIP LOCKED`,
      );
      const message = due.rows[0];
      if (!message) return false;
      try {
        await this.transport.sendMail({
          from: { name: message.from_name, address: message.from_address },
          to: message.to_addresses.map((a) => ({ name: a.name, address: a.address })),
          replyTo: message.reply_to_address ?? undefined,
          subject: message.subject,
          text: message.text_body,
          html: message.html_body ?? undefined,
          messageId: `<${message.rfc_message_id}>`,
          inReplyTo: message.in_reply_to.map((id) => `<${id}>`).join(' ') || undefined,
          references: message.reference_ids.map((id) => `<${id}>`),
          headers: { 'Auto-Submitted': 'no' },
        });
        await tx.query(`UPDATE messages SET delivery_status = 'sent', delivery_error = NULL WHERE id = $1`, [message.message_id]);
        await tx.query('DELETE FROM outbound_deliveries WHERE message_id = $1', [message.message_id]);
      } catch (error) {
        const attempts = message.attempts + 1;
        const reason = errorMessage(error).slice(0, 1000);
        if (attempts >= MAX_ATTEMPTS) {
          await tx.query(`UPDATE messages SET delivery_status = 'failed', delivery_error = $2 WHERE id = $1`, [message.message_id, reason]);
          await tx.query('DELETE FROM outbound_deliveries WHERE message_id = $1', [message.message_id]);
          this.logger.error({ messageId: message.message_id, attempts, error: reason }, 'outbound email failed for good');
        } else {
          await tx.query(
            `UPDATE outbound_deliveries SET attempts = $2, last_error = $3, next_attempt_at = now() + make_interval(secs => $4) WHERE message_id = $1`,
            [message.message_id, attempts, reason, Math.min(2 ** attempts * 5, 3600)],
          );
          this.logger.warn({ messageId: message.message_id, attempts, error: reason }, 'outbound email failed, will retry');
        }
      }
      return true;
    });
  }
}
