import { Writable } from 'node:stream';
import { createLogger } from './logger';
import { requestIdFrom, runWithRequestContext } from './request-context';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      callback();
    },
  });
  return { lines, logger: createLogger({ service: 'test-service', level: 'debug', destination }) };
}

describe('createLogger', () => {
  it('writes stable fields: service, level label, ISO time, msg', () => {
    const { lines, logger } = capture();
    logger.info({ conversationId: 'c1' }, 'hello');
    expect(lines[0]).toMatchObject({ service: 'test-service', level: 'info', conversationId: 'c1', msg: 'hello' });
    expect(String(lines[0].time)).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('redacts personal data and secrets, top level and one level down', () => {
    const { lines, logger } = capture();
    logger.info(
      { email: 'ann@example.com', password: 'hunter2', contact: { email: 'bob@example.com', phone: '+4712345678' }, text: 'my card is 4111' },
      'sensitive',
    );
    const serialized = JSON.stringify(lines[0]);
    for (const secret of ['ann@example.com', 'hunter2', 'bob@example.com', '+4712345678', '4111']) {
      expect(serialized).not.toContain(secret);
    }
    expect(lines[0]).toMatchObject({ email: '[redacted]', contact: { email: '[redacted]', phone: '[redacted]' } });
  });

  it('redacts the credentials among request headers, and personal data in bindings', () => {
    const { lines, logger } = capture();
    const req = { method: 'GET', headers: { authorization: 'Bearer s3cret', cookie: 'sid=abc', 'x-visitor-token': 'vt-1', accept: 'application/json' } };
    logger.child({ email: 'carol@example.com', component: 'http' }).info({ req }, 'request');
    const serialized = JSON.stringify(lines[0]);
    for (const secret of ['s3cret', 'sid=abc', 'vt-1', 'carol@example.com']) expect(serialized).not.toContain(secret);
    expect(lines[0]).toMatchObject({ component: 'http', req: { method: 'GET', headers: { accept: 'application/json', authorization: '[redacted]' } } });
  });

  it('leaves the logged objects themselves as they were', () => {
    const { logger } = capture();
    const fields = { email: 'dan@example.com', contact: { phone: '+4798765432', name: 'Dan' }, req: { headers: { cookie: 'sid=1' } } };
    const before = JSON.stringify(fields);
    logger.info(fields, 'kept');
    expect(JSON.stringify(fields)).toBe(before);
  });

  it('keeps the message and stack of an error whose fields it redacts', () => {
    const { lines, logger } = capture();
    const err = Object.assign(new Error('provider refused'), { status: 400, body: 'card 4111 1111' });
    logger.error({ err }, 'failed');
    const logged = lines[0].err as Record<string, unknown>;
    expect(logged).toMatchObject({ message: 'provider refused', status: 400, body: '[redacted]' });
    expect(String(logged.stack)).toContain('provider refused');
    expect(err.body).toBe('card 4111 1111');
  });

  it('adds the request id and tenant of the current context', () => {
    const { lines, logger } = capture();
    runWithRequestContext({ requestId: 'req-123', tenantId: 'acc-9' }, () => logger.info('inside'));
    logger.info('outside');
    expect(lines[0]).toMatchObject({ requestId: 'req-123', tenantId: 'acc-9' });
    expect(lines[1].requestId).toBeUndefined();
  });
});

describe('requestIdFrom', () => {
  it('keeps a well-formed incoming id and replaces a malformed or missing one', () => {
    expect(requestIdFrom('abc-123')).toBe('abc-123');
    expect(requestIdFrom(['first-id', 'second'])).toBe('first-id');
    expect(requestIdFrom('bad id with spaces\n')).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom(undefined)).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom('x'.repeat(500))).toMatch(/^[0-9a-f-]{36}$/);
  });
});
