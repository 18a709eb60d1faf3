// The gateway serves the built web inbox; a real Chromium loads it and it talks to the gateway.
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../support/browser';
import { launchService, type LaunchedService } from '../support/services';

describe('web UI served by the gateway', () => {
  let gateway: LaunchedService;
  let browser: Browser;

  beforeAll(async () => {
    gateway = await launchService('gateway');
    await gateway.process.waitReady();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await gateway.process.stop();
  });

  it('loads in Chromium with a strict content security policy and shows the system ready', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const response = await page.goto(`${gateway.httpUrl}/`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");
    expect(await page.title()).toBe('Inbox');
    await page.getByTestId('system-status').getByText('All systems ready').waitFor({ timeout: 10_000 });
    await page.getByRole('form', { name: 'Sign in' }).waitFor();
    expect(errors).toEqual([]);
  });

  it('serves the single page for client-side routes but JSON 404s under /api', async () => {
    const page = await browser.newPage();
    const deepLink = await page.goto(`${gateway.httpUrl}/inbox/123/conversations/456`);
    expect(deepLink?.status()).toBe(200);
    expect(await page.title()).toBe('Inbox');
    const api = await fetch(`${gateway.httpUrl}/api/v1/does-not-exist`);
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ error: { code: 'not_found', message: 'no such endpoint' } });
  });
});
