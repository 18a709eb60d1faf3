// The address bar holds the agent's place: the open conversation, the inbox, the view, the sort
// and the search. A reload comes back to the same place, and Back goes to the previous one.
import type { Browser } from 'playwright-core';
import { uniqueEmail } from '../support/api-client';
import { launchBrowser, signInPage } from '../support/browser';
import { deliver, startInboxFixture, waitForInView, type InboxFixture } from '../support/inbox-fixture';

describe('the web inbox keeps its place in the URL', () => {
  let f: InboxFixture;
  let browser: Browser;
  let ownerEmail: string;

  beforeAll(async () => {
    f = await startInboxFixture({}, ['search']);
    ownerEmail = (await f.owner.get('/api/v1/me')).body.email;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await f?.stop();
  });

  it('survives a reload and goes back with Back', async () => {
    const first = uniqueEmail('first');
    const second = uniqueEmail('second');
    await deliver(f, { from: first, to: f.address, subject: 'Place one', text: 'The first place.' });
    await deliver(f, { from: second, to: f.address, subject: 'Place two', text: 'The second place.' });
    const one = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === first);
    const two = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === second);

    const page = await signInPage(browser, f.stack.gatewayUrl, ownerEmail, 'correct horse battery');
    await page.locator('[data-view="unassigned"]').click();
    await page.getByLabel('Sort').selectOption('oldest');
    await page.getByRole('button', { name: /Place one/ }).click();
    await page.locator('.message').getByText('The first place.').waitFor();
    await page.waitForURL((url) => url.pathname === `/conversations/${one.id}` && url.searchParams.get('view') === 'unassigned' && url.searchParams.get('sort') === 'oldest');
    expect(new URL(page.url()).searchParams.get('inbox')).toBe(f.inboxId);

    await page.reload();
    await page.locator('.message').getByText('The first place.').waitFor();
    expect(await page.getByLabel('Sort').inputValue()).toBe('oldest');
    expect(await page.locator('[data-view="unassigned"]').getAttribute('class')).toContain('active');

    await page.getByRole('button', { name: /Place two/ }).click();
    await page.locator('.message').getByText('The second place.').waitFor();
    await page.waitForURL((url) => url.pathname === `/conversations/${two.id}`);
    await page.goBack();
    await page.locator('.message').getByText('The first place.').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/conversations/${one.id}`);

    await page.getByRole('searchbox', { name: 'Search conversations' }).fill('second place');
    await page.getByRole('searchbox', { name: 'Search conversations' }).press('Enter');
    await page.waitForURL((url) => url.searchParams.get('q') === 'second place');
    await page.reload();
    expect(await page.getByRole('searchbox', { name: 'Search conversations' }).inputValue()).toBe('second place');
    expect(page.errors).toEqual([]);
  });
});
