// Debian's Chromium driven by playwright-core (never a downloaded browser); launch() gives
// each browser a fresh temporary profile.
import { chromium, type Browser, type Page } from 'playwright-core';

export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

/** A page that collects uncaught page errors and dialogs (a finished UI has none). */
export type CheckedPage = Page & { errors: string[] };

export async function signInPage(browser: Browser, gatewayUrl: string, email: string, password: string, viewport?: { width: number; height: number }): Promise<CheckedPage> {
  const page = (await browser.newPage(viewport ? { viewport } : {})) as CheckedPage;
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(error.message));
  page.on('dialog', (dialog) => {
    page.errors.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  const response = await page.goto(`${gatewayUrl}/`);
  if (!response?.headers()['content-security-policy']?.includes("default-src 'self'")) throw new Error('the page is served without its content security policy');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByTestId('current-user').waitFor();
  return page;
}
