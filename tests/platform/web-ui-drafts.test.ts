// Drafts in the web inbox belong to their conversation: what an agent types for one customer is
// never in the reply or comment box of another, comes back when they return (even after a
// reload), and is gone once sent.
import type { Browser } from 'playwright-core';
import { uniqueEmail } from '../support/api-client';
import { launchBrowser, signInPage } from '../support/browser';
import { deliver, startInboxFixture, waitForInView, type InboxFixture } from '../support/inbox-fixture';

describe('drafts in the web inbox', () => {
  let f: InboxFixture;
  let browser: Browser;
  let ownerEmail: string;

  beforeAll(async () => {
    f = await startInboxFixture();
    ownerEmail = (await f.owner.get('/api/v1/me')).body.email;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await f?.stop();
  });

  it('keeps a reply and a comment draft with their own conversation, across switching and reloads, until sent', async () => {
    const first = uniqueEmail('first');
    const second = uniqueEmail('second');
    await deliver(f, { from: `First Customer <${first}>`, to: f.address, subject: 'Refund for order 1', text: 'Please refund order 1.' });
    await deliver(f, { from: `Second Customer <${second}>`, to: f.address, subject: 'Question about order 2', text: 'Where is order 2?' });
    const a = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === first);
    await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === second);

    const page = await signInPage(browser, f.stack.gatewayUrl, ownerEmail, 'correct horse battery');
    await page.getByRole('button', { name: /Refund for order 1/ }).click();
    await page.locator('.message').getByText('Please refund order 1.').waitFor();
    const reply = page.getByRole('textbox', { name: 'Reply' });
    await reply.fill('Your refund for order 1 is confirmed.');
    await page.getByRole('tab', { name: 'Comment' }).click();
    await page.getByLabel('Comment').fill('Refund approved by finance');

    // Another customer's conversation starts with empty boxes.
    await page.getByRole('button', { name: /Question about order 2/ }).click();
    await page.locator('.message').getByText('Where is order 2?').waitFor();
    expect(await page.getByRole('textbox', { name: 'Reply' }).innerText()).toBe('');
    await page.getByRole('tab', { name: 'Comment' }).click();
    expect(await page.getByLabel('Comment').inputValue()).toBe('');

    // Back in the first, both drafts are there; and after a reload too. Its row in the list, by id:
    // the open conversation's panel may link to it by its subject as well.
    await page.locator(`button[data-conversation="${a.id}"]`).click();
    await page.locator('.message').getByText('Please refund order 1.').waitFor();
    await page.getByRole('textbox', { name: 'Reply' }).getByText('Your refund for order 1 is confirmed.').waitFor();
    await page.goto(`${f.stack.gatewayUrl}/conversations/${a.id}`);
    await page.getByRole('textbox', { name: 'Reply' }).getByText('Your refund for order 1 is confirmed.').waitFor();
    await page.getByRole('tab', { name: 'Comment' }).click();
    expect(await page.getByLabel('Comment').inputValue()).toBe('Refund approved by finance');

    // Sent: gone, also after a reload.
    await page.getByRole('button', { name: 'Add comment' }).click();
    await page.locator('.comment').getByText('Refund approved by finance').waitFor();
    await page.getByRole('tab', { name: 'Reply' }).click();
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.locator('.message.outbound').getByText('Your refund for order 1 is confirmed.').waitFor();
    await page.reload();
    await page.locator('.message').getByText('Please refund order 1.').waitFor();
    expect(await page.getByRole('textbox', { name: 'Reply' }).innerText()).toBe('');
    await page.getByRole('tab', { name: 'Comment' }).click();
    expect(await page.getByLabel('Comment').inputValue()).toBe('');
    expect(page.errors).toEqual([]);
  });
});
