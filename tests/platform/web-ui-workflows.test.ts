// The web inbox's everyday moves in Chromium against the real services: bulk trash and restore,
// who may unhide a hidden message, a formatted reply reaching the relay as HTML, @mention
// autocomplete, the reply library and AI assist (an OpenAI-compatible fake model) from the
// composer, and a list long enough to need paging that stays small in the DOM.
import type { Browser } from 'playwright-core';
import { uniqueEmail } from '../support/api-client';
import { launchBrowser, signInPage } from '../support/browser';
import { fakeChatModel, type FakeProvider } from '../support/fake-providers';
import { addAgent, deliver, startInboxFixture, waitForInView, type InboxFixture } from '../support/inbox-fixture';
import { waitFor } from '@inbox/testkit';

describe('the web inbox workflows in Chromium', () => {
  let f: InboxFixture;
  let browser: Browser;
  let ownerEmail: string;
  let model: FakeProvider;

  beforeAll(async () => {
    model = await fakeChatModel().start();
    f = await startInboxFixture({}, ['notification'], { conversation: { CONVERSATION_ASSIST_URL: `${model.url}/v1` } });
    ownerEmail = (await f.owner.get('/api/v1/me')).body.email;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await f.stop();
    await model.stop();
  });

  const signIn = (email = ownerEmail, password = 'correct horse battery') => signInPage(browser, f.stack.gatewayUrl, email, password);

  it('trashes two conversations at once from the list, and restores one from Trash', async () => {
    const subjects = [`Bulk one ${Date.now()}`, `Bulk two ${Date.now()}`];
    for (const subject of subjects) await deliver(f, { from: uniqueEmail('bulk'), to: f.address, subject, text: 'Please delete me' });
    for (const subject of subjects) await waitForInView(f.owner, f.inboxId, 'open', (c) => c.subject === subject);
    const page = await signIn();
    for (const subject of subjects) await page.getByRole('checkbox', { name: `Select ${subject}` }).check();
    await page.getByRole('button', { name: 'Trash 2' }).click();
    // Nothing moves until the confirmation is accepted.
    const confirm = page.getByRole('alertdialog', { name: 'Move 2 conversations to Trash?' });
    await confirm.waitFor();
    expect((await f.owner.get(`/api/v1/inboxes/${f.inboxId}/conversations?view=trash&limit=100`)).body.items.filter((c: { subject: string }) => subjects.includes(c.subject))).toHaveLength(0);
    await confirm.getByRole('button', { name: 'Trash 2' }).click();
    for (const subject of subjects) await page.getByRole('button', { name: new RegExp(subject) }).waitFor({ state: 'detached' });
    const trash = (await f.owner.get(`/api/v1/inboxes/${f.inboxId}/conversations?view=trash&limit=100`)).body.items;
    expect(trash.filter((c: { subject: string }) => subjects.includes(c.subject))).toHaveLength(2);

    await page.getByRole('button', { name: 'More', exact: true }).click();
    await page.locator('[data-view="trash"]').click();
    await page.getByRole('button', { name: new RegExp(subjects[0]) }).click();
    await page.getByRole('button', { name: 'Restore' }).click();
    await page.getByRole('status').getByText('Restored').waitFor();
    await page.locator('[data-view="open"]').click();
    await page.getByRole('button', { name: new RegExp(subjects[0]) }).waitFor();
    expect(await page.getByRole('button', { name: new RegExp(subjects[1]) }).count()).toBe(0);
    expect(page.errors).toEqual([]);
  });

  it('lets an agent hide a message but only the hider or a super admin unhide it', async () => {
    const [hider, other] = [await addAgent(f), await addAgent(f)];
    const customer = uniqueEmail('secret');
    await deliver(f, { from: customer, to: f.address, subject: 'My card number', text: 'It is 4111 1111 1111 1111' });
    const conversation = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === customer);
    const link = `${f.stack.gatewayUrl}/conversations/${conversation.id}`;

    const hiderPage = await signIn(hider.email, 'agent password');
    await hiderPage.goto(link);
    const message = hiderPage.locator('.message.inbound');
    await message.getByText('4111 1111').waitFor();
    await message.getByRole('button', { name: 'Hide' }).click();
    await message.getByText('Message is hidden').waitFor();
    await message.getByRole('button', { name: 'Unhide' }).waitFor();

    const otherPage = await signIn(other.email, 'agent password');
    await otherPage.goto(link);
    await otherPage.locator('.message.inbound').getByText('Message is hidden').waitFor();
    expect(await otherPage.locator('.message.inbound').getByRole('button', { name: 'Unhide' }).count()).toBe(0);
    expect(await otherPage.getByText('4111 1111').count()).toBe(0);
    // The API agrees with what the screen offers.
    const messageId = (await f.owner.get(`/api/v1/conversations/${conversation.id}`)).body.messages[0].id;
    expect((await other.client.post(`/api/v1/messages/${messageId}/unhide`, {})).status).toBe(403);

    // The owner is a super admin: they may unhide someone else's hiding.
    const ownerPage = await signIn();
    await ownerPage.goto(link);
    await ownerPage.locator('.message.inbound').getByRole('button', { name: 'Unhide' }).click();
    await ownerPage.locator('.message.inbound').getByText('4111 1111').waitFor();
    expect([...hiderPage.errors, ...otherPage.errors, ...ownerPage.errors]).toEqual([]);
  });

  it('sends a formatted reply as HTML, and a plain one as text only', async () => {
    const customer = uniqueEmail('format');
    await deliver(f, { from: customer, to: f.address, subject: 'Formatting', text: 'How do I reset?' });
    const conversation = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === customer);
    const page = await signIn();
    await page.goto(`${f.stack.gatewayUrl}/conversations/${conversation.id}`);
    const editor = page.getByRole('textbox', { name: 'Reply' });
    await editor.click();
    await page.getByRole('button', { name: 'Bold' }).click();
    await page.keyboard.type('Important');
    await page.getByRole('button', { name: 'Bold' }).click();
    await page.keyboard.type(' steps:');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Bulleted list' }).click();
    await page.keyboard.type('Open settings');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Press reset: ');
    await page.getByRole('button', { name: 'Link', exact: true }).click();
    await page.getByLabel('Link address').fill('https://help.example.com/reset');
    await page.getByRole('button', { name: 'Add link' }).click();
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const sent = await waitFor('the formatted reply at the relay', async () => f.sink.messages.find((m) => m.envelope.to.includes(customer)));
    const html = String(sent.parsed.html);
    expect(html).toMatch(/<(b|strong)>Important<\/(b|strong)>/);
    expect(html).toMatch(/<ul>\s*<li>Open settings<\/li>\s*<li>Press reset:\s<a /);
    expect(html).toContain('href="https://help.example.com/reset"');
    expect(sent.parsed.text).toContain('Important steps:');
    await page.frameLocator('.message.outbound iframe.email-html').getByText('Open settings').waitFor();
    expect(await editor.innerText()).toBe('');

    await editor.fill('Just words this time.');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.locator('.message.outbound').getByText('Just words this time.').waitFor();
    const plain = await waitFor('the plain reply at the relay', async () => f.sink.messages.find((m) => m.envelope.to.includes(customer) && String(m.parsed.text).includes('Just words')));
    expect(plain.parsed.html).toBeFalsy();
    expect(page.errors).toEqual([]);
  });

  it('completes an @mention from the team list, and the picked member is notified', async () => {
    const agent = await addAgent(f);
    await f.owner.post(`/api/v1/inboxes/${f.inboxId}/members`, { userId: agent.id });
    const name = (await f.owner.get('/api/v1/users')).body.items.find((u: { id: string }) => u.id === agent.id).name as string;
    await deliver(f, { from: uniqueEmail('mention'), to: f.address, subject: 'Mention someone', text: 'Who knows?' });
    const conversation = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.subject === 'Mention someone');
    const page = await signIn();
    await page.goto(`${f.stack.gatewayUrl}/conversations/${conversation.id}`);
    await page.getByRole('tab', { name: 'Comment' }).click();
    const box = page.getByRole('textbox', { name: 'Comment' });
    await box.click();
    // Other agents share the name's start: the list narrows as the name is typed, and a click picks.
    await page.keyboard.type('Over to @agent');
    const list = page.getByRole('listbox', { name: 'Mention a team member' });
    await list.getByRole('option').first().waitFor();
    await page.keyboard.type(name.slice('agent'.length));
    await waitFor('one candidate left', async () => (await list.getByRole('option').count()) === 1);
    await list.getByRole('option', { name: new RegExp(agent.email) }).click();
    expect(await box.inputValue()).toBe(`Over to @${name} `);
    await page.keyboard.type('please');
    await page.getByRole('button', { name: 'Add comment' }).click();
    await page.locator('.comment').getByText(`Over to @${name} please`).waitFor();
    const notifications = await waitFor('the mention notification', async () => {
      const items = (await agent.client.get('/api/v1/notifications')).body.items;
      return items.find((n: { conversationId: string }) => n.conversationId === conversation.id);
    });
    expect(notifications.kind).toBe('mention');
    expect(page.errors).toEqual([]);
  });

  it('inserts snippets, templates with the contact’s name and article links, drafts with Write for me, and summarizes', async () => {
    await f.owner.post('/api/v1/snippets', { kind: 'snippet', name: 'Hours', body: 'We are open 9–17.' });
    await f.owner.post('/api/v1/snippets', { kind: 'template', name: 'Welcome', body: 'Hi {{contact.name}},\nthanks for writing.\n{{agent.name}}' });
    await f.owner.post('/api/v1/snippets', { kind: 'article', name: 'Returns policy', body: 'https://help.example.com/returns' });
    const customer = uniqueEmail('library');
    await deliver(f, { from: `Liv Library <${customer}>`, to: f.address, subject: 'Library', text: 'When are you open? I also want to return a jacket.' });
    const conversation = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === customer);
    const page = await signIn();
    await page.goto(`${f.stack.gatewayUrl}/conversations/${conversation.id}`);
    const editor = page.getByRole('textbox', { name: 'Reply' });
    await page.getByLabel('Insert').selectOption({ label: 'Welcome' });
    await waitFor('the template', async () => (await editor.innerText()).startsWith('Hi Liv Library,'));
    expect(await editor.innerText()).toBe('Hi Liv Library,\nthanks for writing.\nOwner');
    await editor.press('End');
    await page.getByLabel('Insert').selectOption({ label: 'Hours' });
    await page.getByLabel('Insert').selectOption({ label: 'Returns policy' });
    expect(await editor.innerText()).toContain('We are open 9–17.');
    expect(await editor.locator('a[href="https://help.example.com/returns"]').innerText()).toBe('Returns policy');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const sent = await waitFor('the reply at the relay', async () => f.sink.messages.find((m) => m.envelope.to.includes(customer)));
    expect(String(sent.parsed.html)).toContain('href="https://help.example.com/returns"');
    expect(sent.parsed.text).toContain('Hi Liv Library,');

    await page.getByRole('button', { name: 'Write for me' }).click();
    await page.getByLabel('What should the reply say?').fill('offer a prepaid return label');
    await page.getByRole('button', { name: 'Draft reply' }).click();
    await waitFor('the draft in the editor', async () => (await editor.innerText()) === 'MODEL DRAFT for: offer a prepaid return label');
    const asked = JSON.parse(model.requests[model.requests.length - 1].body);
    expect(asked.messages[1].content).toContain('return a jacket');

    await page.getByRole('button', { name: 'More actions' }).click();
    await page.getByRole('menuitem', { name: 'Summarize' }).click();
    await page.getByRole('region', { name: 'Summary' }).getByText('MODEL SUMMARY').waitFor();
    await page.getByRole('button', { name: 'Close summary' }).click();
    await page.getByRole('region', { name: 'Summary' }).waitFor({ state: 'detached' });
    expect(page.errors).toEqual([]);
  });

  it('saves a custom view from the sidebar, lists its conversations with a live count, and deletes it', async () => {
    const customer = uniqueEmail('view');
    await deliver(f, { from: customer, to: f.address, subject: 'For my custom view', text: 'Waiting for you' });
    await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === customer);
    const team = (await f.owner.post('/api/v1/teams', { name: `Viewers ${uniqueEmail('v').slice(0, 14)}`, userIds: [] })).body;
    const page = await signIn();
    await page.getByRole('button', { name: 'New view' }).click();
    const dialog = page.getByRole('dialog', { name: 'New view' });
    await dialog.getByLabel('View name').fill('Unowned email waiting');
    await dialog.getByLabel('Channel').selectOption('email');
    await dialog.getByLabel('Owner').selectOption('none');
    await dialog.getByLabel('Only conversations waiting for our reply').check();
    await dialog.getByLabel('Who sees it').selectOption({ label: `Team ${team.name}` });
    await dialog.getByRole('button', { name: 'Save view' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: /For my custom view/ }).waitFor();
    const saved = (await f.owner.get(`/api/v1/inboxes/${f.inboxId}/views`)).body.find((v: { name: string }) => v.name === 'Unowned email waiting');
    expect(saved.custom.filters).toEqual({ baseView: 'open', channel: 'email', assignee: 'none', needsReply: true });
    expect([saved.custom.shared, saved.custom.teamId]).toEqual([false, team.id]);
    const viewButton = page.locator(`[data-view="${saved.id}"]`);
    await viewButton.locator('.count').getByText(String(saved.count), { exact: true }).waitFor();
    // Another customer writes: the count follows live.
    await deliver(f, { from: uniqueEmail('view'), to: f.address, subject: 'Second for the view', text: 'Me too' });
    await viewButton.locator('.count').getByText(String(saved.count + 1), { exact: true }).waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: /Second for the view/ }).waitFor();

    await page.getByRole('button', { name: 'Edit view Unowned email waiting' }).click();
    await page.getByRole('dialog', { name: 'Edit view' }).getByRole('button', { name: 'Delete view' }).click();
    await viewButton.waitFor({ state: 'detached' });
    expect((await f.owner.get(`/api/v1/inboxes/${f.inboxId}/views`)).body.some((v: { id: string }) => v.id === saved.id)).toBe(false);
    expect(page.errors).toEqual([]);
  });

  it('creates a deal from the sidebar, opens the contact record, closes with the ticket, and detaches the contact', async () => {
    const customer = uniqueEmail('record');
    await deliver(f, { from: `Rita Record <${customer}>`, to: f.address, subject: 'Quote for 50 chairs', text: 'Could you send a quote?' });
    const conversation = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === customer);
    await f.owner.post(`/api/v1/conversations/${conversation.id}/tickets`, { title: 'Send the quote' });
    const page = await signIn();
    await page.goto(`${f.stack.gatewayUrl}/conversations/${conversation.id}`);
    const sidebar = page.getByRole('complementary', { name: 'Contact' });
    await sidebar.getByText(customer).waitFor();
    await sidebar.getByRole('button', { name: 'Create deal' }).click();
    const form = sidebar.getByRole('form', { name: 'New deal' });
    await form.getByLabel('Deal name').fill('50 chairs');
    await form.getByLabel('Amount').fill('12500,50');
    await form.getByLabel('Currency').fill('nok');
    await form.getByRole('button', { name: 'Save deal' }).click();
    await sidebar.getByRole('region', { name: 'Deals' }).getByText('50 chairs').waitFor();
    const contact = (await f.owner.get(`/api/v1/contacts/${conversation.contact.id}`)).body;
    expect(contact.deals).toEqual([expect.objectContaining({ name: '50 chairs', amount: 1_250_050, currency: 'NOK', conversationId: conversation.id })]);
    await sidebar.getByLabel('Stage of 50 chairs').selectOption('won');
    await waitFor('the deal won', async () => (await f.owner.get(`/api/v1/contacts/${conversation.contact.id}`)).body.deals[0].stage === 'won');

    await sidebar.getByRole('button', { name: 'Open contact record' }).click();
    const record = page.getByRole('dialog', { name: 'Contact record' });
    await record.getByText('Conversations (1)').waitFor();
    await record.getByText('Send the quote').waitFor();
    await record.getByRole('button', { name: 'Close record' }).click();
    await record.waitFor({ state: 'detached' });

    await page.getByLabel('and its ticket').check();
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await page.getByRole('button', { name: 'Reopen' }).waitFor();
    expect((await f.owner.get(`/api/v1/conversations/${conversation.id}/tickets`)).body.items.map((t: { status: string }) => t.status)).toEqual(['closed']);

    await sidebar.getByRole('button', { name: 'Detach from conversation' }).click();
    await sidebar.getByText('No contact').waitFor();
    expect((await f.owner.get(`/api/v1/conversations/${conversation.id}`)).body.contact).toBeNull();
    expect(page.errors).toEqual([]);
  });

  it('edits a contact from the sidebar, merges another into it after confirming, and replies to all with a Bcc', async () => {
    await f.owner.put('/api/v1/contact-properties/plan', { label: 'Plan', type: 'choice', options: ['Gold', 'Silver'] });
    const customer = uniqueEmail('edited');
    const copied = uniqueEmail('copied');
    const duplicate = uniqueEmail('duplicate');
    const archive = uniqueEmail('archive');
    await deliver(f, { from: `Eli <${customer}>`, to: f.address, cc: copied, subject: 'Edit my record', text: 'Hello' });
    await deliver(f, { from: `Eli at home <${duplicate}>`, to: f.address, subject: 'From my other address', text: 'Me again' });
    const conversation = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === customer);
    const other = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === duplicate);
    const page = await signIn();
    await page.goto(`${f.stack.gatewayUrl}/conversations/${conversation.id}`);
    const sidebar = page.getByRole('complementary', { name: 'Contact' });
    await sidebar.getByRole('button', { name: 'Edit contact' }).click();
    const editor = page.getByRole('dialog', { name: 'Edit contact' });
    await editor.getByLabel('Name').fill('Eli Edited');
    await editor.getByLabel('Plan').selectOption('Gold');
    await editor.getByRole('button', { name: 'Save contact' }).click();
    await editor.waitFor({ state: 'detached' });
    await sidebar.getByRole('heading', { name: 'Eli Edited' }).waitFor();
    await sidebar.getByText('Gold').waitFor();

    await sidebar.getByRole('button', { name: 'Edit contact' }).click();
    await editor.getByLabel('Find contact').fill(duplicate);
    await editor.getByRole('button', { name: 'Find', exact: true }).click();
    await editor.getByRole('button', { name: 'Merge Eli at home' }).click();
    await editor.getByRole('alertdialog', { name: 'Confirm merge' }).getByRole('button', { name: 'Merge', exact: true }).click();
    await editor.waitFor({ state: 'detached' });
    await sidebar.getByText(duplicate).waitFor();
    expect((await f.owner.get(`/api/v1/conversations/${other.id}`)).body.contact.id).toBe(conversation.contact.id);

    await page.getByLabel('Reply all').check();
    await page.getByLabel('Bcc').fill(archive);
    await page.getByRole('textbox', { name: 'Reply' }).fill('To all of you.');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const sent = await waitFor('the reply-all', async () => f.sink.messages.find((m) => m.envelope.to.includes(customer) && String(m.parsed.text).includes('To all of you.')));
    expect([...sent.envelope.to].sort()).toEqual([customer, copied, archive].sort());
    expect(sent.raw.toString()).not.toContain(archive);
    expect(page.errors).toEqual([]);
  });

  it('sends a satisfaction survey, takes the customer’s one-click answer on the public page, and shows it as past feedback', async () => {
    const customer = uniqueEmail('survey');
    await deliver(f, { from: `Siri Survey <${customer}>`, to: f.address, subject: 'Broken zipper', text: 'My zipper broke.' });
    const conversation = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === customer);
    const page = await signIn();
    await page.goto(`${f.stack.gatewayUrl}/conversations/${conversation.id}`);
    await page.getByRole('button', { name: 'More actions' }).click();
    await page.getByRole('menuitem', { name: 'Send survey' }).click();
    await page.getByRole('status').getByText('Survey sent').waitFor();
    const mail = await waitFor('the survey email', async () => f.sink.messages.find((m) => m.envelope.to.includes(customer) && /How did we do/.test(String(m.parsed.subject))));
    const link = /(http\S+\/feedback\/[\w-]+)/.exec(String(mail.parsed.text))![1];
    expect(link.startsWith(`${f.stack.gatewayUrl}/feedback/`)).toBe(true);

    const visitor = await browser.newPage();
    await visitor.goto(link);
    await visitor.getByRole('heading', { name: 'How happy are you with our help?' }).waitFor();
    await visitor.getByText('About “Broken zipper”').waitFor();
    await visitor.getByLabel('Anything you want to add? (optional)').fill('Quick and friendly');
    await visitor.getByRole('group', { name: 'Your score' }).getByRole('button', { name: '4 · Happy' }).click();
    await visitor.getByRole('status').getByText('Thank you!').waitFor();
    const invalid = await browser.newPage();
    await invalid.goto(`${f.stack.gatewayUrl}/feedback/${'x'.repeat(43)}`);
    await invalid.getByRole('alert').getByText('This survey link is not valid.').waitFor();

    await page.reload();
    const feedback = page.getByRole('complementary', { name: 'Contact' }).getByRole('region', { name: 'Past feedback' });
    await feedback.getByRole('img', { name: '4 of 5' }).waitFor();
    await feedback.getByText('Quick and friendly').waitFor();
    expect(page.errors).toEqual([]);
  });

  it('pages through a long list while keeping only the visible rows in the page', async () => {
    const subjects = Array.from({ length: 160 }, (_, i) => `Long list ${String(i).padStart(3, '0')}`);
    const compose = (subject: string) => f.owner.post('/api/v1/conversations', { inboxId: f.inboxId, channel: 'email', to: uniqueEmail('long'), subject, text: 'Outbound' });
    // In parallel batches, except the oldest and the newest: alone, they are sure to end and head the list (and so to be among the rows drawn there).
    expect((await compose(subjects[0])).status).toBe(201);
    for (let i = 1; i < subjects.length - 1; i += 20) await Promise.all(subjects.slice(i, Math.min(i + 20, subjects.length - 1)).map(compose));
    expect((await compose(subjects[subjects.length - 1])).status).toBe(201);
    const page = await signIn();
    await page.getByRole('button', { name: 'More', exact: true }).click();
    await page.locator('[data-view="sent"]').click();
    await page.getByRole('button', { name: /Long list 159/ }).waitFor();
    const rows = page.locator('.list li.row');
    expect(await rows.count()).toBeLessThan(40);
    // Scroll to the end: the next page loads and the oldest row appears, still with few rows in the DOM.
    const scroller = page.getByTestId('conversation-scroller');
    await waitFor('the oldest row after scrolling', async () => {
      await scroller.evaluate((element) => element.scrollTo(0, element.scrollHeight));
      return (await page.getByRole('button', { name: /Long list 000/ }).count()) === 1;
    }, 15_000, 200);
    expect(await rows.count()).toBeLessThan(40);
    const total = await scroller.evaluate((element) => element.scrollHeight);
    expect(total).toBeGreaterThanOrEqual(160 * 90);
    expect(page.errors).toEqual([]);
  });
});
