import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { createConversationClients, publishDurably, type NatsConnection } from '@inbox/lib';
import { ChannelType } from '@inbox/lib/gen/inbox/common/v1/common';
import { InboundMessage } from '@inbox/lib/gen/inbox/events/v1/events';
import { uniqueEmail } from './api-client';

export interface EmailChannelFixture {
  accountId: string;
  userId: string;
  inboxId: string;
  channelId: string;
  address: string;
}

/** A fresh account with one inbox and one email channel, made through the conversation service's gRPC API. */
export async function createEmailChannel(conversationGrpcAddress: string): Promise<EmailChannelFixture> {
  const client = createConversationClients(conversationGrpcAddress, { deadlineMs: 5000 });
  try {
    const { account, user } = await client.directory.call.createAccount({ accountName: 'Fixture', name: 'Owner', email: uniqueEmail('fixture'), password: 'fixture password' });
    const tenant = { accountId: account!.id, userId: user!.id };
    const { inbox } = await client.directory.call.createInbox({ tenant, name: 'Support' });
    const { channel } = await client.directory.call.createChannel({
      tenant,
      inboxId: inbox!.id,
      type: ChannelType.CHANNEL_TYPE_EMAIL,
      name: 'Support mail',
      address: '',
      fields: [],
      pageId: '',
      appSecret: '',
      phoneNumber: '',
      authToken: '',
      pageAccessToken: '',
      providerAccountSid: '',
      preChatEmail: '',
      honeypotField: '',
      createTicket: false,
      signature: '',
      ringStrategy: '',
      ringSeconds: 0,
    });
    return { accountId: account!.id, userId: user!.id, inboxId: inbox!.id, channelId: channel!.id, address: channel!.address };
  } finally {
    client.close();
  }
}

export function inboundEmail(eventId: string, channel: EmailChannelFixture, from = `customer-${eventId}@example.com`): Uint8Array {
  return InboundMessage.encode(
    InboundMessage.fromPartial({
      eventId,
      accountId: channel.accountId,
      inboxId: channel.inboxId,
      channelId: channel.channelId,
      channelType: ChannelType.CHANNEL_TYPE_EMAIL,
      receivedAt: new Date(),
      email: {
        messageId: `${eventId}@example.com`,
        inReplyTo: [],
        references: [],
        from: { name: 'Customer', address: from },
        to: [{ name: '', address: channel.address }],
        cc: [],
        subject: `Order ${eventId}`,
        text: 'Where is my order?',
        html: '',
        attachments: [],
        rawObjectKey: '',
        headers: {},
        envelopeFrom: from,
        envelopeTo: [channel.address],
      },
    }),
  ).finish();
}

/** Publishes events in parallel windows; resolves when JetStream has stored every one. */
export async function publishInboundBurst(nc: NatsConnection, channel: EmailChannelFixture, eventIds: string[], window = 200): Promise<void> {
  const js: JetStreamClient = jetstream(nc);
  for (let i = 0; i < eventIds.length; i += window) {
    await Promise.all(
      eventIds.slice(i, i + window).map((id) => publishDurably(js, 'ingest.inbound.email', inboundEmail(id, channel), { msgId: id })),
    );
  }
}
