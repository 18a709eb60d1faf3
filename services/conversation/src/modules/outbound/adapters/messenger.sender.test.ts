// The Send API client against a local fake of the Graph API: what it sends, and which refusals
// are permanent (shown on the message) or retried.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MessengerSender } from './messenger.sender';
import { PermanentDeliveryError, type DueMessage } from './outbound-delivery.worker';

describe('MessengerSender', () => {
  let server: http.Server;
  let url: string;
  let answer: { status: number; body: unknown } = { status: 200, body: { recipient_id: '42', message_id: 'm_1' } };
  const seen: { url: string; body: string }[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ url: req.url ?? '', body });
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v21.0`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const message = (over: Partial<DueMessage> = {}) => ({ text_body: 'Hello', thread_key: '100:42', send_token: 'page-token', channel_secret: 'app-secret', ...over }) as DueMessage;

  it('posts the reply to the recipient with the page token and returns Meta’s message id', async () => {
    answer = { status: 200, body: { recipient_id: '42', message_id: 'm_1' } };
    await expect(new MessengerSender(url).send(message())).resolves.toEqual({ externalId: 'm_1' });
    const last = seen[seen.length - 1];
    expect(last.url).toMatch(/^\/v21\.0\/me\/messages\?access_token=page-token&appsecret_proof=[0-9a-f]{64}$/);
    expect(JSON.parse(last.body)).toEqual({ recipient: { id: '42' }, messaging_type: 'RESPONSE', message: { text: 'Hello' } });
  });

  it('treats a refusal such as the 24-hour window as permanent, with Meta’s reason', async () => {
    answer = { status: 400, body: { error: { message: '(#10) This message is sent outside of allowed window.', code: 10, error_subcode: 2018278 } } };
    const error = await new MessengerSender(url).send(message()).catch((e: Error) => e);
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect((error as Error).message).toContain('outside of allowed window');
  });

  it('retries throttling and outages', async () => {
    for (const a of [
      { status: 500, body: {} },
      { status: 400, body: { error: { message: 'Calls to this api have exceeded the rate limit.', code: 613 } } },
      { status: 400, body: { error: { message: 'temporary', code: 100, is_transient: true } } },
    ]) {
      answer = a;
      const error = await new MessengerSender(url).send(message()).catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(PermanentDeliveryError);
    }
    const unreachable = await new MessengerSender('http://127.0.0.1:1').send(message()).catch((e: Error) => e);
    expect(unreachable).not.toBeInstanceOf(PermanentDeliveryError);
  });

  it('fails permanently without a page token or recipient', async () => {
    await expect(new MessengerSender(url).send(message({ send_token: null }))).rejects.toBeInstanceOf(PermanentDeliveryError);
    await expect(new MessengerSender(url).send(message({ thread_key: null }))).rejects.toBeInstanceOf(PermanentDeliveryError);
  });
});
