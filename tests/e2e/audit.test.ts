// The audit log end to end: every administrative and sensitive act writes exactly one entry,
// with who, what, when, from where and the before and after of what it changed; an act that is
// refused writes none; entries cannot be changed or deleted by any route nor by SQL; only super
// admins read them, only their own account's, page by page and as an export.
import { randomInt } from 'node:crypto';
import pg from 'pg';
import { ApiClient, signUp, uniqueEmail } from '../support/api-client';
import { addAgent, postEmail, startInboxFixture, waitForInView, type InboxFixture } from '../support/inbox-fixture';
import { buildEmail } from '../support/smtp';
import { launchBrowser, signInPage } from '../support/browser';
import { readFile } from 'node:fs/promises';
import { waitFor } from '@inbox/testkit';

jest.setTimeout(240_000);

const USER_AGENT = 'audit-test/1.0';

interface Entry {
  id: string;
  at: string;
  actorUserId: string | null;
  actorLabel: string;
  ip: string;
  userAgent: string;
  action: string;
  targetType: string;
  targetId: string;
  changes: Record<string, { before: unknown; after: unknown }>;
  detail: Record<string, unknown>;
}

describe('audit log', () => {
  let f: InboxFixture;
  let ownerEmail: string;
  /** The owner's client, sending a recognisable user agent. */
  let owner: ApiClient;
  const state: Record<string, string> = {};

  const send = (client: ApiClient, method: string, path: string, body?: unknown) => client.request(method, `/api/v1${path}`, body, { 'user-agent': USER_AGENT });

  const entries = async (query: string, client = f.owner): Promise<Entry[]> => {
    const response = await client.get(`/api/v1/audit?limit=200&${query}`);
    expect(response.status).toBe(200);
    return response.body.entries;
  };

  /** Runs the act and returns the one entry it wrote (failing when it wrote none or several). */
  const onlyEntryOf = async (action: string, act: () => Promise<{ status: number; body: any }>, okStatus: number[] = [200, 201, 204]): Promise<Entry> => {
    const before = new Set((await entries(`action=${action}`)).map((e) => e.id));
    const response = await act();
    if (!okStatus.includes(response.status)) throw new Error(`${action}: the act answered ${response.status} ${JSON.stringify(response.body)}`);
    const written = (await entries(`action=${action}`)).filter((e) => !before.has(e.id));
    expect(written.map((e) => e.action)).toEqual([action]);
    return written[0];
  };

  beforeAll(async () => {
    f = await startInboxFixture({}, ['routing', 'notification'], {
      notification: { OUTBOUND_ALLOW_HTTP: 'true', OUTBOUND_ALLOWED_TARGETS: '127.0.0.1:9' },
    });
    ownerEmail = (await f.owner.get('/api/v1/me')).body.email;
    owner = f.owner;
  });

  afterAll(async () => {
    await f?.stop();
  });

  describe('writes exactly one entry for each act', () => {
    it('auth.signed_in', async () => {
      const entry = await onlyEntryOf('auth.signed_in', () => send(f.anonymous, 'POST', '/auth/login', { email: ownerEmail, password: 'correct horse battery' }));
      expect(entry).toMatchObject({ actorUserId: f.ownerId, actorLabel: ownerEmail, targetType: 'user', targetId: f.ownerId, userAgent: USER_AGENT, detail: { method: 'password' } });
      expect(entry.ip).toMatch(/127\.0\.0\.1|::1/);
      expect(Date.now() - new Date(entry.at).getTime()).toBeLessThan(60_000);
    });

    it('auth.sign_in_failed', async () => {
      const entry = await onlyEntryOf('auth.sign_in_failed', () => send(f.anonymous, 'POST', '/auth/login', { email: ownerEmail, password: 'not the password' }), [401]);
      expect(entry).toMatchObject({ actorUserId: null, actorLabel: ownerEmail, targetId: f.ownerId, detail: { reason: 'wrong_password' } });
    });

    it('user.created', async () => {
      const email = uniqueEmail('audited');
      const entry = await onlyEntryOf('user.created', async () => {
        const response = await send(owner, 'POST', '/users', { name: 'Audited Agent', email, password: 'agent password', role: 'agent' });
        state.userId = response.body.id;
        return response;
      });
      expect(entry).toMatchObject({ actorUserId: f.ownerId, targetType: 'user', targetId: state.userId, changes: { role: { before: null, after: 'agent' }, email: { before: null, after: email } } });
      expect(JSON.stringify(entry)).not.toContain('agent password');
    });

    it('user.updated', async () => {
      const entry = await onlyEntryOf('user.updated', () => send(owner, 'PATCH', `/users/${state.userId}`, { name: 'Renamed Agent' }));
      expect(entry.changes).toEqual({ name: { before: 'Audited Agent', after: 'Renamed Agent' } });
    });

    it('user.role_changed', async () => {
      const entry = await onlyEntryOf('user.role_changed', () => send(owner, 'PATCH', `/users/${state.userId}`, { role: 'admin' }));
      expect(entry.changes).toEqual({ role: { before: 'agent', after: 'admin' } });
    });

    it('user.deactivated', async () => {
      const entry = await onlyEntryOf('user.deactivated', () => send(owner, 'PATCH', `/users/${state.userId}`, { deactivated: true }));
      expect(entry.changes).toEqual({ deactivated: { before: false, after: true } });
    });

    it('user.reactivated', async () => {
      const entry = await onlyEntryOf('user.reactivated', () => send(owner, 'PATCH', `/users/${state.userId}`, { deactivated: false }));
      expect(entry.changes).toEqual({ deactivated: { before: true, after: false } });
    });

    it('user.password_changed', async () => {
      const user = await addAgent(f, 'agent', { member: false });
      const entry = await onlyEntryOf('user.password_changed', () => send(user.client, 'PUT', '/me/password', { currentPassword: 'agent password', newPassword: 'a much better passphrase' }));
      expect(entry).toMatchObject({ actorUserId: user.id, targetId: user.id, changes: {} });
      expect(JSON.stringify(entry)).not.toContain('passphrase');
    });

    it('inbox.created', async () => {
      const entry = await onlyEntryOf('inbox.created', async () => {
        const response = await send(owner, 'POST', '/inboxes', { name: 'Audited inbox' });
        state.inboxId = response.body.id;
        return response;
      });
      expect(entry).toMatchObject({ targetType: 'inbox', targetId: state.inboxId, changes: { name: { before: null, after: 'Audited inbox' } } });
    });

    it('inbox.updated', async () => {
      const entry = await onlyEntryOf('inbox.updated', () => send(owner, 'PATCH', `/inboxes/${state.inboxId}`, { name: 'Audited inbox 2' }));
      expect(entry.changes).toEqual({ name: { before: 'Audited inbox', after: 'Audited inbox 2' } });
    });

    it('inbox.member_added', async () => {
      const entry = await onlyEntryOf('inbox.member_added', () => send(owner, 'POST', `/inboxes/${state.inboxId}/members`, { userId: state.userId }));
      expect(entry).toMatchObject({ targetId: state.inboxId, detail: { userId: state.userId } });
    });

    it('inbox.member_removed', async () => {
      const entry = await onlyEntryOf('inbox.member_removed', () => send(owner, 'DELETE', `/inboxes/${state.inboxId}/members/${state.userId}`));
      expect(entry).toMatchObject({ targetId: state.inboxId, detail: { userId: state.userId } });
    });

    it('team.created', async () => {
      const entry = await onlyEntryOf('team.created', async () => {
        const response = await send(owner, 'POST', '/teams', { name: 'Audited team', userIds: [f.ownerId] });
        state.teamId = response.body.id;
        return response;
      });
      expect(entry).toMatchObject({ targetType: 'team', targetId: state.teamId, changes: { name: { before: null, after: 'Audited team' }, userIds: { before: null, after: [f.ownerId] } } });
    });

    it('team.updated (membership)', async () => {
      const entry = await onlyEntryOf('team.updated', () => send(owner, 'PATCH', `/teams/${state.teamId}`, { userIds: [f.ownerId, state.userId] }));
      expect(entry.changes).toEqual({ userIds: { before: [f.ownerId], after: [f.ownerId, state.userId] } });
    });

    it('sla.policy_set', async () => {
      const entry = await onlyEntryOf('sla.policy_set', () => send(owner, 'PUT', `/inboxes/${state.inboxId}/sla`, { firstResponseMinutes: 30 }));
      expect(entry).toMatchObject({ targetType: 'inbox', targetId: state.inboxId, changes: { firstResponseMinutes: { before: null, after: 30 } } });
    });

    it('sla.policy_removed', async () => {
      const entry = await onlyEntryOf('sla.policy_removed', () => send(owner, 'DELETE', `/inboxes/${state.inboxId}/sla`));
      expect(entry.changes.firstResponseMinutes).toEqual({ before: 30, after: null });
    });

    it('routing.rule_changed', async () => {
      const entry = await onlyEntryOf('routing.rule_changed', () => send(owner, 'PUT', `/inboxes/${state.inboxId}/routing`, { mode: 'round_robin', teamIds: [state.teamId] }));
      expect(entry).toMatchObject({ targetType: 'inbox', targetId: state.inboxId, changes: { mode: { before: 'none', after: 'round_robin' }, teamIds: { before: [], after: [state.teamId] } } });
    });

    it('routing.working_hours_set', async () => {
      const hours = { timeZone: 'Europe/Oslo', periods: [{ day: 1, start: '08:00', end: '16:00' }] };
      const entry = await onlyEntryOf('routing.working_hours_set', () => send(owner, 'PUT', `/users/${state.userId}/working-hours`, hours));
      expect(entry).toMatchObject({ targetType: 'user', targetId: state.userId, changes: { workingHours: { before: null, after: hours } } });
    });

    it('routing.working_hours_removed', async () => {
      const entry = await onlyEntryOf('routing.working_hours_removed', () => send(owner, 'DELETE', `/users/${state.userId}/working-hours`));
      expect(entry.changes.workingHours.after).toBeNull();
    });

    it('team.deleted', async () => {
      const entry = await onlyEntryOf('team.deleted', () => send(owner, 'DELETE', `/teams/${state.teamId}`));
      expect(entry).toMatchObject({ targetId: state.teamId, detail: { name: 'Audited team' } });
    });

    it('channel.created', async () => {
      const entry = await onlyEntryOf('channel.created', async () => {
        const response = await send(owner, 'POST', `/inboxes/${state.inboxId}/channels`, { type: 'chat', name: 'Audited chat' });
        state.channelId = response.body.id;
        return response;
      });
      expect(entry).toMatchObject({ targetType: 'channel', targetId: state.channelId, changes: { type: { before: null, after: 'chat' }, name: { before: null, after: 'Audited chat' } } });
    });

    it('channel.updated', async () => {
      const entry = await onlyEntryOf('channel.updated', () => send(owner, 'PATCH', `/channels/${state.channelId}`, { name: 'Audited chat 2', preChatEmail: 'required' }));
      expect(entry.changes.name).toEqual({ before: 'Audited chat', after: 'Audited chat 2' });
      expect(entry.changes.settings).toMatchObject({ before: { preChatEmail: 'optional' }, after: { preChatEmail: 'required' } });
    });

    it('channel.updated never carries a secret', async () => {
      const messenger = await send(owner, 'POST', `/inboxes/${state.inboxId}/channels`, { type: 'messenger', name: 'Page', pageId: String(randomInt(1e12)), appSecret: 'first-app-secret' });
      expect(messenger.status).toBe(201);
      const entry = await onlyEntryOf('channel.updated', () => send(owner, 'PATCH', `/channels/${messenger.body.id}`, { appSecret: 'second-app-secret' }));
      expect(entry.detail).toEqual({ secretsChanged: ['appSecret'] });
      expect(JSON.stringify(entry)).not.toMatch(/app-secret/);
    });

    it('channel.verified', async () => {
      const address = `audited-${randomInt(1e9)}@some-bank.example`;
      const channel = (await send(owner, 'POST', `/inboxes/${state.inboxId}/channels`, { type: 'email', name: 'Bank', address })).body;
      const mail = await waitFor('the verification mail', async () => f.sink.messages.find((m) => m.envelope.to.includes(address)), 10_000);
      const code = /code: ([0-9A-F]{10})/.exec(mail.raw.toString())![1];
      expect((await send(owner, 'POST', `/channels/${channel.id}/verify`, { code: '0000000000' })).status).toBe(400);
      const entry = await onlyEntryOf('channel.verified', () => send(owner, 'POST', `/channels/${channel.id}/verify`, { code }));
      expect(entry).toMatchObject({ targetId: channel.id, changes: { verified: { before: false, after: true } } });
    });

    it('channel.deleted', async () => {
      const entry = await onlyEntryOf('channel.deleted', () => send(owner, 'DELETE', `/channels/${state.channelId}`));
      expect(entry).toMatchObject({ targetId: state.channelId, detail: { type: 'chat', name: 'Audited chat 2' } });
    });

    it('account.settings_changed', async () => {
      const entry = await onlyEntryOf('account.settings_changed', () => send(owner, 'PATCH', '/account', { timeZone: 'Europe/Oslo' }));
      expect(entry.changes).toEqual({ timeZone: { before: 'UTC', after: 'Europe/Oslo' } });
    });

    it('contact_property.saved', async () => {
      const entry = await onlyEntryOf('contact_property.saved', () => send(owner, 'PUT', '/contact-properties/plan', { label: 'Plan', type: 'text' }));
      expect(entry).toMatchObject({ targetType: 'contact_property', targetId: 'plan', changes: { label: { before: null, after: 'Plan' } } });
    });

    it('contact_property.removed', async () => {
      const entry = await onlyEntryOf('contact_property.removed', () => send(owner, 'DELETE', '/contact-properties/plan'));
      expect(entry.targetId).toBe('plan');
    });

    it('message.hidden and message.unhidden', async () => {
      const subject = `audited ${randomInt(1e9)}`;
      const raw = buildEmail({ from: uniqueEmail('customer'), to: f.address, subject, text: 'my card is 4111 1111 1111 1111' }).raw;
      expect(await postEmail(f.stack.ingestUrl!, raw, [f.address])).toBe(202);
      const conversation = await waitForInView(owner, f.inboxId, 'open', (c) => c.subject === subject, 30_000);
      const messageId = (await owner.get(`/api/v1/conversations/${conversation.id}`)).body.messages[0].id;
      const hidden = await onlyEntryOf('message.hidden', () => send(owner, 'POST', `/messages/${messageId}/hide`));
      expect(hidden).toMatchObject({ targetType: 'message', targetId: messageId, changes: { hidden: { before: false, after: true } }, detail: { conversationId: conversation.id } });
      const unhidden = await onlyEntryOf('message.unhidden', () => send(owner, 'POST', `/messages/${messageId}/unhide`));
      expect(unhidden.detail).toMatchObject({ conversationId: conversation.id, hiddenBy: f.ownerId });
      state.conversationId = conversation.id;
    });

    it('conversation.deleted_forever', async () => {
      expect((await send(owner, 'POST', `/conversations/${state.conversationId}/trash`)).status).toBe(200);
      const entry = await onlyEntryOf('conversation.deleted_forever', () => send(owner, 'DELETE', `/conversations/${state.conversationId}`));
      expect(entry).toMatchObject({ targetType: 'conversation', targetId: state.conversationId, detail: { inboxId: f.inboxId } });
    });

    it('inbox.deleted', async () => {
      const entry = await onlyEntryOf('inbox.deleted', () => send(owner, 'DELETE', `/inboxes/${state.inboxId}`));
      expect(entry).toMatchObject({ targetId: state.inboxId, detail: { conversationsMoved: 0 } });
    });

    it('user.removed', async () => {
      const entry = await onlyEntryOf('user.removed', () => send(owner, 'DELETE', `/users/${state.userId}`));
      expect(entry).toMatchObject({ targetId: state.userId, detail: { name: 'Renamed Agent', role: 'admin' } });
    });

    it('report.exported', async () => {
      const today = new Date().toISOString().slice(0, 10);
      const entry = await onlyEntryOf('report.exported', () => send(owner, 'GET', `/reports/export.csv?from=${today}&to=${today}&groupBy=inbox`));
      expect(entry.detail).toMatchObject({ from: today, to: today, groupBy: 'inbox' });
    });

    it('webhook.created, webhook.updated, webhook.secret_rotated, webhook.deleted', async () => {
      const created = await onlyEntryOf('webhook.created', async () => {
        const response = await send(owner, 'POST', '/webhooks', { url: 'http://127.0.0.1:9/hooks', events: ['conversation.created'] });
        state.webhookId = response.body.id;
        state.webhookSecret = response.body.secret;
        return response;
      });
      expect(created).toMatchObject({ targetType: 'webhook', targetId: state.webhookId, changes: { url: { before: null, after: 'http://127.0.0.1:9/hooks' } } });
      const updated = await onlyEntryOf('webhook.updated', () => send(owner, 'PATCH', `/webhooks/${state.webhookId}`, { events: ['conversation.created', 'message.created'], paused: true }));
      expect(updated.changes).toEqual({
        eventTypes: { before: ['conversation.created'], after: ['conversation.created', 'message.created'] },
        paused: { before: false, after: true },
      });
      const rotated = await onlyEntryOf('webhook.secret_rotated', () => send(owner, 'POST', `/webhooks/${state.webhookId}/rotate-secret`));
      expect(JSON.stringify(rotated)).not.toContain('whsec_');
      const deleted = await onlyEntryOf('webhook.deleted', () => send(owner, 'DELETE', `/webhooks/${state.webhookId}`));
      expect(deleted.detail).toMatchObject({ url: 'http://127.0.0.1:9/hooks' });
    });

    it('audit.exported', async () => {
      const entry = await onlyEntryOf('audit.exported', () => send(owner, 'GET', '/audit/export?action=user.'));
      expect(entry.detail).toEqual({ filter: { action: 'user.' } });
    });

    it('account.created, in the new account', async () => {
      const other = await signUp(f.anonymous, 'Audited Co');
      const own = (await other.client.get('/api/v1/audit?action=account.created')).body.entries;
      expect(own).toMatchObject([{ actorUserId: other.userId, targetId: other.accountId }]);
    });
  });

  it('writes nothing for an act that is refused or changes nothing', async () => {
    const all = async () => (await entries('')).map((e) => e.id);
    const before = await all();
    expect((await send(owner, 'PATCH', `/users/${f.ownerId}`, { role: 'agent' })).status).toBe(409);
    expect((await send(owner, 'POST', '/teams', { name: 'x'.repeat(101) })).status).toBe(400);
    expect((await send(owner, 'PATCH', '/account', { timeZone: 'Mars/Olympus' })).status).toBe(400);
    expect((await send(owner, 'POST', '/webhooks', { url: 'http://10.0.0.8/hook', events: ['message.created'] })).status).toBe(400);
    expect((await send(owner, 'PATCH', '/account', { timeZone: 'Europe/Oslo' })).status).toBe(200);
    expect((await send(owner, 'PATCH', `/users/${f.ownerId}`, { name: (await owner.get('/api/v1/me')).body.name })).status).toBe(200);
    expect(await all()).toEqual(before);
  });

  it('is read by super admins only, for their own account only', async () => {
    const admin = await addAgent(f, 'admin');
    const agent = await addAgent(f, 'agent');
    for (const client of [admin.client, agent.client]) {
      expect((await client.get('/api/v1/audit')).status).toBe(403);
      expect((await client.get('/api/v1/audit/export')).status).toBe(403);
    }
    expect((await f.anonymous.get('/api/v1/audit')).status).toBe(401);
    const other = await signUp(f.anonymous, 'Elsewhere');
    const theirs = (await other.client.get('/api/v1/audit?limit=200')).body.entries as Entry[];
    expect(theirs.map((e) => e.action)).toEqual(['account.created']);
    expect((await other.client.get(`/api/v1/audit?actor=${f.ownerId}`)).body.entries).toEqual([]);
  });

  it('filters by actor, action and time, and pages with a cursor without gaps or repeats', async () => {
    const everything = await entries('');
    expect(everything.length).toBeGreaterThan(30);
    expect((await owner.get('/api/v1/audit')).body.unavailable).toEqual([]);
    const paged: Entry[] = [];
    let cursor = '';
    do {
      const page = (await owner.get(`/api/v1/audit?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)).body;
      expect(page.entries.length).toBeLessThanOrEqual(7);
      paged.push(...page.entries);
      cursor = page.nextCursor ?? '';
    } while (cursor);
    expect(paged.map((e) => e.id)).toEqual(everything.map((e) => e.id));
    const times = everything.map((e) => new Date(e.at).getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // Entries from all three services' trails are in the one list.
    expect(everything.map((e) => e.action)).toEqual(expect.arrayContaining(['user.created', 'routing.rule_changed', 'webhook.created']));
    const byPrefix = await entries('action=webhook.');
    expect(byPrefix.map((e) => e.action).sort()).toEqual(['webhook.created', 'webhook.deleted', 'webhook.secret_rotated', 'webhook.updated']);
    expect((await entries(`actor=${f.ownerId}`)).every((e) => e.actorUserId === f.ownerId)).toBe(true);
    const middle = everything[Math.floor(everything.length / 2)].at;
    const older = await entries(`to=${encodeURIComponent(middle)}`);
    expect(older.length).toBeGreaterThan(0);
    expect(older.every((e) => e.at < middle)).toBe(true);
    expect((await entries(`from=${encodeURIComponent(middle)}`)).every((e) => e.at >= middle)).toBe(true);
  });

  it('exports what the filter matches as JSON lines', async () => {
    const response = await fetch(`${f.stack.gatewayUrl}/api/v1/audit/export?action=user.`, { headers: { authorization: `Bearer ${owner.token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    expect(response.headers.get('content-disposition')).toMatch(/attachment; filename="audit-.*\.jsonl"/);
    const lines = (await response.text()).trim().split('\n').map((l) => JSON.parse(l) as Entry);
    expect(lines.map((e) => e.id)).toEqual((await entries('action=user.')).map((e) => e.id));
  });

  it('refuses bad filters with a clear code', async () => {
    const refusals: [string, string][] = [
      ['cursor=not-a-cursor', 'invalid_cursor'],
      ['action=DROP%20TABLE', 'validation_failed'],
      ['from=yesterday', 'validation_failed'],
      ['from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'invalid_range'],
      ['limit=0', 'validation_failed'],
    ];
    for (const [query, code] of refusals) {
      const response = await owner.get(`/api/v1/audit?${query}`);
      expect([query, response.status, response.body.error?.code]).toEqual([query, 400, code]);
    }
  });

  it('cannot be changed or deleted: no route does it, and the tables refuse it', async () => {
    const [entry] = await entries('');
    for (const [method, path] of [
      ['POST', '/audit'],
      ['PUT', `/audit/${entry.id}`],
      ['PATCH', `/audit/${entry.id}`],
      ['DELETE', `/audit/${entry.id}`],
      ['DELETE', '/audit'],
    ]) {
      expect([method, path, (await send(owner, method, path, method === 'DELETE' ? undefined : { action: 'nothing' })).status]).toEqual([method, path, 404]);
    }
    for (const service of ['conversation', 'routing', 'notification'] as const) {
      const client = new pg.Client({ connectionString: f.stack.services[service]!.process.env[`${service.toUpperCase()}_DATABASE_URL`] });
      await client.connect();
      try {
        const { rows } = await client.query<{ id: string }>('SELECT id FROM audit_entries LIMIT 1');
        expect(rows).toHaveLength(1);
        await expect(client.query("UPDATE audit_entries SET action = 'nothing' WHERE id = $1", [rows[0].id])).rejects.toThrow(/append-only/);
        await expect(client.query('DELETE FROM audit_entries WHERE id = $1', [rows[0].id])).rejects.toThrow(/append-only/);
        await expect(client.query('TRUNCATE audit_entries')).rejects.toThrow(/append-only/);
      } finally {
        await client.end();
      }
    }
    expect((await entries('')).find((e) => e.id === entry.id)).toEqual(entry);
  });

  it('shows super admins the log in Settings, filtered, with the changes and an export; admins do not see it', async () => {
    const browser = await launchBrowser();
    try {
      const page = await signInPage(browser, f.stack.gatewayUrl, ownerEmail, 'correct horse battery');
      await page.getByRole('button', { name: 'Settings' }).click();
      const settings = page.getByRole('region', { name: 'Settings' });
      await settings.getByRole('button', { name: 'Audit log' }).click();
      const log = settings.getByRole('table', { name: 'Audit log' });
      // The sign-in that opened this page is the newest entry, by the owner, from this browser.
      await log.getByRole('row').nth(1).filter({ hasText: 'auth.signed_in' }).waitFor();
      await settings.getByLabel('Action').selectOption('webhook.');
      // The filtered page replaces the whole list: only the header row lacks a webhook action.
      await waitFor('only webhook entries listed', async () => (await log.getByRole('row').filter({ hasNotText: 'webhook.' }).count()) === 1, 10_000, 100);
      await log.getByRole('row').filter({ hasText: 'webhook.updated' }).filter({ hasText: 'paused: false → true' }).waitFor();
      const [download] = await Promise.all([page.waitForEvent('download'), settings.getByRole('button', { name: 'Export' }).click()]);
      const exported = (await readFile((await download.path())!, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Entry);
      expect(exported.map((e) => e.action).sort()).toEqual(['webhook.created', 'webhook.deleted', 'webhook.secret_rotated', 'webhook.updated']);
      expect(page.errors).toEqual([]);

      const admin = await addAgent(f, 'admin');
      const adminPage = await signInPage(browser, f.stack.gatewayUrl, admin.email, 'agent password');
      await adminPage.getByRole('button', { name: 'Settings' }).click();
      const adminSettings = adminPage.getByRole('region', { name: 'Settings' });
      await adminSettings.getByRole('button', { name: 'Webhooks' }).waitFor();
      expect(await adminSettings.getByRole('button', { name: 'Audit log' }).count()).toBe(0);
    } finally {
      await browser.close();
    }
  });
});
