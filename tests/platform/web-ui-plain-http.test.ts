// A self-hosted inbox on an intranet is often plain HTTP under its own host name. The page must
// load and sign in there: no upgrade-insecure-requests and no HSTS unless the public URL is https.
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
