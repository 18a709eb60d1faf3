import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { OutboundRefusedError, createGuardedFetch, isPublicAddress, type GuardedFetchPolicy } from './guarded-fetch';

// Local servers stand in for the outside world; a resolver maps public-looking names to them.
// Refused addresses are refused before any connection, so no traffic leaves loopback.
type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

async function serve(handler: Handler): Promise<{ port: number; seen: http.IncomingHttpHeaders[]; close: () => Promise<void> }> {
  const seen: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const names: Record<string, string[]> = {
  'cdn.example.com': ['127.0.0.1'],
  'other.example.com': ['127.0.0.1'],
  'metadata.example.com': ['169.254.169.254'],
  'split.example.com': ['93.184.216.34', '10.1.2.3'],
};
const resolve = async (host: string) => {
  if (!names[host]) throw new Error('ENOTFOUND');
  return names[host];
};
const policy = (overrides: Partial<GuardedFetchPolicy> = {}): GuardedFetchPolicy => ({
  allowHttp: true,
  allowedTargets: [],
  maxBytes: 1024 * 1024,
  timeoutMs: 2000,
  maxRedirects: 3,
  resolve,
  ...overrides,
});

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OutboundRefusedError) return error.reason;
    throw error;
  }
  throw new Error('the fetch was not refused');
}

describe('the guarded outbound HTTP client', () => {
  let target: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    target = await serve((req, res) => {
      if (req.url === '/big') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(Buffer.alloc(2 * 1024 * 1024));
      } else if (req.url === '/slow') {
        setTimeout(() => res.end('late'), 5000);
      } else if (req.url?.startsWith('/redirect?to=')) {
        res.writeHead(302, { location: decodeURIComponent(req.url.slice('/redirect?to='.length)) });
        res.end();
      } else {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.end('bytes');
      }
    });
  });
  afterAll(() => target.close());

  it('refuses every private, loopback, link-local, CGNAT, metadata and mapped address, by literal and by name', async () => {
    const fetch = createGuardedFetch(policy());
    for (const url of [
      `http://127.0.0.1:${target.port}/`,
      'http://10.0.0.1/',
      'http://172.16.0.1/',
      'http://172.31.255.254/',
      'http://192.168.1.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://100.64.0.1/',
      'http://0.0.0.0/',
      'http://[::1]/',
      'http://[fc00::1]/',
      'http://[fd12:3456::1]/',
      'http://[fe80::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::ffff:a9fe:a9fe]/',
      'http://metadata.example.com/',
      'http://split.example.com/',
    ]) {
      expect([url, await refusal(fetch(url))]).toEqual([url, 'address_not_allowed']);
    }
    expect(target.seen).toHaveLength(0);
  });

  it('refuses a redirect into a refused range, checked again at every hop', async () => {
    const fetch = createGuardedFetch(policy({ allowedTargets: [`cdn.example.com:${target.port}`] }));
    for (const to of ['http://169.254.169.254/', `http://127.0.0.1:${target.port}/`, 'http://[::ffff:10.0.0.1]/', 'http://metadata.example.com/']) {
      const url = `http://cdn.example.com:${target.port}/redirect?to=${encodeURIComponent(to)}`;
      expect([to, await refusal(fetch(url))]).toEqual([to, 'address_not_allowed']);
    }
  });

  it('allows a public-looking test target only through the test-mode switch', async () => {
    const url = `http://cdn.example.com:${target.port}/photo.png`;
    expect(await refusal(createGuardedFetch(policy())(url))).toBe('address_not_allowed');
    const allowed = await createGuardedFetch(policy({ allowedTargets: [`cdn.example.com:${target.port}`] }))(url);
    expect(allowed).toMatchObject({ status: 200, url });
    expect(allowed.body.toString()).toBe('bytes');
    expect(allowed.headers['content-type']).toBe('image/png');
  });

  it('refuses plain HTTP unless configured, URLs with credentials, and names that do not resolve', async () => {
    const allowedTargets = [`cdn.example.com:${target.port}`];
    expect(await refusal(createGuardedFetch(policy({ allowHttp: false, allowedTargets }))(`http://cdn.example.com:${target.port}/`))).toBe('scheme_not_allowed');
    expect(await refusal(createGuardedFetch(policy())('file:///etc/passwd'))).toBe('scheme_not_allowed');
    expect(await refusal(createGuardedFetch(policy({ allowedTargets }))(`http://user:pw@cdn.example.com:${target.port}/`))).toBe('invalid_url');
    expect(await refusal(createGuardedFetch(policy())('http://nowhere.example.com/'))).toBe('unresolvable');
    expect(await refusal(createGuardedFetch(policy())('not a url'))).toBe('invalid_url');
  });

  it('caps the size and the time of a fetch', async () => {
    const fetch = createGuardedFetch(policy({ allowedTargets: [`cdn.example.com:${target.port}`], timeoutMs: 500 }));
    expect(await refusal(fetch(`http://cdn.example.com:${target.port}/big`))).toBe('too_large');
    expect(await refusal(fetch(`http://cdn.example.com:${target.port}/slow`))).toBe('timeout');
  });

  it('forwards no credentials to another host on redirect, and at most maxRedirects hops', async () => {
    const allowedTargets = [`cdn.example.com:${target.port}`, `other.example.com:${target.port}`];
    const fetch = createGuardedFetch(policy({ allowedTargets, maxRedirects: 1 }));
    const before = target.seen.length;
    const to = `http://other.example.com:${target.port}/landed`;
    const response = await fetch(`http://cdn.example.com:${target.port}/redirect?to=${encodeURIComponent(to)}`, { headers: { authorization: 'Bearer secret', cookie: 'a=b' } });
    expect(response.url).toBe(to);
    const [first, second] = target.seen.slice(before);
    expect(first.authorization).toBe('Bearer secret');
    expect(second.authorization).toBeUndefined();
    expect(second.cookie).toBeUndefined();
    const twice = `http://cdn.example.com:${target.port}/redirect?to=${encodeURIComponent(`http://cdn.example.com:${target.port}/redirect?to=${encodeURIComponent(to)}`)}`;
    expect(await refusal(fetch(twice))).toBe('too_many_redirects');
  });

  it('judges addresses by range, whatever their spelling', () => {
    for (const address of ['8.8.8.8', '93.184.216.34', '2606:4700:4700::1111', '::ffff:8.8.8.8']) expect([address, isPublicAddress(address)]).toEqual([address, true]);
    for (const address of ['127.0.0.1', '127.8.9.1', '::ffff:7f00:1', '0:0:0:0:0:ffff:7f00:0001', '64:ff9b::7f00:1', '::', '224.0.0.1', '255.255.255.255', 'not-an-ip']) {
      expect([address, isPublicAddress(address)]).toEqual([address, false]);
    }
  });
});
