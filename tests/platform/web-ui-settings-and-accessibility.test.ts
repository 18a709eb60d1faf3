// The admin settings in Chromium (an inbox, a member, every kind of channel with how to connect
// it, routing and working hours), and the finish of the main screens: an axe-core audit with no
// serious violations, and screenshots at 1280×800 and 1920×1080 with nothing overflowing or clipped.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { uniqueEmail } from '../support/api-client';
import { launchBrowser, signInPage } from '../support/browser';
import { deliver, startInboxFixture, waitForInView, type InboxFixture } from '../support/inbox-fixture';
import { waitFor } from '@inbox/testkit';
import { seriousViolations } from '../support/axe';

const SCREENSHOTS = path.resolve(__dirname, '../../test-artifacts/screenshots');
/** Whatever spills out of the window or out of a control whose text should fit. */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > window.innerWidth) found.push(`the page is ${root.scrollWidth}px wide in a ${window.innerWidth}px window`);
    const describe = (el: Element) => `${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(' ').join('.')}` : ''} “${(el.textContent ?? '').trim().slice(0, 40)}”`;
    for (const el of document.querySelectorAll('.panes, .settings-body, .topbar, .thread-head, .list-tools, .composer')) {
      if (el.scrollWidth > el.clientWidth + 1) found.push(`${describe(el)} overflows sideways`);
    }
    // Text that must be read whole: buttons, labels, headings and view names (list rows ellipsise on purpose).
    for (const el of document.querySelectorAll('button, label, h1, h2, th, .view span')) {
      const box = el as HTMLElement;
      if (box.offsetParent === null || box.closest('.row')) continue;
      if (box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 2) found.push(`${describe(el)} is clipped`);
    }
    return found;
  });
}

describe('the web inbox settings and finish in Chromium', () => {
  let f: InboxFixture;
  let browser: Browser;
  let ownerEmail: string;

  beforeAll(async () => {
    f = await startInboxFixture({}, ['routing', 'search', 'notification']);
    ownerEmail = (await f.owner.get('/api/v1/me')).body.email;
    browser = await launchBrowser();
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await f.stop();
  });

  it('sets up an inbox from Settings: a member, every kind of channel with how to connect it, routing and working hours', async () => {
    const page = await signInPage(browser, f.stack.gatewayUrl, ownerEmail, 'correct horse battery');
    await page.getByRole('button', { name: 'Settings' }).click();
    const settings = page.getByRole('region', { name: 'Settings' });
    const inboxName = `Sales ${Date.now()}`;
    await settings.getByLabel('New inbox name').fill(inboxName);
    await settings.getByRole('button', { name: 'Create inbox' }).click();
    await settings.getByRole('cell', { name: inboxName, exact: true }).waitFor();
    const inbox = (await f.owner.get('/api/v1/inboxes')).body.items.find((i: { name: string }) => i.name === inboxName);

    await settings.getByRole('button', { name: 'Members' }).click();
    await settings.getByLabel('Inbox').selectOption(inbox.id);
    const memberEmail = uniqueEmail('member');
    const form = settings.getByRole('form', { name: 'New member' });
    await form.getByLabel('Name').fill('Mona Member');
    await form.getByLabel('Email').fill(memberEmail);
    await form.getByLabel('Initial password').fill('member password');
    await form.getByLabel('Role').selectOption('agent');
    await form.getByRole('button', { name: 'Add member' }).click();
    await settings.getByRole('button', { name: 'Add Mona Member to inbox' }).click();
    await settings.getByRole('row', { name: /Mona Member/ }).getByRole('button', { name: 'Remove Mona Member from inbox' }).waitFor();
    const member = (await f.owner.get('/api/v1/users')).body.items.find((u: { email: string }) => u.email === memberEmail);
    expect((await f.owner.get('/api/v1/inboxes')).body.items.find((i: { id: string }) => i.id === inbox.id).memberIds).toEqual([member.id]);

    // A bad request shows the API's own message and creates nothing.
    await form.getByLabel('Name').fill('Twice');
    await form.getByLabel('Email').fill(memberEmail);
    await form.getByLabel('Initial password').fill('member password');
    await form.getByRole('button', { name: 'Add member' }).click();
    await settings.getByRole('alert').waitFor();
    expect((await f.owner.get('/api/v1/users')).body.items.filter((u: { email: string }) => u.email === memberEmail)).toHaveLength(1);

    await settings.getByRole('button', { name: 'Channels' }).click();
    await settings.getByLabel('Inbox').selectOption(inbox.id);
    const connect = async (kind: string, name: string, fields: Record<string, string> = {}) => {
      const channelForm = settings.getByRole('form', { name: 'New channel' });
      await channelForm.getByLabel('Kind').selectOption(kind);
      await channelForm.getByLabel('Channel name').fill(name);
      for (const [label, value] of Object.entries(fields)) await channelForm.getByLabel(label).fill(value);
      await channelForm.getByRole('button', { name: 'Connect channel' }).click();
      await settings.getByRole('status').getByText(`${kind} channel “${name}” connected`).waitFor();
    };
    await connect('email', 'Sales mail');
    await connect('chat', 'Website chat');
    await connect('form', 'Contact form', { 'Fields (comma separated; * marks required)': 'email*, message' });
    await connect('messenger', 'Facebook page', { 'Facebook page id': `${Date.now()}`, 'App secret': 'a-very-secret-app-secret' });
    await connect('phone', 'Hotline', { 'Phone number (E.164)': `+4791${String(Date.now()).slice(-6)}`, 'Provider auth token': 'provider-auth-token' });
    const channels = (await f.owner.get(`/api/v1/inboxes/${inbox.id}/channels`)).body.items;
    expect(channels.map((c: { type: string }) => c.type).sort()).toEqual(['chat', 'email', 'form', 'messenger', 'phone']);
    const byType = Object.fromEntries(channels.map((c: { type: string }) => [c.type, c]));
    await settings.getByText(byType.email.address).waitFor();
    await settings.getByText(`${f.stack.ingestUrl}/ingest/v1/chat/widget.js`, { exact: false }).waitFor();
    await settings.getByText(`data-widget-id="${byType.chat.widgetId}"`, { exact: false }).waitFor();
    await settings.getByText(`${f.stack.ingestUrl}/ingest/v1/forms/${byType.form.formId}`).waitFor();
    await settings.getByText(byType.messenger.verifyToken).waitFor();
    await settings.getByText(`${f.stack.ingestUrl}/ingest/v1/calls/${byType.phone.id}/events`).waitFor();
    expect(byType.form.fields).toEqual([
      { name: 'email', required: true },
      { name: 'message', required: false },
    ]);

    await settings.getByRole('button', { name: 'Routing' }).click();
    await settings.getByLabel('Inbox').selectOption(inbox.id);
    await settings.getByLabel('Available agents in turn (round robin)').check();
    await settings.getByLabel('Mona Member').check();
    await settings.getByLabel('Capacity per agent, email').fill('3');
    await settings.getByRole('button', { name: 'Save routing' }).click();
    await settings.getByRole('status').getByText('Routing saved').waitFor();
    expect((await f.owner.get(`/api/v1/inboxes/${inbox.id}/routing`)).body).toMatchObject({ mode: 'round_robin', userIds: [member.id], capacity: { email: 3, chat: null } });

    await settings.getByRole('button', { name: 'Working hours' }).click();
    await settings.getByLabel('Person').selectOption(member.id);
    await settings.getByLabel('Time zone').fill('Europe/Oslo');
    await settings.getByRole('button', { name: 'Add period' }).click();
    const period = settings.getByRole('group', { name: 'Period 1' });
    await period.getByLabel('Day').selectOption('2');
    await period.getByLabel('From').fill('08:30');
    await period.getByLabel('To').fill('16:00');
    await settings.getByRole('button', { name: 'Save working hours' }).click();
    await settings.getByRole('status').getByText('Working hours saved').waitFor();
    expect((await f.owner.get(`/api/v1/users/${member.id}/working-hours`)).body).toEqual({ timeZone: 'Europe/Oslo', periods: [{ day: 2, start: '08:30', end: '16:00' }] });

    await settings.getByRole('button', { name: 'Snippets and templates' }).click();
    const library = settings.getByRole('form', { name: 'New snippet' });
    await library.getByLabel('Kind').selectOption('article');
    await library.getByLabel('Name').fill('Shipping times');
    await library.getByLabel('Article URL').fill('https://help.example.com/shipping');
    await library.getByRole('button', { name: 'Add to library' }).click();
    await settings.getByRole('status').getByText('Knowledge-base link “Shipping times” saved').waitFor();
    await settings.getByRole('button', { name: 'Edit Shipping times' }).click();
    const editing = settings.getByRole('form', { name: 'Edit snippet' });
    await editing.getByLabel('Name').fill('Delivery times');
    await editing.getByRole('button', { name: 'Save changes' }).click();
    await settings.getByRole('cell', { name: 'Delivery times', exact: true }).waitFor();
    expect((await f.owner.get('/api/v1/snippets')).body.items).toEqual([expect.objectContaining({ kind: 'article', name: 'Delivery times', body: 'https://help.example.com/shipping' })]);

    await settings.getByRole('button', { name: 'Members' }).click();
    await settings.getByRole('button', { name: 'Deactivate Mona Member' }).click();
    await settings.getByRole('button', { name: 'Reactivate Mona Member' }).waitFor();
    expect((await f.owner.get('/api/v1/users')).body.items.find((u: { id: string }) => u.id === member.id).deactivated).toBe(true);

    await settings.getByRole('button', { name: 'Back to inbox' }).click();
    await page.getByRole('navigation', { name: 'Views' }).waitFor();
    expect(page.errors).toEqual([]);
  });

  it('runs teams, contact properties, inbox and channel renames and deletions and member removal from Settings, and files a conversation under a team', async () => {
    const agentEmail = uniqueEmail('teammate');
    const agent = (await f.owner.post('/api/v1/users', { name: 'Tove Teammate', email: agentEmail, password: 'agent password', role: 'agent' })).body;
    await f.owner.post(`/api/v1/inboxes/${f.inboxId}/members`, { userId: agent.id });
    const page = await signInPage(browser, f.stack.gatewayUrl, ownerEmail, 'correct horse battery');
    await page.getByRole('button', { name: 'Settings' }).click();
    const settings = page.getByRole('region', { name: 'Settings' });

    await settings.getByRole('button', { name: 'Teams', exact: true }).click();
    const teamName = `Returns ${Date.now().toString(36)}`;
    const newTeam = settings.getByRole('form', { name: 'New team' });
    await newTeam.getByLabel('New team name').fill(teamName);
    await newTeam.getByLabel('Tove Teammate').check();
    await newTeam.getByRole('button', { name: 'Create team' }).click();
    await settings.getByRole('cell', { name: teamName, exact: true }).waitFor();
    const team = (await f.owner.get('/api/v1/teams')).body.items.find((t: { name: string }) => t.name === teamName);
    expect(team.userIds).toEqual([agent.id]);

    await settings.getByRole('button', { name: 'Contact properties' }).click();
    const property = settings.getByRole('form', { name: 'New contact property' });
    await property.getByLabel('Key').fill('tier');
    await property.getByLabel('Label').fill('Tier');
    await property.getByLabel('Type').selectOption('choice');
    await property.getByLabel('Options (comma separated)').fill('Gold, Silver');
    await property.getByRole('button', { name: 'Save property' }).click();
    await settings.getByRole('cell', { name: 'choice: Gold, Silver' }).waitFor();

    await settings.getByRole('button', { name: 'Inboxes' }).click();
    const doomed = `Doomed ${Date.now().toString(36)}`;
    const doomedId = (await f.owner.post('/api/v1/inboxes', { name: doomed })).body.id as string;
    const address = (await f.owner.post(`/api/v1/inboxes/${doomedId}/channels`, { type: 'email', name: doomed })).body.address as string;
    await deliver(f, { from: uniqueEmail('doomed'), to: address, envelopeTo: [address], subject: 'Survives the inbox', text: 'x' });
    await waitForInView(f.owner, doomedId, 'open', (c) => c.subject === 'Survives the inbox');
    await page.getByRole('button', { name: 'Back to inbox' }).click();
    await page.getByRole('button', { name: 'Settings' }).click();
    await settings.getByRole('button', { name: `Rename ${doomed}` }).click();
    await settings.getByLabel(`New name for ${doomed}`).fill(`${doomed} renamed`);
    await settings.getByRole('button', { name: 'Save name' }).click();
    await settings.getByRole('cell', { name: `${doomed} renamed`, exact: true }).waitFor();
    await settings.getByRole('button', { name: `Delete ${doomed} renamed` }).click();
    const deletion = settings.getByRole('form', { name: 'Delete inbox' });
    await deletion.getByRole('button', { name: `Delete ${doomed} renamed` }).click();
    await settings.getByRole('alert').getByText(/has 1 conversations/).waitFor();
    const inboxName = (await f.owner.get('/api/v1/inboxes')).body.items.find((i: { id: string }) => i.id === f.inboxId).name as string;
    await deletion.getByLabel('Move its conversations to').selectOption({ label: inboxName });
    await deletion.getByRole('button', { name: `Delete ${doomed} renamed` }).click();
    await settings.getByRole('cell', { name: `${doomed} renamed`, exact: true }).waitFor({ state: 'detached' });
    const moved = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.subject === 'Survives the inbox');

    await settings.getByRole('button', { name: 'Channels' }).click();
    const spare = `Spare ${Date.now().toString(36)}`;
    await f.owner.post(`/api/v1/inboxes/${f.inboxId}/channels`, { type: 'chat', name: spare });
    await settings.getByRole('button', { name: 'Inboxes' }).click();
    await settings.getByRole('button', { name: 'Channels' }).click();
    await settings.getByLabel('Inbox').selectOption({ label: inboxName });
    await settings.getByRole('button', { name: `Rename ${spare}` }).click();
    await settings.getByRole('form', { name: `Rename ${spare}` }).getByLabel('New name').fill(`${spare} chat`);
    await settings.getByRole('button', { name: 'Save name' }).click();
    await settings.getByRole('button', { name: `Delete ${spare} chat` }).click();
    await settings.getByRole('alertdialog', { name: `Delete ${spare} chat?` }).getByRole('button', { name: 'Delete channel' }).click();
    await settings.getByRole('status').getByText(`Channel “${spare} chat” deleted`).waitFor();
    expect((await f.owner.get(`/api/v1/inboxes/${f.inboxId}/channels`)).body.items.some((c: { name: string }) => c.name.startsWith(spare))).toBe(false);

    // Type-specific settings change in place: a phone line rings everyone at once, mail gets a signature.
    const line = `Line ${Date.now().toString(36)}`;
    const phone = (await f.owner.post(`/api/v1/inboxes/${f.inboxId}/channels`, { type: 'phone', name: line, phoneNumber: `+4723${Date.now() % 1_000_000}`.padEnd(11, '0'), authToken: 'auth-token-for-line' })).body;
    const mail = (await f.owner.get(`/api/v1/inboxes/${f.inboxId}/channels`)).body.items.find((c: { type: string }) => c.type === 'email');
    await settings.getByRole('button', { name: 'Inboxes' }).click();
    await settings.getByRole('button', { name: 'Channels' }).click();
    await settings.getByLabel('Inbox').selectOption({ label: inboxName });
    await settings.getByRole('button', { name: `Settings of ${line}` }).click();
    const lineForm = settings.getByRole('form', { name: `Settings of ${line}` });
    await lineForm.getByLabel('Ring the available agents').selectOption('simultaneous');
    await lineForm.getByLabel('Seconds each ring lasts').fill('30');
    await lineForm.getByRole('button', { name: 'Save settings' }).click();
    await settings.getByRole('status').getByText(`Settings of “${line}” saved`).waitFor();
    const savedLine = (await f.owner.get(`/api/v1/inboxes/${f.inboxId}/channels`)).body.items.find((c: { id: string }) => c.id === phone.id);
    expect(savedLine).toMatchObject({ ringStrategy: 'simultaneous', ringSeconds: 30 });
    await settings.getByRole('button', { name: `Settings of ${mail.name}` }).click();
    await settings.getByRole('form', { name: `Settings of ${mail.name}` }).getByLabel(/Signature under replies/).fill('Kind regards,\n{agent}');
    await settings.getByRole('form', { name: `Settings of ${mail.name}` }).getByRole('button', { name: 'Save settings' }).click();
    await waitFor('the signature saved', async () => (await f.owner.get(`/api/v1/inboxes/${f.inboxId}/channels`)).body.items.find((c: { id: string }) => c.id === mail.id).signature === 'Kind regards,\n{agent}');
    await f.owner.patch(`/api/v1/channels/${mail.id}`, { signature: '' });

    await settings.getByRole('button', { name: 'Members' }).click();
    // An admin edits a member's phone number and turns their email digests on.
    await settings.getByRole('button', { name: 'Edit Tove Teammate' }).click();
    const editor = settings.getByRole('form', { name: 'Edit Tove Teammate' });
    await editor.getByLabel('Phone for calls').fill('+4792345678');
    await editor.getByLabel('Email digests of unread notifications').check();
    await editor.getByRole('button', { name: 'Save Tove Teammate' }).click();
    await settings.getByRole('status').getByText('Tove Teammate saved').waitFor();
    expect((await f.owner.get('/api/v1/users')).body.items.find((u: { id: string }) => u.id === agent.id).phoneNumber).toBe('+4792345678');
    expect((await f.owner.get(`/api/v1/users/${agent.id}/notification-preferences`)).body.email).toBe(true);
    await settings.getByRole('button', { name: 'Remove Tove Teammate from inbox' }).click();
    await settings.getByRole('status').getByText('Tove Teammate removed from').waitFor();
    expect((await f.owner.get('/api/v1/inboxes')).body.items.find((i: { id: string }) => i.id === f.inboxId).memberIds).not.toContain(agent.id);

    await page.getByRole('button', { name: 'Back to inbox' }).click();
    await page.goto(`${f.stack.gatewayUrl}/conversations/${moved.id}`);
    await page.getByLabel('Team').selectOption({ label: teamName });
    await waitFor('the conversation in the team', async () => (await f.owner.get(`/api/v1/conversations/${moved.id}`)).body.teamId === team.id);
    expect(page.errors).toEqual([]);
  });

  it('hides Settings from agents, who still rename themselves and set the number calls ring from their profile', async () => {
    const email = uniqueEmail('plain-agent');
    await f.owner.post('/api/v1/users', { name: 'Plain Agent', email, password: 'agent password', role: 'agent' });
    const page = await signInPage(browser, f.stack.gatewayUrl, email, 'agent password');
    await page.getByRole('navigation', { name: 'Views' }).waitFor();
    expect(await page.getByRole('button', { name: 'Settings' }).count()).toBe(0);
    // An agent still renames themselves from their profile.
    await page.getByRole('button', { name: 'Profile', exact: true }).click();
    await page.getByRole('dialog', { name: 'Your profile' }).getByLabel('Your name').fill('Plainly Renamed');
    await page.getByRole('dialog', { name: 'Your profile' }).getByLabel('Phone number for calls').fill('+4791234567');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByTestId('current-user').getByText('Plainly Renamed').waitFor();
    expect((await f.owner.get('/api/v1/users')).body.items.find((u: { email: string }) => u.email === email)).toMatchObject({ name: 'Plainly Renamed', phoneNumber: '+4791234567' });
    expect((await f.owner.withToken((await f.anonymous.post('/api/v1/auth/login', { email, password: 'agent password' })).body.token).post('/api/v1/inboxes', { name: 'Nope' })).status).toBe(403);
  });

  it('follows the system into dark mode, switches from the top bar, keeps the choice over a reload, and passes axe in the dark', async () => {
    const customer = uniqueEmail('dark');
    await deliver(f, { from: `Nattugle Mørk <${customer}>`, to: f.address, subject: 'Reading at night', text: 'Is there a dark mode?' });
    const conversation = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === customer);
    await f.owner.post(`/api/v1/conversations/${conversation.id}/comments`, { text: 'Yes, in the top bar.' });
    const background = (page: Page, selector: string) =>
      page.locator(selector).first().evaluate((el) => {
        const [r, g, b] = getComputedStyle(el).backgroundColor.match(/\d+/g)!.map(Number);
        return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
      });
    const scheme = (page: Page) => page.evaluate(() => document.documentElement.getAttribute('data-mantine-color-scheme'));

    // A system that prefers dark gets the dark scheme before anyone chooses.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
    const system = await context.newPage();
    await system.goto(`${f.stack.gatewayUrl}/`);
    await system.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    expect(await scheme(system)).toBe('dark');
    await context.close();

    const page = await signInPage(browser, f.stack.gatewayUrl, ownerEmail, 'correct horse battery', { width: 1280, height: 800 });
    expect(await scheme(page)).toBe('light');
    expect(await background(page, '.list')).toBeGreaterThan(0.9);
    await page.getByRole('button', { name: 'Use dark mode' }).click();
    expect(await scheme(page)).toBe('dark');
    expect(await background(page, '.list')).toBeLessThan(0.2);
    await page.reload();
    await page.getByTestId('current-user').waitFor();
    expect(await scheme(page)).toBe('dark');
    await page.goto(`${f.stack.gatewayUrl}/conversations/${conversation.id}`);
    await page.locator('.comment').getByText('Yes, in the top bar.').waitFor();
    expect(await background(page, '.message')).toBeLessThan(0.2);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inbox-dark-1280x800.png') });
    expect([...(await seriousViolations(page)), ...(await overflowing(page))]).toEqual([]);
    await page.getByRole('button', { name: 'Use light mode' }).click();
    expect(await scheme(page)).toBe('light');
    expect(page.errors).toEqual([]);
  });

  for (const viewport of [
    { width: 1024, height: 768 },
    { width: 1280, height: 800 },
    { width: 1920, height: 1080 },
  ]) {
    it(`passes axe and fits without overflow at ${viewport.width}×${viewport.height}`, async () => {
      const customer = uniqueEmail('finish');
      await deliver(f, {
        from: `Astrid Långnavn-Østby <${customer}>`,
        to: f.address,
        subject: `A fairly long subject line about a delivery that did not arrive on the promised day (${viewport.width})`,
        text: 'Hello, my parcel was promised for Monday but never arrived. Could you check where it is? Thanks!',
      });
      const conversation = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === customer);
      await f.owner.post(`/api/v1/conversations/${conversation.id}/comments`, { text: 'Checking with the carrier.' });
      const size = `${viewport.width}x${viewport.height}`;
      const problems: string[] = [];

      const login = await browser.newPage({ viewport });
      await login.goto(`${f.stack.gatewayUrl}/`);
      await login.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
      await login.screenshot({ path: path.join(SCREENSHOTS, `login-${size}.png`) });
      problems.push(...(await seriousViolations(login)).map((p) => `login: ${p}`), ...(await overflowing(login)).map((p) => `login: ${p}`));

      const page = await signInPage(browser, f.stack.gatewayUrl, ownerEmail, 'correct horse battery', viewport);
      await page.getByRole('button', { name: new RegExp(`promised day \\(${viewport.width}\\)`) }).click();
      await page.locator('.comment').getByText('Checking with the carrier.').waitFor();
      // The thread keeps room to read however narrow the screen (it had 295 px at 1024).
      const threadWidth = (await page.locator('.thread-pane').boundingBox())!.width;
      expect([size, threadWidth >= 480]).toEqual([size, true]);
      // Below 1280 px the contact panel starts closed and floats over the thread when opened.
      if (viewport.width < 1280) await page.getByRole('button', { name: 'Show contact' }).click();
      await page.getByRole('complementary', { name: 'Contact' }).getByText(customer).waitFor();
      await page.screenshot({ path: path.join(SCREENSHOTS, `inbox-${size}.png`) });
      problems.push(...(await seriousViolations(page)).map((p) => `inbox: ${p}`), ...(await overflowing(page)).map((p) => `inbox: ${p}`));

      await page.getByLabel('Search conversations').fill('parcel');
      await page.getByLabel('Search conversations').press('Enter');
      await page.getByRole('button', { name: 'Exit search' }).waitFor();
      await waitFor('search results', async () => (await page.locator('.list li.row').count()) > 0, 15_000, 200);
      await page.screenshot({ path: path.join(SCREENSHOTS, `search-${size}.png`) });
      problems.push(...(await seriousViolations(page)).map((p) => `search: ${p}`), ...(await overflowing(page)).map((p) => `search: ${p}`));

      await page.getByRole('button', { name: 'Settings' }).click();
      await page.getByRole('region', { name: 'Settings' }).getByRole('button', { name: 'Channels' }).click();
      await page.getByRole('form', { name: 'New channel' }).waitFor();
      await page.screenshot({ path: path.join(SCREENSHOTS, `settings-${size}.png`) });
      problems.push(...(await seriousViolations(page)).map((p) => `settings: ${p}`), ...(await overflowing(page)).map((p) => `settings: ${p}`));

      expect(problems).toEqual([]);
      expect(page.errors).toEqual([]);
    });
  }
});
