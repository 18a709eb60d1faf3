import { emailEventId } from './accept-email';

const raw = (headers: string, body: string) => new TextEncoder().encode(`${headers}\r\n\r\n${body}`);

describe('emailEventId', () => {
  const message = 'From: a@b.example\r\nMessage-ID: <m1@b.example>\r\nSubject: Hi';

  it('is the same for a retried delivery that gained trace headers', () => {
    const first = emailEventId('chn_1', { messageId: 'm1@b.example' }, raw(message, 'Hello'));
    const retried = emailEventId('chn_1', { messageId: 'm1@b.example' }, raw(`Received: from relay.example\r\n${message}`, 'Hello'));
    expect(retried).toBe(first);
    expect(first).toMatch(/^em_[0-9a-f]{40}$/);
  });

  it('differs for another body under a reused Message-ID, and per channel', () => {
    const first = emailEventId('chn_1', { messageId: 'm1@b.example' }, raw(message, 'Hello'));
    expect(emailEventId('chn_1', { messageId: 'm1@b.example' }, raw(message, 'Another text'))).not.toBe(first);
    expect(emailEventId('chn_2', { messageId: 'm1@b.example' }, raw(message, 'Hello'))).not.toBe(first);
  });

  it('handles LF-only messages and messages without a Message-ID', () => {
    const lf = new TextEncoder().encode('From: a@b.example\nSubject: x\n\nbody');
    expect(emailEventId('chn_1', { messageId: '' }, lf)).toBe(emailEventId('chn_1', { messageId: '' }, new TextEncoder().encode('Received: x\nFrom: a@b.example\nSubject: x\n\nbody')));
  });
});
