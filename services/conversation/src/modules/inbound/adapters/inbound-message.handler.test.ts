import { PermanentError, createLogger, type HandlerContext } from '@inbox/lib';
import { ChannelType } from '@inbox/lib/gen/inbox/common/v1/common';
import { InboundMessage } from '@inbox/lib/gen/inbox/events/v1/events';
import type { StoreInboundBatch, StoreInboundMessage } from '..';
import { InboundMessageHandler } from './inbound-message.handler';

const context: HandlerContext = { deliveryCount: 1, streamSequence: 1, subject: 'ingest.inbound.email', logger: createLogger({ service: 'handler-test', level: 'silent' }) };

function stores(failWith?: unknown) {
  const lone: InboundMessage[] = [];
  const batches: InboundMessage[][] = [];
  const single = { execute: async (event: InboundMessage) => (lone.push(event), { duplicate: false }) } as unknown as StoreInboundMessage;
  const batch = {
    execute: async (events: InboundMessage[]) => {
      batches.push(events);
      if (failWith) throw failWith;
      return events.map(() => ({ duplicate: false }));
    },
  } as unknown as StoreInboundBatch;
  return { lone, batches, single, batch };
}

const noBytes = { put: async () => 'unused' };
const email = InboundMessage.fromPartial({ eventId: 'evt_1', accountId: 'acc_1', channelId: 'chn_1', channelType: ChannelType.CHANNEL_TYPE_EMAIL, email: { subject: 'Hello', from: { address: 'a@example.com', name: '' } } });
const chat = InboundMessage.fromPartial({ eventId: 'evt_2', accountId: 'acc_1', channelId: 'chn_2', channelType: ChannelType.CHANNEL_TYPE_CHAT, chat: { sessionId: 's1', text: 'hi' } });

describe('the inbound message handler', () => {
  it('stores a lone email with the set-based batch path, in fewer statements than the one-event path', async () => {
    const s = stores();
    await new InboundMessageHandler(s.single, noBytes, s.batch).handle(email, context);
    expect(s.batches).toEqual([[email]]);
    expect(s.lone).toEqual([]);
  });

  it('stores other channels and every event without a batch store one by one', async () => {
    const s = stores();
    await new InboundMessageHandler(s.single, noBytes, s.batch).handle(chat, context);
    await new InboundMessageHandler(s.single, noBytes).handle(email, context);
    expect(s.lone).toEqual([chat, email]);
    expect(s.batches).toEqual([]);
  });

  it('turns data the database rejects into a permanent error, so the event is dead-lettered instead of retried', async () => {
    const s = stores(Object.assign(new Error('invalid byte sequence'), { code: '22021' }));
    await expect(new InboundMessageHandler(s.single, noBytes, s.batch).handle(email, context)).rejects.toBeInstanceOf(PermanentError);
  });
});
