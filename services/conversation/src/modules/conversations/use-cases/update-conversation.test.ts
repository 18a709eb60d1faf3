import type { LockedConversation } from '../../../use-cases/unit-of-work';
import { BOT_CLOSE_INACTIVITY_MS, assertClosable } from './update-conversation';

const base: LockedConversation = {
  id: 'con_1',
  accountId: 'acc_1',
  inboxId: 'inb_1',
  channel: 'chat',
  status: 'open',
  subject: '',
  contactId: null,
  replyChannel: null,
  assigneeId: null,
  teamId: null,
  filtered: false,
  filteredReason: null,
  trashedAt: null,
  awaitingFirstReply: false,
  botChatflowId: null,
  handedOff: false,
  lastMessageAt: new Date('2026-01-01T12:00:00Z'),
  threadKey: null,
  version: 1,
};

describe('closing bot conversations', () => {
  const now = new Date(base.lastMessageAt.getTime() + BOT_CLOSE_INACTIVITY_MS - 1000);

  it('refuses to close a bot conversation whose visitor was active in the last 30 minutes', () => {
    expect(() => assertClosable({ ...base, botChatflowId: 'flow_1' }, now)).toThrow(/inactive for 30 minutes/);
  });

  it('closes it after 30 minutes of inactivity, once handed to a human, or when it is no bot conversation', () => {
    const later = new Date(base.lastMessageAt.getTime() + BOT_CLOSE_INACTIVITY_MS);
    expect(() => assertClosable({ ...base, botChatflowId: 'flow_1' }, later)).not.toThrow();
    expect(() => assertClosable({ ...base, botChatflowId: 'flow_1', handedOff: true }, now)).not.toThrow();
    expect(() => assertClosable(base, now)).not.toThrow();
  });
});
