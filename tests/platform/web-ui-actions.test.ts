// What the API could do and the inbox could not: compose a new email, not spam, block and
// unblock a sender; the thread's rarer actions behind one "More actions" menu; and nothing that
// cannot be undone happens without a confirmation.
import type { Browser } from 'playwright-core';
import { uniqueEmail } from '../support/api-client';
import { launchBrowser, signInPage } from '../support/browser';
import { deliver, startInboxFixture, waitForInView, type InboxFixture } from '../support/inbox-fixture';
import { waitFor } from '@inbox/testkit';
import { FakeVoiceNetwork } from '../support/fake-voice-network';

describe('conversation actions in Chromium', () => {
  let f: InboxFixture;
  let browser: Browser;
  let ownerEmail: string;

  beforeAll(async () => {
    // Routing answers whom an inbound call rings.
    f = await startInboxFixture({}, ['routing']);
    ownerEmail = (await f.owner.get('/api/v1/me')).body.email;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await f?.stop();
  });

  const signIn = () => signInPage(browser, f.stack.gatewayUrl, ownerEmail, 'correct horse battery');
  const detail = async (id: string) => (await f.owner.get(`/api/v1/conversations/${id}`)).body;

  it('composes a new email from the inbox; it opens in Sent, and a bad address changes nothing', async () => {
    const page = await signIn();
    await page.getByRole('button', { name: 'New email' }).click();
    const dialog = page.getByRole('dialog', { name: 'New email' });
    const before = (await f.owner.get(`/api/v1/inboxes/${f.inboxId}/conversations?view=sent&limit=100`)).body.items.length;
    await dialog.getByLabel('To').fill('not-an-address@');
    await dialog.getByLabel('Subject').fill('Your quote');
    await dialog.getByLabel('Message').fill('Here is the quote you asked for.');
    await dialog.getByRole('button', { name: 'Send' }).click();
    // The browser's own check refuses it; nothing is created.
    expect(await dialog.isVisible()).toBe(true);
    expect((await f.owner.get(`/api/v1/inboxes/${f.inboxId}/conversations?view=sent&limit=100`)).body.items.length).toBe(before);

    const customer = uniqueEmail('quote');
    await dialog.getByLabel('To').fill(customer);
    await dialog.getByRole('button', { name: 'Send' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('.thread-head h2').getByText('Your quote').waitFor();
    await page.locator('.message.outbound').getByText('Here is the quote you asked for.').waitFor();
    expect(page.url()).toContain('view=sent');
    const sent = (await f.owner.get(`/api/v1/inboxes/${f.inboxId}/conversations?view=sent&limit=100`)).body.items;
    expect(sent.filter((c: { contact: { email: string } | null }) => c.contact?.email === customer)).toHaveLength(1);
    expect(page.errors).toEqual([]);
  });

  it('offers Not spam for a conversation in Spam, and blocks and unblocks a sender only after a confirmation', async () => {
    const customer = uniqueEmail('pest');
    await deliver(f, { from: customer, to: f.address, subject: 'Buy now', text: 'A limited offer' });
    const conversation = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === customer);
    const page = await signIn();
    await page.goto(`${f.stack.gatewayUrl}/conversations/${conversation.id}`);
    const more = page.getByRole('button', { name: 'More actions' });

    await more.click();
    await page.getByRole('menuitem', { name: 'Mark as spam' }).click();
    await page.getByRole('status').getByText('Moved to Spam').waitFor();
    expect((await detail(conversation.id)).filtered).toBe(true);
    await more.click();
    expect(await page.getByRole('menuitem', { name: 'Mark as spam' }).count()).toBe(0);
    await page.getByRole('menuitem', { name: 'Not spam' }).click();
    await page.getByRole('status').getByText('Back in the inbox').waitFor();
    expect((await detail(conversation.id)).filtered).toBe(false);

    await more.click();
    await page.getByRole('menuitem', { name: 'Block sender' }).click();
    const confirm = page.getByRole('alertdialog', { name: `Block ${customer}?` });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect((await detail(conversation.id)).filteredReason).toBeNull();

    await more.click();
    await page.getByRole('menuitem', { name: 'Block sender' }).click();
    await confirm.getByRole('button', { name: 'Block sender' }).click();
    await page.getByRole('status').getByText('Sender blocked').waitFor();
    expect((await detail(conversation.id)).filteredReason).toBe('blocked_sender');
    const blocked = (await f.owner.get('/api/v1/blocked-senders')).body.items.map((b: { senderKey: string }) => b.senderKey);
    expect(blocked).toContain(`email:${customer}`);

    await more.click();
    await page.getByRole('menuitem', { name: 'Unblock sender' }).click();
    await page.getByRole('status').getByText('Sender unblocked').waitFor();
    await waitFor('the sender unblocked', async () => (await detail(conversation.id)).filteredReason === null);
    expect(page.errors).toEqual([]);
  });

  it('keeps the rare actions in a keyboard-usable menu and offers Call back only on calls', async () => {
    const customer = uniqueEmail('menu');
    await deliver(f, { from: customer, to: f.address, subject: 'Menu check', text: 'Hello' });
    const conversation = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === customer);
    const page = await signIn();
    await page.goto(`${f.stack.gatewayUrl}/conversations/${conversation.id}`);
    const more = page.getByRole('button', { name: 'More actions' });
    await more.focus();
    await page.keyboard.press('Enter');
    const items = await page.getByRole('menuitem').allInnerTexts();
    // The owner is a super admin: legal holds are theirs to place.
    expect(items).toEqual(['Mark as spam', 'Block sender', 'Forward', 'Send survey', 'Summarize', 'Place legal hold']);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Mark as spam');
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Block sender');
    await page.keyboard.press('Escape');
    await page.getByRole('menu').waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-haspopup'))).toBe('menu');
    // The header holds the frequent actions only.
    expect(await page.locator('.thread-head > button').allInnerTexts()).toEqual(['Close', 'Delete']);
    await more.click();
    await page.getByRole('menuitem', { name: 'Place legal hold' }).click();
    await page.getByRole('status').getByText('Legal hold placed').waitFor();
    expect(((await f.owner.get('/api/v1/legal-holds')).body.items as { targetId: string }[]).map((h) => h.targetId)).toContain(conversation.id);
    expect(page.errors).toEqual([]);
  });

  it('shows on a call who picked it up when it rang their phone', async () => {
    const line = `+4724${Date.now() % 1_000_000}`.padEnd(11, '0');
    const phone = (await f.owner.post(`/api/v1/inboxes/${f.inboxId}/channels`, { type: 'phone', name: 'Hotline', phoneNumber: line, authToken: 'hotline-auth-token' })).body;
    const me = (await f.owner.patch('/api/v1/me', { phoneNumber: '+4793456789' })).body;
    const caller = `+4795${Date.now() % 1_000_000}`.padEnd(11, '0');
    const call = await new FakeVoiceNetwork('hotline-auth-token').inboundCall({
      eventsUrl: `${f.stack.ingestUrl}/ingest/v1/calls/${phone.id}/events`,
      from: caller,
      to: line,
      picksUp: (number) => number === '+4793456789',
      talkSeconds: 42,
    });
    expect(call.answeredNumber).toBe('+4793456789');
    const conversation = await waitForInView(f.owner, f.inboxId, 'calls', (c) => c.subject === `Call from ${caller}`);
    await waitFor('the finished call', async () => (await detail(conversation.id)).call?.status === 'completed');
    const page = await signIn();
    await page.goto(`${f.stack.gatewayUrl}/conversations/${conversation.id}`);
    await page.getByRole('region', { name: 'Call' }).getByText(`Call from ${caller} · completed · 0:42 · answered by ${me.name}`).waitFor();
    await f.owner.patch('/api/v1/me', { phoneNumber: null });
    expect(page.errors).toEqual([]);
  });

  it('deletes forever only after a confirmation', async () => {
    const customer = uniqueEmail('gone');
    await deliver(f, { from: customer, to: f.address, subject: 'Delete me for good', text: 'Bye' });
    const conversation = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === customer);
    await f.owner.post(`/api/v1/conversations/${conversation.id}/trash`);
    const page = await signIn();
    await page.goto(`${f.stack.gatewayUrl}/conversations/${conversation.id}`);
    await page.getByRole('button', { name: 'Delete forever' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Delete forever?' });
    await confirm.waitFor();
    expect((await f.owner.get(`/api/v1/conversations/${conversation.id}`)).status).toBe(200);
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });
    expect((await f.owner.get(`/api/v1/conversations/${conversation.id}`)).status).toBe(200);

    await page.getByRole('button', { name: 'Delete forever' }).click();
    await confirm.getByRole('button', { name: 'Delete forever' }).click();
    await waitFor('the conversation deleted', async () => (await f.owner.get(`/api/v1/conversations/${conversation.id}`)).status === 404);
    expect(page.errors).toEqual([]);
  });

  it('undoes a move to Trash from the toast that reports it', async () => {
    const customer = uniqueEmail('undo');
    await deliver(f, { from: customer, to: f.address, subject: 'Trashed by mistake', text: 'Keep me' });
    const conversation = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === customer);
    const page = await signIn();
    await page.goto(`${f.stack.gatewayUrl}/conversations/${conversation.id}`);
    await page.locator('.message').getByText('Keep me').waitFor();
    await page.locator('.thread-head').getByRole('button', { name: 'Delete', exact: true }).click();
    const toast = page.getByRole('status').filter({ hasText: 'Moved to Trash' });
    await toast.waitFor();
    expect((await f.owner.get(`/api/v1/conversations/${conversation.id}`)).body.trashedAt).not.toBeNull();
    await toast.getByRole('button', { name: 'Undo' }).click();
    await page.getByRole('status').filter({ hasText: 'Undone' }).waitFor();
    expect((await f.owner.get(`/api/v1/conversations/${conversation.id}`)).body.trashedAt).toBeNull();
    await page.getByRole('status').getByRole('button', { name: 'Dismiss' }).click();
    await page.getByRole('status').filter({ hasText: 'Undone' }).waitFor({ state: 'detached' });
    expect(page.errors).toEqual([]);
  });

  it('closes the thread quietly when a colleague deletes the conversation that is open', async () => {
    const customer = uniqueEmail('vanish');
    await deliver(f, { from: customer, to: f.address, subject: 'Deleted by a colleague', text: 'Now you see me' });
    const conversation = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === customer);
    await f.owner.post(`/api/v1/conversations/${conversation.id}/trash`);
    const page = await signIn();
    await page.goto(`${f.stack.gatewayUrl}/conversations/${conversation.id}`);
    await page.locator('.message').getByText('Now you see me').waitFor();
    expect((await f.owner.delete(`/api/v1/conversations/${conversation.id}`)).status).toBe(204);
    await page.getByText('Select a conversation.').waitFor({ timeout: 10_000 });
    expect(page.errors).toEqual([]);
  });
});

