// The web inbox in a real Chromium against the real services: sign in, views with counts, a new
// email appearing in the list, the thread, replying, ownership, closing, sandboxed email HTML,
// and a message permalink.
import type { Browser } from 'playwright-core';
import { signUp, uniqueEmail } from '../support/api-client';
import { launchBrowser, signInPage } from '../support/browser';
import { deliver, startInboxFixture, waitForInView, type InboxFixture } from '../support/inbox-fixture';
import { sendRawSmtp } from '../support/smtp';
import { waitFor } from '@inbox/testkit';

describe('the web inbox in Chromium', () => {
  let f: InboxFixture;
  let browser: Browser;
  let ownerEmail: string;

  beforeAll(async () => {
    f = await startInboxFixture({}, ['routing', 'search', 'notification']);
    const owner = await signUp(f.anonymous, 'Web test');
    ownerEmail = owner.email;
    f.owner = owner.client;
    f.ownerId = owner.userId;
    const inbox = (await f.owner.post('/api/v1/inboxes', { name: 'Web support' })).body;
    f.inboxId = inbox.id;
    f.address = (await f.owner.post(`/api/v1/inboxes/${inbox.id}/channels`, { type: 'email', name: 'Web mail' })).body.address;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await f.stop();
  });

  const signIn = (email = ownerEmail, password = 'correct horse battery') => signInPage(browser, f.stack.gatewayUrl, email, password);

  it('refuses a wrong password with a clear message', async () => {
    const page = await browser.newPage();
    await page.goto(`${f.stack.gatewayUrl}/`);
    await page.getByLabel('Email').fill(ownerEmail);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').getByText('email or password is wrong').waitFor();
  });

  it('shows a new email live, opens it, replies, owns it and closes it', async () => {
    const page = await signIn();
    await page.locator('[data-view="unassigned"]').waitFor();
    const customer = uniqueEmail('browser');
    await deliver(f, { from: `Bea Browser <${customer}>`, to: f.address, subject: 'Seen in the browser', text: 'Hello from the customer' });
    const row = page.getByRole('button', { name: /Seen in the browser/ });
    await row.waitFor({ timeout: 15_000 });
    await page.locator('[data-view="open"] .count').getByText('1').waitFor();
    await row.click();
    await page.locator('.message').getByText('Hello from the customer').waitFor();
    await page.getByRole('textbox', { name: 'Reply' }).fill('Thanks, we are on it.');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.locator('.message.outbound').getByText('Thanks, we are on it.').waitFor();
    expect(await page.getByLabel('Owner').inputValue()).toBe(f.ownerId);
    await page.getByRole('tab', { name: 'Comment' }).click();
    await page.getByLabel('Comment').fill('Internal note for the team');
    await page.getByRole('button', { name: 'Add comment' }).click();
    await page.locator('.comment').getByText('Internal note for the team').waitFor();
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: 'Reopen' }).waitFor();
    await page.locator('[data-view="open"] .count').getByText('0').waitFor();
    expect(page.errors).toEqual([]);
  });

  it('replies with an attached file and forwards the conversation from the thread', async () => {
    const customer = uniqueEmail('attach');
    await deliver(f, { from: customer, to: f.address, subject: 'Need the manual', text: 'Can you send me the manual?' });
    const conversation = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === customer);
    const page = await signIn();
    await page.goto(`${f.stack.gatewayUrl}/conversations/${conversation.id}`);
    await page.locator('.message.inbound').getByText('Can you send me the manual?').waitFor();
    await page.getByRole('textbox', { name: 'Reply' }).fill('Here it is.');
    await page.getByLabel('Attach files').setInputFiles({ name: 'manual.txt', mimeType: 'text/plain', buffer: Buffer.from('Step 1: unpack.') });
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.locator('.message.outbound').getByRole('link', { name: 'manual.txt' }).waitFor();
    const sent = await waitFor('the reply at the relay', async () => f.sink.messages.find((m) => m.envelope.to.includes(customer)));
    expect(sent.parsed.attachments.map((a) => a.filename)).toEqual(['manual.txt']);

    const colleague = uniqueEmail('colleague');
    await page.getByRole('button', { name: 'More actions' }).click();
    await page.getByRole('menuitem', { name: 'Forward' }).click();
    await page.getByLabel('Forward to').fill(colleague);
    await page.getByRole('button', { name: 'Send forward' }).click();
    await page.getByRole('status').getByText('Forwarded').waitFor();
    const forwarded = await waitFor('the forward at the relay', async () => f.sink.messages.find((m) => m.envelope.to.includes(colleague)));
    expect(forwarded.parsed.subject).toBe('Fwd: Need the manual');
    expect(forwarded.parsed.attachments.map((a) => a.filename)).toEqual(['manual.txt']);
    expect(page.errors).toEqual([]);
  });

  it('works from the keyboard, and shows the contact with their other conversations and tickets beside the thread', async () => {
    const customer = uniqueEmail('keys');
    await deliver(f, { from: `Kim Keys <${customer}>`, to: f.address, subject: 'First question', text: 'One' });
    await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === customer && c.subject === 'First question');
    await deliver(f, { from: `Kim Keys <${customer}>`, to: f.address, subject: 'Second question', text: 'Two' });
    const second = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.subject === 'Second question');
    const page = await signIn();
    await page.locator(`[data-conversation="${second.id}"]`).waitFor();
    await page.keyboard.press('j');
    await page.getByRole('heading', { name: 'Second question' }).waitFor();
    const sidebar = page.getByRole('complementary', { name: 'Contact' });
    await sidebar.getByText(customer).waitFor();
    await sidebar.getByRole('button', { name: 'First question' }).waitFor();
    await sidebar.getByRole('button', { name: 'Create ticket' }).click();
    await sidebar.getByRole('region', { name: 'Tickets' }).getByText('open').waitFor();

    await page.keyboard.press('a');
    await waitFor('assigned to me', async () => (await page.getByLabel('Owner').inputValue()) === f.ownerId);
    await page.keyboard.press('c');
    await page.getByLabel('Comment').waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Comment');
    // Typing in the editor never triggers a shortcut.
    await page.keyboard.type('ja');
    expect(await page.getByLabel('Comment').inputValue()).toBe('ja');
    await page.keyboard.press('Escape');
    await page.keyboard.press('e');
    await page.getByRole('button', { name: 'Reopen' }).waitFor();
    expect((await f.owner.get(`/api/v1/conversations/${second.id}`)).body.status).toBe('closed');
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).getByText('Assign to me').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor({ state: 'detached' });
    // Both side panels collapse, and stay collapsed after a reload.
    await page.getByRole('button', { name: 'Hide contact' }).click();
    await sidebar.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Hide views' }).click();
    await page.getByRole('navigation', { name: 'Views' }).waitFor({ state: 'hidden' });
    await page.reload();
    await page.getByRole('button', { name: 'Show views' }).waitFor();
    await page.getByRole('button', { name: 'Show views' }).click();
    await page.getByRole('navigation', { name: 'Views' }).waitFor();
    expect(page.errors).toEqual([]);
  });

  it('renders email HTML in a sandboxed frame where its scripts never run, and opens a message permalink highlighted', async () => {
    const customer = uniqueEmail('html');
    const raw = [
      `From: ${customer}`,
      `To: ${f.address}`,
      'Subject: HTML mail',
      `Message-ID: <html-${Date.now()}@client.example>`,
      'MIME-Version: 1.0',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>Formatted <b>hello</b></p><script>alert("xss")</script><img src="https://tracker.example/pixel.gif" onerror="alert(1)">',
      '',
    ].join('\r\n');
    expect((await sendRawSmtp(f.stack.smtpPort!, { from: customer, to: [f.address] }, raw)).code).toBe(250);
    const conversation = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === customer);
    const messageId = (await f.owner.get(`/api/v1/conversations/${conversation.id}`)).body.messages[0].id;
    const page = await signIn();
    await page.goto(`${f.stack.gatewayUrl}/conversations/${conversation.id}#message-${messageId}`);
    const frame = page.locator('iframe.email-html');
    await frame.waitFor();
    // Sandboxed: same origin only so the inbox can size the frame to its content; nothing may run or navigate.
    expect(await frame.getAttribute('sandbox')).toBe('allow-same-origin');
    expect(await frame.getAttribute('srcdoc')).toContain(`content="default-src 'none';`);
    await page.frameLocator('iframe.email-html').getByText('Formatted').waitFor();
    await page.locator(`#message-${messageId}.highlight`).waitFor();
    await page.waitForTimeout(500);
    expect(page.errors).toEqual([]);
  });

  it('searches with filters, shows the highlighted match, and exits back to the view', async () => {
    const word = `needle${Date.now().toString(36)}`;
    await deliver(f, { from: `Sam Search <${uniqueEmail('search')}>`, to: f.address, subject: 'Lost parcel', text: `The tracking code ${word} never updated` });
    await deliver(f, { from: `Ola Other <${uniqueEmail('search')}>`, to: f.address, subject: 'Unrelated question', text: 'Opening hours?' });
    await waitForInView(f.owner, f.inboxId, 'open', (c) => c.subject === 'Unrelated question');
    await waitFor('the parcel mail indexed', async () => (await f.owner.get(`/api/v1/search?q=${word}`)).body.items?.length === 1, 20_000, 200);
    const page = await signIn();
    await page.getByRole('button', { name: /Unrelated question/ }).waitFor();
    await page.getByLabel('Search conversations').fill(word);
    await page.getByLabel('Search conversations').press('Enter');
    await page.getByRole('button', { name: /Lost parcel/ }).waitFor();
    await page.locator('.highlight mark').getByText(word).waitFor();
    expect(await page.getByRole('button', { name: /Unrelated question/ }).count()).toBe(0);
    await page.getByLabel('Status').selectOption('closed');
    await page.getByText('No conversations match.').waitFor();
    await page.getByLabel('Status').selectOption('open');
    await page.getByRole('button', { name: /Lost parcel/ }).waitFor();
    await page.getByRole('button', { name: 'Exit search' }).click();
    await page.getByRole('button', { name: /Unrelated question/ }).click();
    // From the sidebar: every conversation of this contact, whatever the words.
    await page.getByRole('complementary', { name: 'Contact' }).getByRole('button', { name: 'Search their conversations' }).click();
    await page.getByRole('button', { name: 'Remove the contact filter Ola Other' }).waitFor();
    await page.locator('.list').getByRole('button', { name: /Unrelated question/ }).waitFor();
    expect(await page.getByRole('button', { name: /Lost parcel/ }).count()).toBe(0);
    await page.getByRole('button', { name: 'Remove the contact filter Ola Other' }).click();
    await page.getByRole('button', { name: /Lost parcel/ }).waitFor();
    await page.getByRole('button', { name: 'Exit search' }).click();
    expect(page.errors).toEqual([]);
  });

  it('rings the bell live on a mention, opens the comment, and shows who else is viewing and typing', async () => {
    const agentEmail = uniqueEmail('agent');
    const agent = (await f.owner.post('/api/v1/users', { name: 'Alva Agent', email: agentEmail, password: 'agent password', role: 'agent' })).body;
    await f.owner.post(`/api/v1/inboxes/${f.inboxId}/members`, { userId: agent.id });
    await deliver(f, { from: `Cleo Customer <${uniqueEmail('bell')}>`, to: f.address, subject: 'Ring the bell', text: 'Hello bell' });
    const conversation = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.subject === 'Ring the bell');

    const agentPage = await signIn(agentEmail, 'agent password');
    // Nothing unread: no badge at all (a red "0" reads as an alert).
    await agentPage.getByRole('button', { name: 'Notifications, 0 unread' }).waitFor();
    expect(await agentPage.getByTestId('unread-count').count()).toBe(0);
    const comment = (await f.owner.post(`/api/v1/conversations/${conversation.id}/comments`, { text: `@${agentEmail} can you take this?` })).body;
    await agentPage.getByTestId('unread-count').getByText('1').waitFor({ timeout: 5000 });
    await agentPage.getByRole('button', { name: /Notifications, 1 unread/ }).click();
    // It says who mentioned whom, and in which conversation, not just that something happened.
    await agentPage.getByRole('button', { name: /Owner mentioned you in a comment · Ring the bell \(Cleo Customer\)/ }).click();
    await agentPage.locator(`#comment-${comment.id}`).getByText('can you take this?').waitFor();
    const opened = new URL(agentPage.url());
    expect([opened.pathname, opened.hash]).toEqual([`/conversations/${conversation.id}`, `#comment-${comment.id}`]);
    await agentPage.getByRole('button', { name: 'Notifications, 0 unread' }).waitFor();

    // The owner opens the same conversation: each sees the other, and typing shows live.
    const ownerPage = await signIn();
    await ownerPage.getByRole('button', { name: /Ring the bell/ }).click();
    await ownerPage.getByRole('status').getByText('Alva Agent is viewing').waitFor({ timeout: 3000 });
    await agentPage.getByRole('status').getByText('Owner is viewing').waitFor({ timeout: 3000 });
    await agentPage.getByRole('textbox', { name: 'Reply' }).fill('Typing an answer');
    await ownerPage.getByRole('status').getByText('Alva Agent is typing').waitFor({ timeout: 3000 });
    await agentPage.close();
    await ownerPage.getByRole('status').waitFor({ state: 'detached', timeout: 3000 });
    expect(ownerPage.errors).toEqual([]);
  });

  it('switches availability from the top bar, and follows changes made elsewhere live', async () => {
    const page = await signIn();
    const toggle = page.getByLabel('Availability');
    await toggle.waitFor();
    expect(await toggle.inputValue()).toBe('available');
    await toggle.selectOption('away');
    await waitFor('away stored', async () => (await f.owner.get('/api/v1/me/availability')).body.status === 'away', 5000, 100);
    await f.owner.put('/api/v1/me/availability', { status: 'available' });
    await waitFor('the toggle to follow', async () => (await toggle.inputValue()) === 'available', 5000, 100);
    expect(page.errors).toEqual([]);
  });

  it('serves the single page for client-side routes but JSON 404s under /api', async () => {
    const page = await browser.newPage();
    const deepLink = await page.goto(`${f.stack.gatewayUrl}/conversations/con_anything`);
    expect(deepLink?.status()).toBe(200);
    expect(await page.title()).toBe('Inbox');
    const api = await fetch(`${f.stack.gatewayUrl}/api/v1/does-not-exist`);
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ error: { code: 'not_found', message: 'no such endpoint' } });
  });
});
