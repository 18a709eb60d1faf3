// Emails each user who asked for it a digest of their unread notifications, at most once per
// interval. A user's row is locked (FOR UPDATE SKIP LOCKED) while their digest is sent, so
// replicas never send the same digest twice; a notification read before the digest goes out is
// not emailed. If the process dies between the SMTP hand-off and the commit, that digest is sent
// again on the next tick: at-least-once, like all outbound mail.
import type { Transporter } from 'nodemailer';
import { errorMessage, withCachedPlans, type Logger, type Pool } from '@inbox/lib';
import { composeDigest, type DigestItem } from '../domain/email-digest';

export interface DigestOptions {
  intervalMs: number;
  /** A notification waits this long before it is emailed, so a burst lands in one digest. */
  delayMs: number;
  from: string;
  publicUrl: string;
}

export class EmailDigestSender {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly pool: Pool,
    private readonly transport: Transporter,
    private readonly logger: Logger,
    private readonly options: DigestOptions,
  ) {}

  start(): void {
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.sendDue()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.warn({ error: errorMessage(error) }, 'email digests failed, will retry'))
        .finally(() => {
          this.running = undefined;
          this.schedule();
        });
    }, Math.min(this.options.intervalMs, 1000));
  }

  /** Sends every digest that is due now; returns how many were sent. */
  async sendDue(): Promise<number> {
    let sent = 0;
    while (!this.stopped && (await this.sendOne())) sent += 1;
    return sent;
  }

  private sendOne(): Promise<boolean> {
    return withCachedPlans(this.pool, async (tx) => {
      const due = await tx.query<{ account_id: string; user_id: string; address: string; name: string }>(
        `SELECT p.account_id, p.user_id, p.address, p.name FROM email_preferences p
         WHERE p.enabled AND (p.last_sent_at IS NULL OR p.last_sent_at <= now() - $1 * interval '1 millisecond')
           AND EXISTS (SELECT 1 FROM notifications n WHERE n.account_id = p.account_id AND n.user_id = p.user_id
                       AND n.emailed_at IS NULL AND n.read_at IS NULL AND n.created_at <= now() - $2 * interval '1 millisecond')
         ORDER BY p.last_sent_at NULLS FIRST LIMIT 1 FOR UPDATE OF p SKIP LOCKED`,
        [this.options.intervalMs, this.options.delayMs],
      );
      const user = due.rows[0];
      if (!user) return false;
      const pending = await tx.query<{ id: string; kind: string; conversation_id: string | null; created_at: Date }>(
        `SELECT id, kind, conversation_id, created_at FROM notifications
         WHERE account_id = $1 AND user_id = $2 AND emailed_at IS NULL AND read_at IS NULL ORDER BY created_at LIMIT 500 FOR UPDATE`,
        [user.account_id, user.user_id],
      );
      const items: DigestItem[] = pending.rows.map((r) => ({ kind: r.kind, conversationId: r.conversation_id, createdAt: r.created_at }));
      const digest = composeDigest(items, this.options.publicUrl);
      await this.transport.sendMail({ from: this.options.from, to: { name: user.name, address: user.address }, subject: digest.subject, text: digest.text });
      await tx.query('UPDATE notifications SET emailed_at = now() WHERE id = ANY($1::text[])', [pending.rows.map((r) => r.id)]);
      await tx.query('UPDATE email_preferences SET last_sent_at = now() WHERE account_id = $1 AND user_id = $2', [user.account_id, user.user_id]);
      this.logger.info({ userId: user.user_id, notifications: items.length }, 'email digest sent');
      return true;
    });
  }
}
