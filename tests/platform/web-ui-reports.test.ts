// Reports, the wallboard and an NPS survey in Chromium. An admin opens Reports from the inbox:
// the headline figures and the table equal what the history gives, the charts draw, another
// grouping names its agents, and the CSV downloads. The wallboard shows the inbox's open and
// unassigned counts and follows a new conversation live. An agent sees their own figures and no
// wallboard. A customer answers an NPS survey on its 0–10 scale. Screenshots go to test-artifacts/.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Browser } from 'playwright-core';
import { uniqueEmail } from '../support/api-client';
import { launchBrowser, signInPage } from '../support/browser';
import { addAgent, deliver, startInboxFixture, viewCounts, waitForInView, type InboxFixture } from '../support/inbox-fixture';
import { expectedSummary, removeHistory, writeHistory, type Fact } from '../support/report-history';
import { databaseUrl, waitFor } from '@inbox/testkit';

const SCREENSHOTS = path.resolve(__dirname, '../../test-artifacts/screenshots');
const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);

describe('reports and the wallboard in Chromium', () => {
  let f: InboxFixture;
  let browser: Browser;
  let db: pg.Client;
  let facts: Fact[];
  let agent: Awaited<ReturnType<typeof addAgent>>;
  let ownerEmail: string;

  beforeAll(async () => {
    f = await startInboxFixture({}, ['routing']);
    browser = await launchBrowser();
    db = new pg.Client({ connectionString: databaseUrl('inbox_test_conversation') });
    await db.connect();
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    ownerEmail = (await f.owner.get('/api/v1/me')).body.email;
    agent = await addAgent(f);
    const contactId = `ctc_ui_${Date.now()}`;
    await db.query(`INSERT INTO contacts (id, account_id, name, email) VALUES ($1, $2, 'Generated', $3)`, [contactId, f.accountId, uniqueEmail('generated')]);
    const team = (await f.owner.post('/api/v1/teams', { name: 'Tier 1', userIds: [agent.id] })).body;
    // Recent history, so the page's default range (the last 30 days) holds it.
    facts = await writeHistory(db, {
      accountId: f.accountId,
      contactId,
      inboxIds: [f.inboxId],
      teamIds: [team.id],
      agentIds: [agent.id, f.ownerId],
      from: day(27),
      to: day(3),
      timeZone: 'UTC',
      conversations: 80,
      seed: 7,
    });
  });

  afterAll(async () => {
    if (f) await removeHistory(db, f.accountId);
    await db?.end();
    await browser?.close();
    await f?.stop();
  });

  it('shows the figures, charts and table of the range, by agent too, and downloads them as CSV', async () => {
    const page = await signInPage(browser, f.stack.gatewayUrl, ownerEmail, 'correct horse battery', { width: 1400, height: 1000 });
    await page.getByRole('link', { name: 'Reports' }).click();
    const reports = page.getByRole('region', { name: 'Reports' });
    const want = expectedSummary(facts, { from: day(29), to: day(0), groupBy: 'day' }, 'UTC').totals;
    await reports.getByRole('group', { name: 'New conversations' }).getByText(String(want.newConversations), { exact: true }).waitFor();
    await reports.getByRole('group', { name: 'Closed' }).getByText(String(want.closed), { exact: true }).waitFor();
    await reports.getByRole('group', { name: 'Replies' }).getByText(String(want.replies), { exact: true }).waitFor();
    expect(await reports.locator('figure[aria-label="Volume"] .recharts-bar-rectangle').count()).toBeGreaterThan(0);
    expect(await reports.locator('figure[aria-label="Busiest hours"] .recharts-bar-rectangle').count()).toBeGreaterThan(0);
    const total = reports.locator('tr.total');
    expect(await total.locator('td').first().textContent()).toBe(String(want.newConversations));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'reports-by-day.png'), fullPage: true });

    await reports.getByLabel('Group by').selectOption('agent');
    await reports.getByRole('rowheader', { name: /^agent / }).waitFor();
    await reports.getByRole('rowheader', { name: 'Unassigned' }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'reports-by-agent.png'), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), reports.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toBe(`report-${day(29)}-${day(0)}-by-agent.csv`);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toMatch(/^group,new_conversations,reopened,closed,/);
    expect(csv).toContain(`"Total",${want.newConversations},`);
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('keeps the wallboard live: a new conversation shows without a reload', async () => {
    const page = await signInPage(browser, f.stack.gatewayUrl, ownerEmail, 'correct horse battery', { width: 1400, height: 900 });
    await page.getByRole('link', { name: 'Wallboard' }).click();
    const board = page.getByRole('region', { name: 'Wallboard' });
    const row = board.locator(`tr[data-row="${f.inboxId}"]`);
    const counts = await viewCounts(f.owner, f.inboxId);
    await waitFor('the board', async () => ((await row.locator('[data-cell="open"]').textContent()) === String(counts.open) ? true : undefined));
    expect(await row.locator('[data-cell="unassigned"]').textContent()).toBe(String(counts.unassigned));

    await deliver(f, { from: uniqueEmail('wall'), to: f.address, subject: 'Live on the wall', text: 'Hello' });
    await waitForInView(f.owner, f.inboxId, 'open', (c) => c.subject === 'Live on the wall');
    await waitFor('the live board', async () => ((await row.locator('[data-cell="open"]').textContent()) === String(counts.open + 1) ? true : undefined), 15_000);
    expect(await row.locator('[data-cell="unassigned"]').textContent()).toBe(String(counts.unassigned + 1));
    expect(await row.locator('[data-cell="wait"]').textContent()).not.toBe('—');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'wallboard.png'), fullPage: true });
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it("shows an agent their own figures and no wallboard", async () => {
    const page = await signInPage(browser, f.stack.gatewayUrl, agent.email, 'agent password');
    expect(await page.getByRole('link', { name: 'Wallboard' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Reports' }).click();
    const reports = page.getByRole('region', { name: 'Reports' });
    await reports.getByText('Your own figures').waitFor();
    const mine = expectedSummary(facts, { from: day(29), to: day(0), groupBy: 'day', agentId: agent.id }, 'UTC').totals;
    await reports.getByRole('group', { name: 'Replies' }).getByText(String(mine.replies), { exact: true }).waitFor();
    await page.goto(`${f.stack.gatewayUrl}/wallboard`);
    await page.getByRole('alert').getByText('The wallboard is for admins.').waitFor();
    await page.close();
  });

  it("sets the account's time zone and an inbox's survey question in Settings", async () => {
    const page = await signInPage(browser, f.stack.gatewayUrl, ownerEmail, 'correct horse battery');
    await page.getByRole('button', { name: 'Settings' }).click();
    const settings = page.getByRole('region', { name: 'Settings' });
    await settings.getByRole('button', { name: 'Account' }).click();
    const account = settings.getByRole('form', { name: 'Account' });
    await account.getByLabel('Time zone (reports count days in it)').selectOption('Europe/Oslo');
    await account.getByRole('button', { name: 'Save account' }).click();
    await settings.getByRole('status').getByText('Account saved').waitFor();
    expect((await f.owner.get('/api/v1/account')).body.timeZone).toBe('Europe/Oslo');

    await settings.getByRole('button', { name: 'Surveys' }).click();
    const surveys = settings.getByRole('form', { name: 'Surveys' });
    await surveys.getByLabel('Question').selectOption('nps');
    await surveys.getByLabel('Send it when a conversation is closed').check();
    await surveys.getByLabel('At most one survey per contact in (days)').fill('14');
    await surveys.getByRole('button', { name: 'Save survey' }).click();
    await settings.getByRole('status').getByText('Survey of “Support” saved').waitFor();
    const inbox = (await f.owner.get('/api/v1/inboxes')).body.items.find((i: any) => i.id === f.inboxId);
    expect(inbox.survey).toEqual({ onClose: true, everyDays: 14, question: 'nps' });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'settings-surveys.png') });
    // Back to how the other tests expect it.
    await f.owner.put(`/api/v1/inboxes/${f.inboxId}/survey`, { onClose: false, question: 'csat' });
    await f.owner.patch('/api/v1/account', { timeZone: 'UTC' });
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('lets a customer answer an NPS survey on its 0–10 scale', async () => {
    const customer = uniqueEmail('nps');
    await deliver(f, { from: customer, to: f.address, subject: 'Score us', text: 'Hi' });
    const conversation = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.subject === 'Score us');
    expect((await f.owner.post(`/api/v1/conversations/${conversation.id}/survey`, { question: 'nps' })).status).toBe(201);
    const mail = await waitFor('the survey', async () => f.sink.messages.find((m) => m.envelope.to.includes(customer) && /\/feedback\//.test(String(m.parsed.text))));
    const token = /\/feedback\/([\w-]{43})/.exec(String(mail.parsed.text))![1];
    const page = await browser.newPage();
    await page.goto(`${f.stack.gatewayUrl}/feedback/${token}`);
    await page.getByRole('heading', { name: 'How likely are you to recommend Support to a friend or colleague?' }).waitFor();
    const scores = page.getByRole('group', { name: 'Your score' }).getByRole('button');
    expect(await scores.allTextContents()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    await page.getByRole('button', { name: '9', exact: true }).click();
    await page.getByRole('status').getByText('Thank you!').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'nps-survey.png') });
    expect((await f.anonymous.get(`/api/v1/feedback/${token}`)).body).toMatchObject({ question: 'nps', score: 9 });
    await page.close();
  });
});
