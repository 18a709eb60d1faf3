import { ThreadIndex, threadLookups, type ThreadedEmail } from './threading';

const now = new Date('2026-12-02T12:00:00Z');
const minutesAgo = (n: number) => new Date(now.getTime() - n * 60_000);

function email(overrides: Partial<ThreadedEmail> = {}): ThreadedEmail {
  return { accountId: 'acc_1', inboxId: 'inb_1', contactId: 'ctc_1', subject: 'Order 1234', inReplyTo: [], references: [], envelopeTo: [], to: [], ...overrides };
}

describe('email threading', () => {
  const stored = new ThreadIndex({
    messages: [
      { accountId: 'acc_1', rfcMessageId: 'root@mail.example', conversationId: 'con_root', inboxId: 'inb_1', createdAt: minutesAgo(60) },
      { accountId: 'acc_1', rfcMessageId: 'later@mail.example', conversationId: 'con_later', inboxId: 'inb_1', createdAt: minutesAgo(5) },
      { accountId: 'acc_1', rfcMessageId: 'other-inbox@mail.example', conversationId: 'con_other_inbox', inboxId: 'inb_2', createdAt: minutesAgo(1) },
      { accountId: 'acc_2', rfcMessageId: 'tenant@mail.example', conversationId: 'con_other_tenant', inboxId: 'inb_1', createdAt: minutesAgo(1) },
    ],
    tokens: [{ accountId: 'acc_1', token: 'Abc123xyz', conversationId: 'con_token' }],
    recent: [
      { accountId: 'acc_1', inboxId: 'inb_1', contactId: 'ctc_1', conversationId: 'con_subject', subject: 'Order 1234', lastMessageAt: minutesAgo(30) },
      { accountId: 'acc_1', inboxId: 'inb_1', contactId: 'ctc_1', conversationId: 'con_stale', subject: 'Invoice', lastMessageAt: minutesAgo(60 * 24 * 40) },
    ],
  });

  it('follows In-Reply-To (Apple Mail, Thunderbird: the parent in both headers)', () => {
    expect(stored.threadOf(email({ inReplyTo: ['root@mail.example'], references: ['root@mail.example'] }), now)).toBe('con_root');
  });

  it('follows References alone (Outlook replies often drop In-Reply-To), newest named message first', () => {
    expect(stored.threadOf(email({ references: ['root@mail.example', 'later@mail.example'] }), now)).toBe('con_later');
  });

  it('never threads across inboxes or tenants by headers', () => {
    expect(stored.threadOf(email({ subject: 'Hello', inReplyTo: ['other-inbox@mail.example'] }), now)).toBeNull();
    expect(stored.threadOf(email({ subject: 'Hello', inReplyTo: ['tenant@mail.example'] }), now)).toBeNull();
  });

  it('uses the reply token of a plus-address when headers find nothing (clients that strip headers)', () => {
    expect(stored.threadOf(email({ subject: 'Hello', to: ['support-1a2b+r-Abc123xyz@inbox.example'] }), now)).toBe('con_token');
    expect(stored.threadOf(email({ subject: 'Hello', envelopeTo: ['support+r-Abc123xyz@inbox.example'] }), now)).toBe('con_token');
    expect(stored.threadOf(email({ accountId: 'acc_2', subject: 'Hello', to: ['support+r-Abc123xyz@inbox.example'] }), now)).toBeNull();
  });

  it('falls back to the same contact and subject only behind a reply prefix, in any language the clients use', () => {
    for (const subject of ['Re: Order 1234', 'SV: Order 1234', 'AW: Order 1234', 'RE: re: Order 1234', 'Fwd: Order 1234']) {
      expect(stored.threadOf(email({ subject }), now)).toBe('con_subject');
    }
    expect(stored.threadOf(email({ subject: 'Order 1234' }), now)).toBeNull();
    expect(stored.threadOf(email({ subject: 'Re: Order 1234', contactId: 'ctc_2' }), now)).toBeNull();
    expect(stored.threadOf(email({ subject: 'Re: Order 1234', contactId: null }), now)).toBeNull();
  });

  it('ignores subject matches older than the fallback window', () => {
    expect(stored.threadOf(email({ subject: 'Re: Invoice' }), now)).toBeNull();
  });

  it('sees messages and conversations stored earlier in the same batch', () => {
    const index = new ThreadIndex();
    expect(index.threadOf(email({ inReplyTo: ['first@x'] }), now)).toBeNull();
    index.addMessage({ accountId: 'acc_1', rfcMessageId: 'first@x', conversationId: 'con_new', inboxId: 'inb_1', createdAt: now });
    expect(index.threadOf(email({ inReplyTo: ['first@x'] }), now)).toBe('con_new');
    index.touchConversation({ accountId: 'acc_1', inboxId: 'inb_1', contactId: 'ctc_1', conversationId: 'con_new', subject: 'Order 1234', lastMessageAt: now });
    expect(index.threadOf(email({ subject: 'Re: Order 1234' }), now)).toBe('con_new');
  });

  it('says which lookups an email needs', () => {
    expect(threadLookups(email({ inReplyTo: ['a@x'], references: ['a@x', 'b@x', ''], to: ['s+r-Token12345@x.example'], subject: 'Re: x' }))).toEqual({
      messageIds: ['a@x', 'b@x'],
      tokens: ['Token12345'],
      subjectFallback: true,
    });
    expect(threadLookups(email({ contactId: null, subject: 'Re: x' })).subjectFallback).toBe(false);
  });
});
