// Outbound email through the SMTP relay, with the thread's headers.
import nodemailer, { type Transporter } from 'nodemailer';
import type { DueMessage, OutboundSender } from './outbound-delivery.worker';

export class SmtpSender implements OutboundSender {
  private readonly transport: Transporter;

  constructor(smtpUrl: string) {
    this.transport = nodemailer.createTransport(smtpUrl);
  }

  async send(message: DueMessage): Promise<{ externalId?: string }> {
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
    return {};
  }

  close(): void {
    this.transport.close();
  }
}
