// Outbound email through the SMTP relay, with the thread's headers.
import nodemailer, { type Transporter } from 'nodemailer';
import type { BlobStore } from '@inbox/lib';
import { PermanentDeliveryError, type DueMessage, type OutboundSender } from './outbound-delivery.worker';

export class SmtpSender implements OutboundSender {
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly blobs: BlobStore,
  ) {
    this.transport = nodemailer.createTransport(smtpUrl);
  }

  async send(message: DueMessage): Promise<{ externalId?: string }> {
    const attachments = [];
    for (const a of message.attachments ?? []) {
      const content = await this.blobs.get(a.object_key);
      if (!content) throw new PermanentDeliveryError(`the attachment ${a.filename} is no longer stored`);
      attachments.push({ filename: a.filename, contentType: a.content_type, content: Buffer.from(content), cid: a.inline && a.content_id ? a.content_id : undefined });
    }
    try {
      await this.transmit(message, attachments);
    } catch (error) {
      // 5xx is the relay's final word (no such mailbox, policy); 4xx and network trouble are worth retrying.
      const code = (error as { responseCode?: number }).responseCode;
      if (code !== undefined && code >= 500) throw new PermanentDeliveryError(`the relay refused the message: ${(error as Error).message}`);
      throw error;
    }
    return {};
  }

  private async transmit(message: DueMessage, attachments: { filename: string; contentType: string; content: Buffer; cid?: string }[]): Promise<void> {
    await this.transport.sendMail({
      attachments,
      from: { name: message.from_name, address: message.from_address },
      to: message.to_addresses.map((a) => ({ name: a.name, address: a.address })),
      cc: (message.cc_addresses ?? []).map((a) => ({ name: a.name, address: a.address })),
      // Nodemailer puts Bcc in the envelope only; the header never leaves.
      bcc: (message.bcc_addresses ?? []).map((a) => ({ name: a.name, address: a.address })),
      replyTo: message.reply_to_address ?? undefined,
      subject: message.subject,
      text: message.text_body,
      html: message.html_body ?? undefined,
      messageId: `<${message.rfc_message_id}>`,
      inReplyTo: message.in_reply_to.map((id) => `<${id}>`).join(' ') || undefined,
      references: message.reference_ids.map((id) => `<${id}>`),
      headers: { 'Auto-Submitted': 'no' },
    });
  }

  close(): void {
    this.transport.close();
  }
}