describe('the inbox around the thread in Chromium', () => {
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

  it('marks no view as current while a search is shown, and the view again after it', async () => {
    await deliver(f, { from: uniqueEmail('find'), to: f.address, subject: 'Findable parcel', text: 'Where is it?' });
    await waitForInView(f.owner, f.inboxId, 'open', (c) => c.subject === 'Findable parcel');
    const page = await signInPage(browser, f.stack.gatewayUrl, ownerEmail, 'correct horse battery');
    const current = page.locator('nav.views [aria-current="page"]');
    expect(await current.getAttribute('data-view')).toBe('open');
    await page.getByLabel('Search conversations').fill('parcel');
    await page.getByLabel('Search conversations').press('Enter');
    await page.getByRole('button', { name: 'Exit search' }).waitFor();
    expect(await current.count()).toBe(0);
    await page.getByRole('button', { name: 'Exit search' }).click();
    await current.waitFor();
    expect(await current.getAttribute('data-view')).toBe('open');
    expect(page.errors).toEqual([]);
  });

  it('keeps a very long contact name inside the sidebar', async () => {
    const name = `Maximiliana-Friederike-Konstantinopolitanische-${'Langname'.repeat(8)}`;
    await deliver(f, { from: `${name} <${uniqueEmail('long')}>`, to: f.address, subject: 'Long name', text: 'Hi' });
    const conversation = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.subject === 'Long name');
    const page = await signInPage(browser, f.stack.gatewayUrl, ownerEmail, 'correct horse battery');
    await page.goto(`${f.stack.gatewayUrl}/conversations/${conversation.id}`);
    const panel = page.getByRole('complementary', { name: 'Contact' });
    await panel.getByText(name).first().waitFor();
    const fits = await panel.evaluate((el) => el.scrollWidth <= el.clientWidth + 1);
    expect(fits).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    expect(page.errors).toEqual([]);
  });

  it('says so while the browser is offline, and picks up what arrived once it is back', async () => {
    const page = await signInPage(browser, f.stack.gatewayUrl, ownerEmail, 'correct horse battery');
    await page.locator('nav.views [aria-current="page"]').waitFor();
    expect(await page.getByText('You are offline').count()).toBe(0);
    await page.context().setOffline(true);
    await page.getByRole('status').getByText('You are offline').waitFor();
    await deliver(f, { from: uniqueEmail('later'), to: f.address, subject: 'Arrived while offline', text: 'Hello?' });
    await waitForInView(f.owner, f.inboxId, 'open', (c) => c.subject === 'Arrived while offline');
    await page.context().setOffline(false);
    await page.getByText('You are offline').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: /Arrived while offline/ }).waitFor({ timeout: 15_000 });
  });

  it('moves through the list with the arrow keys from one Tab stop, selects with x, and selects all', async () => {
    for (const n of [1, 2, 3]) await deliver(f, { from: uniqueEmail(`keys${n}`), to: f.address, subject: `Keyboard ${n}`, text: 'Hi' });
    await waitForInView(f.owner, f.inboxId, 'open', (c) => c.subject === 'Keyboard 3');
    const page = await signInPage(browser, f.stack.gatewayUrl, ownerEmail, 'correct horse battery');
    const list = page.getByRole('list', { name: 'Conversation list' });
    await list.getByRole('button', { name: /Keyboard 3/ }).waitFor();
    const total = await list.locator('button.row-body').count();
    // One Tab stop for the whole list; the checkboxes are reached by x, not by Tab.
    expect(await list.locator('[tabindex="0"]').count()).toBe(1);
    expect(await list.locator('input[type="checkbox"][tabindex="-1"]').count()).toBe(total);
    await list.locator('button.row-body[tabindex="0"]').focus();
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-index'));
    expect(await focused()).toBe('0');
    await page.keyboard.press('ArrowDown');
    await waitFor('the second row focused', async () => (await focused()) === '1');
    await page.keyboard.press('End');
    await waitFor('the last row focused', async () => (await focused()) === String(total - 1));
    await page.keyboard.press('ArrowUp');
    await waitFor('one up', async () => (await focused()) === String(total - 2));
    expect(await list.locator('[tabindex="0"]').getAttribute('data-index')).toBe(String(total - 2));
    await page.keyboard.press('x');
    await page.getByRole('button', { name: 'Close 1' }).waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.thread-head h2').waitFor();

    await page.getByLabel('Select all loaded conversations').check();
    await page.getByRole('button', { name: `Close ${total}` }).waitFor();
    await page.getByLabel('Select all loaded conversations').uncheck();
    expect(await page.getByRole('button', { name: /^Close \d+$/ }).count()).toBe(0);
    expect(page.errors).toEqual([]);
  });

  it('fits an 800 px wide window without scrolling sideways, the thread keeping most of it', async () => {
    await deliver(f, { from: uniqueEmail('narrow'), to: f.address, subject: 'Narrow window', text: 'Hello from a small screen' });
    const conversation = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.subject === 'Narrow window');
    const page = await signInPage(browser, f.stack.gatewayUrl, ownerEmail, 'correct horse battery', { width: 800, height: 600 });
    await page.goto(`${f.stack.gatewayUrl}/conversations/${conversation.id}`);
    await page.locator('.message').getByText('Hello from a small screen').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    expect((await page.locator('.thread-pane').boundingBox())!.width).toBeGreaterThanOrEqual(400);
    // The views float over the list when opened, and the page still does not scroll sideways.
    await page.getByRole('button', { name: 'Show views' }).click();
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: /Unassigned|All open/ }).first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    expect(page.errors).toEqual([]);
  });
});
