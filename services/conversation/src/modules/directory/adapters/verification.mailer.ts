// Mails channel verification codes through the outbound relay, from the installation's own domain.
import nodemailer, { type Transporter } from 'nodemailer';
import type { VerificationMailer } from '../use-cases/inboxes';

export class SmtpVerificationMailer implements VerificationMailer {
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly mailDomain: string,
  ) {
    this.transport = nodemailer.createTransport(smtpUrl);
  }

  async sendChannelCode(to: string, code: string, channelName: string): Promise<void> {
    await this.transport.sendMail({
      from: { name: 'Inbox', address: `no-reply@${this.mailDomain}` },
      to,
      subject: `Your Inbox verification code: ${code}`,
      text: `Someone connected ${to} to the inbox channel "${channelName}".\n\nTo allow sending from this address, an admin enters this code: ${code}\n\nIf this was not you, ignore this message; nothing will be sent from your address.`,
      headers: { 'Auto-Submitted': 'auto-generated' },
    });
  }

  close(): void {
    this.transport.close();
  }
}
