// Screenshots of the web inbox (sign-in, list, thread, settings; light and dark; 1280 and 1024
// wide) from a running stack with the demo data (npm run up), for docs/screenshots.
//   npx tsx scripts/screenshots.ts [out-dir]
// The chat widget's screenshots come from its browser test (test-artifacts/).
import { launchBrowser } from '../tests/support/browser';
const base = process.env.INBOX_URL ?? 'http://127.0.0.1:8080';
const out = process.argv[2] ?? 'docs/screenshots/web-inbox';
void (async () => {
  const browser = await launchBrowser();
  for (const scheme of ['light', 'dark'] as const) {
    for (const viewport of [{ width: 1280, height: 800 }, { width: 1024, height: 768 }]) {
      const page = await browser.newPage({ viewport, colorScheme: scheme });
      await page.goto(base + '/');
      await page.screenshot({ path: `${out}/login-${scheme}-${viewport.width}.png` });
      await page.getByLabel('Email').fill('demo@inbox.localhost');
      await page.getByLabel('Password').fill('open-source-inbox-2026');
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByTestId('current-user').waitFor();
      await page.locator('button.row-body').first().waitFor();
      await page.waitForTimeout(500);
      await page.screenshot({ path: `${out}/list-${scheme}-${viewport.width}.png` });
      await page.locator('button.row-body').first().click();
      await page.locator('.thread .messages li').first().waitFor();
      await page.waitForTimeout(800);
      await page.screenshot({ path: `${out}/thread-${scheme}-${viewport.width}.png` });
      if (viewport.width === 1280) {
        const settings = page.getByRole('button', { name: 'Settings', exact: true });
        if (await settings.count()) {
          await settings.click();
          await page.waitForTimeout(800);
          await page.screenshot({ path: `${out}/settings-${scheme}-${viewport.width}.png` });
        }
      }
      await page.close();
    }
  }
  await browser.close();
})();
