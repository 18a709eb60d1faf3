// Service levels in Chromium: an admin sets an inbox's targets in Settings, the list shows each
// conversation's due badge (plain, amber at 75%, red once breached), the "SLA at risk or
// breached" view lists it, and the bell says so. Time passing is simulated by moving the
// conversation's messages back in the database. Screenshots go to test-artifacts/.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Browser } from 'playwright-core';
import { uniqueEmail } from '../support/api-client';
import { launchBrowser, signInPage } from '../support/browser';
import { deliver, startInboxFixture, waitForInView, type InboxFixture } from '../support/inbox-fixture';
import { databaseUrl, waitFor } from '@inbox/testkit';

const SCREENSHOTS = path.resolve(__dirname, '../../test-artifacts/screenshots');

describe('service levels in Chromium', () => {
  let f: InboxFixture;
  let browser: Browser;
  let db: pg.Client;

  beforeAll(async () => {
    f = await startInboxFixture({}, ['notification'], { conversation: { CONVERSATION_SLA_BREACH_CHECK_MS: '200' } });
    browser = await launchBrowser();
    db = new pg.Client({ connectionString: databaseUrl('inbox_test_conversation') });
    await db.connect();
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await db?.end();
    await browser?.close();
    await f?.stop();
  });

  it('sets targets in Settings and shows due, at-risk and breached badges, the SLA view and the bell', async () => {
    const ownerEmail = (await f.owner.get('/api/v1/me')).body.email as string;
    const team = (await f.owner.post('/api/v1/teams', { name: 'Key accounts', userIds: [f.ownerId] })).body;
    const page = await signInPage(browser, f.stack.gatewayUrl, ownerEmail, 'correct horse battery');
    await page.getByRole('button', { name: 'Settings' }).click();
    const settings = page.getByRole('region', { name: 'Settings' });
    await settings.getByRole('button', { name: 'Service levels' }).click();
    const form = settings.getByRole('form', { name: 'Service levels' });
    await form.getByLabel('First response (minutes)').fill('60');
    await form.getByLabel('Resolution (minutes)').fill('600');
    await form.getByRole('button', { name: 'Save service levels' }).click();
    await settings.getByRole('status').getByText('Service levels of “Support” saved').waitFor();
    expect((await f.owner.get(`/api/v1/inboxes/${f.inboxId}/sla`)).body).toEqual({
      firstResponseMinutes: 60,
      nextResponseMinutes: null,
      resolutionMinutes: 600,
      businessHours: null,
      pauseWhileWaitingOnCustomer: false,
    });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'sla-settings.png') });
    // A team's own targets, for its conversations in every inbox.
    await settings.getByLabel('Applies to').selectOption({ label: 'Team “Key accounts” (in every inbox)' });
    await form.getByLabel('First response (minutes)').fill('15');
    await form.getByRole('button', { name: 'Save service levels' }).click();
    await settings.getByRole('status').getByText('Service levels of team “Key accounts” saved').waitFor();
    expect((await f.owner.get(`/api/v1/teams/${team.id}/sla`)).body.firstResponseMinutes).toBe(15);
    expect((await f.owner.get(`/api/v1/inboxes/${f.inboxId}/sla`)).body.firstResponseMinutes).toBe(60);
    await page.getByRole('button', { name: 'Back to inbox' }).click();

    const customers = [uniqueEmail('on-time'), uniqueEmail('at-risk'), uniqueEmail('late')];
    for (const customer of customers) await deliver(f, { from: customer, to: f.address, subject: `Help ${customer.slice(0, 8)}`, text: 'Please' });
    const [onTime, atRisk, late] = await Promise.all(customers.map((customer) => waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === customer && c.sla !== null)));
    // 50 and 70 minutes later for two of them; a policy save recomputes every open conversation.
    for (const [conversation, minutes] of [
      [atRisk, 50],
      [late, 70],
    ] as const) {
      await db.query('UPDATE messages SET created_at = created_at - make_interval(mins => $2) WHERE conversation_id = $1', [conversation.id, minutes]);
      await db.query('UPDATE conversations SET created_at = created_at - make_interval(mins => $2) WHERE id = $1', [conversation.id, minutes]);
    }
    await f.owner.put(`/api/v1/inboxes/${f.inboxId}/sla`, { firstResponseMinutes: 60, resolutionMinutes: 600 });

    await page.reload();
    const row = (id: string) => page.locator(`button[data-conversation="${id}"]`);
    await row(onTime.id).getByRole('img', { name: /^First reply due in (59m|1h)$/ }).and(page.locator('.pill.sla.ok')).waitFor();
    await row(atRisk.id).getByRole('img', { name: /^First reply due in (9|10)m$/ }).and(page.locator('.pill.sla.at-risk')).waitFor();
    await row(late.id).getByRole('img', { name: /^First reply overdue by (9|10|11)m$/ }).and(page.locator('.pill.sla.breached')).waitFor();
    expect(await row(late.id).locator('.pill.sla').innerText()).toMatch(/^Overdue (9|10|11)m$/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'sla-list.png') });

    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: /SLA at risk or breached/ }).click();
    await row(late.id).waitFor();
    await row(atRisk.id).waitFor();
    expect(await row(onTime.id).count()).toBe(0);

    await waitFor('the breach notification', async () =>
      (await f.owner.get('/api/v1/notifications')).body.items.some((n: { kind: string; conversationId: string }) => n.kind === 'sla_breached' && n.conversationId === late.id),
    );
    await page.getByRole('button', { name: /Notifications/ }).click();
    await page.getByText('A conversation missed its service level').first().waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'sla-bell.png') });
    expect(page.errors).toEqual([]);
  });
});
