// The thread as an agent reads it all day: messages and comments in the order they happened,
// a long thread opening at its newest entry, HTML email as tall as its content, and a session
// that ends (signed out elsewhere, revoked) taking the agent to the sign-in form, not to an
// empty inbox.
import type { Browser } from 'playwright-core';
import { uniqueEmail } from '../support/api-client';
import { launchBrowser, signInPage } from '../support/browser';
import { deliver, startInboxFixture, waitForInView, type InboxFixture } from '../support/inbox-fixture';
import { sendRawSmtp } from '../support/smtp';
import { waitFor } from '@inbox/testkit';

describe('the thread in Chromium', () => {
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

  const signIn = () => signInPage(browser, f.stack.gatewayUrl, ownerEmail, 'correct horse battery');

  it('interleaves messages and comments by time', async () => {
    const customer = uniqueEmail('order');
    await deliver(f, { from: customer, to: f.address, subject: 'Order of events', text: 'First, the customer writes.' });
    const conversation = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === customer);
    await f.owner.post(`/api/v1/conversations/${conversation.id}/comments`, { text: 'Second, a colleague comments.' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await f.owner.post(`/api/v1/conversations/${conversation.id}/messages`, { text: 'Third, we reply.' });
    const page = await signIn();
    await page.goto(`${f.stack.gatewayUrl}/conversations/${conversation.id}`);
    await page.locator('.message.outbound').getByText('Third, we reply.').waitFor();
    const order = await page.locator('ol.messages > li').allInnerTexts();
    expect(order.map((text) => (text.includes('First') ? 1 : text.includes('Second') ? 2 : text.includes('Third') ? 3 : 0))).toEqual([1, 2, 3]);
    // Ordinary mail without signatures is not flagged as suspicious.
    expect(order[0]).not.toMatch(/unverified|failed verification/);
  });

  it('offers no reply box in a trashed conversation, and says how to get it back', async () => {
    const customer = uniqueEmail('trash');
    await deliver(f, { from: customer, to: f.address, subject: 'Going to the bin', text: 'Throw me away.' });
    const conversation = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === customer);
    expect((await f.owner.post(`/api/v1/conversations/${conversation.id}/trash`)).status).toBe(200);
    const page = await signIn();
    await page.goto(`${f.stack.gatewayUrl}/conversations/${conversation.id}`);
    await page.locator('.message').getByText('Throw me away.').waitFor();
    await page.getByText('This conversation is in Trash').waitFor();
    expect(await page.getByRole('textbox', { name: 'Reply' }).isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Send', exact: true }).isVisible()).toBe(false);
  });

  it('opens a long thread at its newest message', async () => {
    const customer = uniqueEmail('long');
    await deliver(f, { from: customer, to: f.address, subject: 'A long story', text: 'Message number 0 of the story' });
    const conversation = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === customer);
    for (let i = 1; i <= 60; i += 1) await f.owner.post(`/api/v1/conversations/${conversation.id}/messages`, { text: `Message number ${i} of the story` });
    const page = await signIn();
    await page.goto(`${f.stack.gatewayUrl}/conversations/${conversation.id}`);
    const newest = page.locator('.message').getByText('Message number 60 of the story');
    await newest.waitFor();
    await waitFor('the newest message in view', async () => (await newest.isVisible()) && (await newest.evaluate((el) => el.getBoundingClientRect().bottom <= window.innerHeight && el.getBoundingClientRect().top >= 0)), 5000, 50);
    const oldestTop = await page.locator('.message').getByText('Message number 0 of the story').evaluate((el) => el.getBoundingClientRect().top);
    expect(oldestTop).toBeLessThan(0);
  });

  it('shows an HTML email at the height of its content, without a scroll bar of its own', async () => {
    const customer = uniqueEmail('html');
    const rows = Array.from({ length: 41 }, (_, i) => `<tr><td>Item ${i + 1}</td><td>${(i + 1) * 10} NOK</td></tr>`).join('');
    const raw = [
      `From: Shop <${customer}>`,
      `To: ${f.address}`,
      'Subject: Your order receipt',
      `Message-ID: <${Date.now()}@shop.example>`,
      'MIME-Version: 1.0',
      'Content-Type: text/html; charset=utf-8',
      '',
      `<html><body><h1>Receipt</h1><table>${rows}</table><p>Last line of the receipt</p></body></html>`,
      '',
    ].join('\r\n');
    await sendRawSmtp(f.stack.smtpPort!, { from: customer, to: [f.address] }, raw);
    const conversation = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === customer);
    const page = await signIn();
    await page.goto(`${f.stack.gatewayUrl}/conversations/${conversation.id}`);
    const frame = page.locator('iframe.email-html');
    await frame.waitFor();
    await page.frameLocator('iframe.email-html').getByText('Last line of the receipt').waitFor();
    await waitFor('the frame sized to its content', async () => {
      const { frameHeight, contentHeight } = await frame.evaluate((el: HTMLIFrameElement) => ({ frameHeight: el.clientHeight, contentHeight: el.contentDocument!.documentElement.scrollHeight }));
      return contentHeight > 600 && frameHeight >= contentHeight;
    }, 5000, 50);
    const font = await page.frameLocator('iframe.email-html').locator('body').evaluate((el) => getComputedStyle(el).fontFamily);
    expect(font).not.toMatch(/^"?(Times|serif)/i);
  });

  it('sends with Ctrl+Enter, and marks closed conversations and untitled chats in the list', async () => {
    const customer = uniqueEmail('keys');
    await deliver(f, { from: customer, to: f.address, subject: 'Quick keys', text: 'Send it fast.' });
    const conversation = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === customer);
    const widgetId = (await f.owner.post(`/api/v1/inboxes/${f.inboxId}/channels`, { type: 'chat', name: 'Chat', preChatEmail: 'off' })).body.widgetId;
    const session = await (await fetch(`${f.stack.ingestUrl}/ingest/v1/chat/${widgetId}/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json();
    await fetch(`${f.stack.ingestUrl}/ingest/v1/chat/sessions/${session.sessionId}/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-visitor-token': session.visitorToken }, body: JSON.stringify({ text: 'A chat without a subject' }) });
    const chat = await waitForInView(f.owner, f.inboxId, 'chat', (c) => c.preview === 'A chat without a subject');

    const page = await signIn();
    await page.goto(`${f.stack.gatewayUrl}/conversations/${conversation.id}`);
    await page.locator('.message').getByText('Send it fast.').waitFor();
    await page.getByRole('textbox', { name: 'Reply' }).fill('Sent from the keyboard.');
    await page.keyboard.press('Control+Enter');
    await page.locator('.message.outbound').getByText('Sent from the keyboard.').waitFor();

    await page.locator(`[data-conversation="${chat.id}"]`).getByText('Live chat').waitFor();
    expect(await page.locator(`[data-conversation="${chat.id}"]`).getByText('(no subject)').count()).toBe(0);
    expect((await f.owner.patch(`/api/v1/conversations/${conversation.id}`, { status: 'closed' })).status).toBe(200);
    await page.locator('[data-view="closed"]').click({ timeout: 2000 }).catch(async () => {
      await page.getByRole('button', { name: 'More', exact: true }).click();
      await page.locator('[data-view="closed"]').click();
    });
    await page.locator(`[data-conversation="${conversation.id}"]`).getByText('Closed').waitFor();
  });

  it('takes the agent to the sign-in form, saying why, when the session ends elsewhere', async () => {
    const page = await signIn();
    await page.locator('[data-view="unassigned"]').waitFor();
    const token = await page.evaluate(() => localStorage.getItem('inbox.token'));
    expect((await f.anonymous.withToken(token!).post('/api/v1/auth/logout')).status).toBe(204);
    await page.getByRole('form', { name: 'Sign in' }).waitFor({ timeout: 5000 });
    await page.getByRole('status').getByText('Your session has ended').waitFor();
    expect(await page.getByText('No conversations here.').count()).toBe(0);
  });
});
