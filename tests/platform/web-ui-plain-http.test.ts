// A self-hosted inbox on an intranet is often plain HTTP under its own host name. The page must
// load and sign in there: no upgrade-insecure-requests and no HSTS unless the public URL is https.
// And what it loads is compressed, with content-hashed assets cached for good.
import http from 'node:http';
import type { Browser } from 'playwright-core';
import { launchBrowser, signInPage } from '../support/browser';
import { startInboxFixture, type InboxFixture } from '../support/inbox-fixture';
import { launchService } from '../support/services';

describe('the web inbox over plain HTTP on an intranet host name', () => {
  let f: InboxFixture;
  let browser: Browser;
  let ownerEmail: string;

  beforeAll(async () => {
    f = await startInboxFixture();
    ownerEmail = (await f.owner.get('/api/v1/me')).body.email;
    // inbox.intranet is this machine, as an intranet DNS name would be.
    browser = await launchBrowser(['--host-resolver-rules=MAP inbox.intranet 127.0.0.1']);
  });

  afterAll(async () => {
    await browser?.close();
    await f?.stop();
  });

  it('loads and signs in at http://inbox.intranet', async () => {
    const port = new URL(f.stack.gatewayUrl).port;
    const url = `http://inbox.intranet:${port}`;
    const headers = (await fetch(`${f.stack.gatewayUrl}/`)).headers;
    expect(headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
    expect(headers.get('strict-transport-security')).toBeNull();
    const page = await signInPage(browser, url, ownerEmail, 'correct horse battery');
    await page.locator('[data-view="unassigned"]').waitFor();
    expect(page.url().startsWith('http://inbox.intranet')).toBe(true);
    expect(page.errors).toEqual([]);
  });

  /** The bytes as they cross the wire (no transparent decompression), with the response headers. */
  function raw(url: string, encoding: string): Promise<{ bytes: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
    return new Promise((resolve, reject) => {
      http
        .get(url, { headers: { 'accept-encoding': encoding } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ bytes: Buffer.concat(chunks).length, headers: res.headers, body: Buffer.concat(chunks) }));
        })
        .on('error', reject);
    });
  }

  it('sends the app and API answers compressed, under 250 KB for a first load, with hashed assets cached for good', async () => {
    const page = (await raw(`${f.stack.gatewayUrl}/`, 'identity')).body.toString();
    const assets = [...page.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThan(0);
    let compressedTotal = 0;
    for (const asset of assets) {
      const plain = await raw(`${f.stack.gatewayUrl}${asset}`, 'identity');
      const packed = await raw(`${f.stack.gatewayUrl}${asset}`, 'gzip, deflate, br');
      expect([asset, packed.headers['content-encoding']]).toEqual([asset, expect.stringMatching(/^(gzip|br)$/)]);
      expect(packed.bytes).toBeLessThan(plain.bytes / 2);
      expect(packed.headers['cache-control']).toContain('immutable');
      compressedTotal += packed.bytes;
    }
    expect(compressedTotal).toBeLessThan(250 * 1024);
    expect((await raw(`${f.stack.gatewayUrl}/assets/missing-0000.js`, 'identity')).headers['content-type']).toContain('application/json');
    const api = await raw(`${f.stack.gatewayUrl}/api/v1/openapi.json`, 'gzip');
    expect(api.headers['content-encoding']).toBe('gzip');
  });

  it('still tells browsers to stay on https when the public URL is https', async () => {
    const gateway = await launchService('gateway', {
      GATEWAY_PUBLIC_URL: 'https://inbox.example.com',
      CONVERSATION_GRPC_ADDR: f.stack.services.conversation!.grpcAddress!,
    });
    try {
      await gateway.process.waitReady();
      const headers = (await fetch(`${gateway.httpUrl}/`)).headers;
      expect(headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
      expect(headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    } finally {
      await gateway.process.stop();
    }
  });
});
