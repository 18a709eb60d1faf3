import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { publishDurably, type NatsConnection } from '@inbox/lib';
import { ChannelType } from '@inbox/lib/gen/inbox/common/v1/common';
import { InboundMessage } from '@inbox/lib/gen/inbox/events/v1/events';

export function inboundEmail(eventId: string, accountId = 'acc-test'): Uint8Array {
  return InboundMessage.encode({
    eventId,
    accountId,
    inboxId: 'inbox-test',
    channelId: `channel-${eventId.length % 7}`,
    channelType: ChannelType.CHANNEL_TYPE_EMAIL,
    receivedAt: new Date(),
    email: {
      messageId: `<${eventId}@example.com>`,
      inReplyTo: [],
      references: [],
      from: { name: 'Customer', address: 'customer@example.com' },
      to: [{ name: '', address: 'support@example.com' }],
      cc: [],
      subject: `Order ${eventId}`,
      text: 'Where is my order?',
      html: '',
      attachments: [],
      rawObjectKey: '',
      headers: {},
      envelopeFrom: 'customer@example.com',
      envelopeTo: ['support@example.com'],
    },
  }).finish();
}

/** Publishes events in parallel windows; resolves when JetStream has stored every one. */
export async function publishInboundBurst(nc: NatsConnection, eventIds: string[], window = 200): Promise<void> {
  const js: JetStreamClient = jetstream(nc);
  for (let i = 0; i < eventIds.length; i += window) {
    await Promise.all(
      eventIds.slice(i, i + window).map((id) => publishDurably(js, 'ingest.inbound.email', inboundEmail(id), { msgId: id })),
    );
  }
}
