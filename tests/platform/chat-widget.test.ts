// The embeddable chat widget in a real Chromium, on a "customer website" served from another
// origin: the visitor starts a chat with the pre-chat email, the message reaches the inbox, the
// agent's reply from the web inbox appears live (and the visitor's answer in the agent's thread), the conversation survives a reload, and outside business hours the
// widget takes a message with an email address instead. The widget API's own refusals too.
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { uniqueEmail } from '../support/api-client';
import { launchBrowser } from '../support/browser';
import { addAgent, startInboxFixture, waitForInView, type InboxFixture } from '../support/inbox-fixture';
import { waitFor } from '@inbox/testkit';
import { seriousViolations } from '../support/axe';

jest.setTimeout(120_000);

const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts');

describe('the chat widget on a customer website', () => {
  let f: InboxFixture;
  let browser: Browser;
  let site: http.Server;
  let siteUrl: string;
  let onlineWidget: string;
  let offlineWidget: string;

  beforeAll(async () => {
    f = await startInboxFixture();
    const online = await f.owner.post(`/api/v1/inboxes/${f.inboxId}/channels`, { type: 'chat', name: 'Help desk', preChatEmail: 'required' });
    expect(online.status).toBe(201);
    expect(online.body).toMatchObject({ preChatEmail: 'required', businessHours: null });
    onlineWidget = online.body.widgetId;
    // Open no hour of the week: always offline.
    const offline = await f.owner.post(`/api/v1/inboxes/${f.inboxId}/channels`, { type: 'chat', name: 'After hours', businessHours: { timeZone: 'Europe/Oslo', periods: [] } });
    expect(offline.status).toBe(201);
    offlineWidget = offline.body.widgetId;
    site = http.createServer((req, res) => {
      const widget = new URL(req.url ?? '/', 'http://site').searchParams.get('widget') ?? '';
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><html lang="en"><head><title>Shop</title></head><body><h1>Our shop</h1>
        <script src="${f.stack.ingestUrl}/ingest/v1/chat/widget.js" data-widget-id="${widget}" async></script></body></html>`);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => site?.close(() => resolve()) ?? resolve());
    await f?.stop();
  });

  async function openSite(page: Page, widget: string): Promise<void> {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${siteUrl}/?widget=${widget}`);
    await page.getByRole('button', { name: 'Chat with us' }).click();
    await page.getByRole('dialog', { name: 'Chat' }).waitFor();
    expect(errors).toEqual([]);
  }

  it('starts a chat, gets the agent’s reply live, and keeps the conversation across a reload', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await openSite(page, onlineWidget);
    await page.getByRole('heading', { name: 'Help desk' }).waitFor();
    const visitor = uniqueEmail('widget');
    await page.getByLabel('Message', { exact: true }).fill('Do you ship to Tromsø?');
    await page.getByRole('button', { name: 'Start chat' }).click();
    await page.getByRole('alert').getByText('email address').waitFor();
    await page.getByLabel('Email').fill(visitor);
    await page.getByLabel('Name').fill('Vera Visitor');
    await page.getByRole('button', { name: 'Start chat' }).click();
    const log = page.getByRole('log', { name: 'Conversation' });
    await log.getByText('Do you ship to Tromsø?').waitFor();

    const conversation = await waitForInView(f.owner, f.inboxId, 'chat', (c) => c.preview === 'Do you ship to Tromsø?');
    expect(conversation.contact).toMatchObject({ email: visitor, name: 'Vera Visitor' });
    // The agent answers from the inbox in another browser.
    const agent = await addAgent(f);
    await f.owner.post(`/api/v1/inboxes/${f.inboxId}/members`, { userId: agent.id });
    const inbox = await browser.newPage();
    await inbox.goto(`${f.stack.gatewayUrl}/conversations/${conversation.id}`);
    await inbox.getByLabel('Email').fill(agent.email);
    await inbox.getByLabel('Password').fill('agent password');
    await inbox.getByRole('button', { name: 'Sign in', exact: true }).click();
    await inbox.locator('.message.inbound').getByText('Do you ship to Tromsø?').waitFor();
    await inbox.getByRole('textbox', { name: 'Reply' }).fill('Yes, in two days.');
    await inbox.getByRole('button', { name: 'Send', exact: true }).click();
    await log.getByText('Yes, in two days.').waitFor({ timeout: 10_000 });
    // And the visitor's next words appear in the agent's thread live.
    await page.getByRole('textbox', { name: 'Write a message' }).fill('Perfect.');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await inbox.locator('.message.inbound').getByText('Perfect.').waitFor({ timeout: 10_000 });
    await inbox.close();

    await page.reload();
    await page.getByRole('button', { name: 'Chat with us' }).click();
    await log.getByText('Yes, in two days.').waitFor();
    expect(await log.getByText('Do you ship to Tromsø?').count()).toBe(1);
    expect(await log.getByText('Perfect.').count()).toBe(1);
    await page.getByRole('textbox', { name: 'Write a message' }).fill('Great, thanks!');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await log.getByText('Great, thanks!').waitFor();
    await waitFor('the follow-up in the same conversation', async () => {
      const detail = (await f.owner.get(`/api/v1/conversations/${conversation.id}`)).body;
      return detail.messages.map((m: { text: string }) => m.text).join('|') === 'Do you ship to Tromsø?|Yes, in two days.|Perfect.|Great, thanks!';
    });
    await context.close();
  });

  for (const viewport of [
    { width: 360, height: 640 },
    { width: 1280, height: 800 },
  ]) {
    it(`lets a visitor at ${viewport.width}×${viewport.height} read the whole conversation: greeting, reply, and after a reload`, async () => {
      const channel = (await f.owner.post(`/api/v1/inboxes/${f.inboxId}/channels`, { type: 'chat', name: 'Journey', preChatEmail: 'off' })).body;
      const flow = await f.owner.put(`/api/v1/channels/${channel.id}/chatflow`, { name: 'Greeter', steps: [{ id: 'hello', say: 'Hello! A person will be with you shortly.', handoff: true }] });
      expect(flow.status).toBe(200);
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      await openSite(page, channel.widgetId);
      // Typing into the message box before a chat exists loses nothing and throws nothing.
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.getByLabel('Message', { exact: true }).fill(`Journey at ${viewport.width}`);
      await page.getByRole('button', { name: 'Start chat' }).click();
      const log = page.getByRole('log', { name: 'Conversation' });
      await log.getByText('Hello! A person will be with you shortly.').waitFor();
      // The start form is gone and the conversation has the room.
      expect(await page.getByRole('button', { name: 'Start chat' }).isHidden()).toBe(true);
      expect(await page.getByLabel('Message', { exact: true }).isHidden()).toBe(true);
      const box = (await log.boundingBox())!;
      expect(box.height).toBeGreaterThan(Math.min(viewport.height - 300, 300));
      expect(box.width).toBeLessThanOrEqual(viewport.width);

      const conversation = await waitFor('the visitor’s conversation in the inbox', async () => {
        for (const item of (await f.owner.get(`/api/v1/inboxes/${f.inboxId}/conversations?view=chat&limit=100`)).body.items) {
          const detail = (await f.owner.get(`/api/v1/conversations/${item.id}`)).body;
          if (detail.messages.some((m: { text: string }) => m.text === `Journey at ${viewport.width}`)) return detail;
        }
        return undefined;
      });
      expect((await f.owner.post(`/api/v1/conversations/${conversation.id}/messages`, { text: `Agent here, ${viewport.width} wide.` })).status).toBe(201);
      await log.getByText(`Agent here, ${viewport.width} wide.`).waitFor({ timeout: 10_000 });
      for (const text of ['Hello! A person will be with you shortly.', `Journey at ${viewport.width}`, `Agent here, ${viewport.width} wide.`]) {
        const line = log.getByText(text);
        await line.scrollIntoViewIfNeeded();
        expect([text, await line.isVisible()]).toEqual([text, true]);
      }
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, `widget-${viewport.width}x${viewport.height}.png`) });

      await page.reload();
      await page.getByRole('button', { name: 'Chat with us' }).click();
      await log.getByText(`Agent here, ${viewport.width} wide.`).waitFor();
      expect(await log.getByText('Hello! A person will be with you shortly.').count()).toBe(1);
      expect(await page.getByRole('textbox', { name: 'Write a message' }).isVisible()).toBe(true);
      await page.screenshot({ path: path.join(ARTIFACTS, `widget-${viewport.width}x${viewport.height}-reloaded.png`) });
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  for (const viewport of [
    { width: 1024, height: 768 },
    { width: 1280, height: 800 },
    { width: 1920, height: 1080 },
  ]) {
    it(`passes axe at ${viewport.width}×${viewport.height}, before and during a chat, without scrolling sideways`, async () => {
      const channel = (await f.owner.post(`/api/v1/inboxes/${f.inboxId}/channels`, { type: 'chat', name: 'Audited', preChatEmail: 'optional' })).body;
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      await openSite(page, channel.widgetId);
      const problems = (await seriousViolations(page)).map((p) => `start: ${p}`);
      await page.getByLabel('Name').fill('Ada Audit');
      await page.getByLabel('Message', { exact: true }).fill(`Audit at ${viewport.width}`);
      await page.getByRole('button', { name: 'Start chat' }).click();
      const log = page.getByRole('log', { name: 'Conversation' });
      await log.getByText(`Audit at ${viewport.width}`).waitFor();
      const conversation = await waitFor('the audited chat in the inbox', async () => {
        for (const item of (await f.owner.get(`/api/v1/inboxes/${f.inboxId}/conversations?view=chat&limit=100`)).body.items) {
          if (item.preview === `Audit at ${viewport.width}`) return item;
        }
        return undefined;
      });
      await f.owner.post(`/api/v1/conversations/${conversation.id}/messages`, { text: 'An agent answers.' });
      await log.getByText('An agent answers.').waitFor({ timeout: 10_000 });
      problems.push(...(await seriousViolations(page)).map((p) => `chat: ${p}`));
      expect(problems).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await context.close();
    });
  }

  it('takes a message with an email address outside business hours', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await openSite(page, offlineWidget);
    await page.getByText('We are offline right now').waitFor();
    const visitor = uniqueEmail('offline');
    await page.getByLabel('Email').fill(visitor);
    await page.getByLabel('Message', { exact: true }).fill('Please call me tomorrow about my order.');
    await page.getByRole('button', { name: 'Send message' }).click();
    await page.getByRole('log', { name: 'Conversation' }).getByText('Please call me tomorrow about my order.').waitFor();
    const conversation = await waitForInView(f.owner, f.inboxId, 'chat', (c) => c.preview === 'Please call me tomorrow about my order.');
    expect(conversation.contact.email).toBe(visitor);
    await context.close();
  });

  it('shows a bot’s choices as buttons, and the visitor’s click answers it', async () => {
    const bot = (await f.owner.post(`/api/v1/inboxes/${f.inboxId}/channels`, { type: 'chat', name: 'Bot desk', preChatEmail: 'off' })).body;
    const flow = await f.owner.put(`/api/v1/channels/${bot.id}/chatflow`, {
      name: 'Helper',
      steps: [
        { id: 'start', say: 'What is it about?', options: [{ label: 'Returns', next: 'returns' }, { label: 'Other', next: 'handoff' }] },
        { id: 'returns', say: 'Returns are free within 30 days.', next: 'handoff' },
        { id: 'handoff', say: 'Passing you to the team.', handoff: true },
      ],
    });
    expect(flow.status).toBe(200);
    const context = await browser.newContext();
    const page = await context.newPage();
    await openSite(page, bot.widgetId);
    await page.getByLabel('Message', { exact: true }).fill('Hello');
    await page.getByRole('button', { name: 'Start chat' }).click();
    const log = page.getByRole('log', { name: 'Conversation' });
    await log.getByText('What is it about?').waitFor();
    await log.getByRole('button', { name: 'Returns' }).click();
    await log.getByText('Returns are free within 30 days.').waitFor();
    await log.getByText('Passing you to the team.').waitFor();
    expect(await log.getByRole('button', { name: 'Returns' }).count()).toBe(0);
    await context.close();
  });

  it('serves its API to any origin, and refuses what the widget must not do', async () => {
    const ingest = `${f.stack.ingestUrl}/ingest/v1`;
    const preflight = await fetch(`${ingest}/chat/${onlineWidget}/sessions`, { method: 'OPTIONS', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('x-visitor-token');
    const script = await fetch(`${ingest}/chat/widget.js`);
    expect(script.headers.get('content-type')).toContain('application/javascript');
    expect(script.headers.get('cross-origin-resource-policy')).toBe('cross-origin');

    const config = await (await fetch(`${ingest}/chat/${offlineWidget}/config`)).json();
    expect(config).toEqual({ widgetId: offlineWidget, name: 'After hours', online: false, preChatEmail: 'optional' });
    expect((await fetch(`${ingest}/chat/wgt_nope/config`)).status).toBe(404);
    const post = (widget: string, body: unknown) => fetch(`${ingest}/chat/${widget}/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const noEmail = await post(onlineWidget, { name: 'Anon' });
    expect(noEmail.status).toBe(422);
    expect(((await noEmail.json()) as { error: { code: string } }).error.code).toBe('email_required');
    expect((await post(offlineWidget, {})).status).toBe(422);
    const badHours = await f.owner.post(`/api/v1/inboxes/${f.inboxId}/channels`, { type: 'chat', name: 'Bad', businessHours: { timeZone: 'Mars/Olympus', periods: [] } });
    expect(badHours.status).toBe(400);
    expect(badHours.body.error.code).toBe('invalid_time_zone');
  });
});
