import { gunzipSync } from 'node:zlib';
import { sendJson } from './send-json';

function fakeExchange(acceptsGzip: boolean) {
  const sent: { status?: number; headers: Record<string, unknown>; body?: Buffer } = { headers: {} };
  const res = {
    status: (code: number) => ((sent.status = code), res),
    setHeader: (k: string, v: unknown) => (sent.headers[k] = v),
    end: (b: Buffer) => (sent.body = b),
  };
  const req = { acceptsEncodings: (e: string) => (acceptsGzip ? e : false) };
  return { req: req as never, res: res as never, sent };
}

describe('sendJson', () => {
  const small = { json: Buffer.from(JSON.stringify({ ok: true })) };

  it('sends small answers as they are', async () => {
    const { req, res, sent } = fakeExchange(true);
    await sendJson(req, res, 201, small);
    expect(sent.status).toBe(201);
    expect(sent.headers['Content-Encoding']).toBeUndefined();
    expect(sent.headers['Content-Length']).toBe(small.json.length);
    expect(sent.body!.equals(small.json)).toBe(true);
  });

  it('gzips larger answers for clients that take gzip, inline and off the event loop alike', async () => {
    for (const size of [5_000, 300_000]) {
      const json = Buffer.from(JSON.stringify({ text: 'refund '.repeat(size / 7) }));
      const { req, res, sent } = fakeExchange(true);
      await sendJson(req, res, 200, { json });
      expect(sent.headers['Content-Encoding']).toBe('gzip');
      expect(sent.headers['Content-Type']).toBe('application/json; charset=utf-8');
      expect(sent.headers['Vary']).toBe('Accept-Encoding');
      expect(sent.headers['Content-Length']).toBe(sent.body!.length);
      expect(gunzipSync(sent.body!).equals(json)).toBe(true);
    }
  });

  it('sends plain JSON to clients that do not take gzip', async () => {
    const json = Buffer.from(JSON.stringify({ text: 'x'.repeat(5000) }));
    const { req, res, sent } = fakeExchange(false);
    await sendJson(req, res, 200, { json });
    expect(sent.headers['Content-Encoding']).toBeUndefined();
    expect(sent.body!.equals(json)).toBe(true);
  });
});
