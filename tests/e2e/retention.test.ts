// Retention and legal holds end to end: the dry run counts what applying the policy deletes, the
// apply deletes exactly that (and refuses when the count moved), inboxes follow the account or
// keep their own rule, and nothing under a legal hold (its own or its contact's) is deleted by
// retention or forever from the trash. Every act and every deletion is audited.
import { randomInt } from 'node:crypto';
import pg from 'pg';
import { signUp, uniqueEmail } from '../support/api-client';
import { addAgent, postEmail, startInboxFixture, waitForInView, type InboxFixture } from '../support/inbox-fixture';
import { buildEmail } from '../support/smtp';
import { launchBrowser, signInPage } from '../support/browser';
import { waitFor } from '@inbox/testkit';

jest.setTimeout(240_000);

describe('retention and legal holds', () => {
  let f: InboxFixture;
  let db: pg.Client;
  let keepInbox: { id: string; address: string };

  const conversation = async (address: string, inboxId: string, from = uniqueEmail('customer')) => {
    const subject = `retained ${randomInt(1e9)}`;
    expect(await postEmail(f.stack.ingestUrl!, buildEmail({ from, to: address, subject, text: 'hello' }).raw, [address])).toBe(202);
    return waitForInView(f.owner, inboxId, 'open', (c) => c.subject === subject, 30_000);
  };
  const close = async (id: string) => expect((await f.owner.patch(`/api/v1/conversations/${id}`, { status: 'closed' })).status).toBe(200);
  /** Moves a conversation's last change back in time, as if nobody had touched it since. */
  const age = (ids: string[], days: number) => db.query(`UPDATE conversations SET updated_at = now() - make_interval(days => $2) WHERE id = ANY($1)`, [ids, days]);
  const exists = async (id: string) => (await f.owner.get(`/api/v1/conversations/${id}`)).status === 200;
  const audited = async (action: string) => (await f.owner.get(`/api/v1/audit?limit=200&action=${action}`)).body.entries as { targetId: string; actorUserId: string | null }[];

  beforeAll(async () => {
    f = await startInboxFixture();
    db = new pg.Client({ connectionString: f.stack.services.conversation!.process.env.CONVERSATION_DATABASE_URL });
    await db.connect();
    const inbox = (await f.owner.post('/api/v1/inboxes', { name: 'Legal' })).body;
    const channel = (await f.owner.post(`/api/v1/inboxes/${inbox.id}/channels`, { type: 'email', name: 'Legal mail' })).body;
    keepInbox = { id: inbox.id, address: channel.address };
  });

  afterAll(async () => {
    await db?.end();
    await f?.stop();
  });

  it('refuses bad policies and holds, and keeps them to super admins', async () => {
    const refusals: [string, string, unknown, number, string][] = [
      ['PUT', '/retention', { closedConversationDays: 0 }, 400, 'validation_failed'],
      ['PUT', '/retention', { closedConversationDays: 30, inboxes: [{ inboxId: f.inboxId, keep: 'days' }] }, 400, 'validation_failed'],
      ['PUT', '/retention', { closedConversationDays: 30, inboxes: [{ inboxId: 'inb_elsewhere', keep: 'forever' }] }, 404, 'inbox_not_found'],
      ['PUT', '/retention', { closedConversationDays: 30, inboxes: [{ inboxId: f.inboxId, keep: 'forever' }, { inboxId: f.inboxId, keep: 'forever' }] }, 400, 'duplicate_inbox'],
      ['PUT', '/legal-holds/conversation/cnv_missing', { reason: 'x' }, 404, 'conversation_not_found'],
      ['PUT', '/legal-holds/contact/ctc_missing', {}, 404, 'contact_not_found'],
      ['PUT', '/legal-holds/inbox/whatever', {}, 400, 'invalid_hold_target'],
      ['DELETE', '/legal-holds/conversation/cnv_missing', undefined, 404, 'legal_hold_not_found'],
      ['POST', '/retention/apply', { expected: -1 }, 400, 'validation_failed'],
    ];
    for (const [method, path, body, status, code] of refusals) {
      const response = await f.owner.request(method, `/api/v1${path}`, body);
      expect([method, path, response.status, response.body?.error?.code]).toEqual([method, path, status, code]);
    }
    expect((await f.owner.get('/api/v1/retention')).body).toEqual({ closedConversationDays: null, inboxes: [] });
    const admin = await addAgent(f, 'admin');
    expect((await admin.client.put('/api/v1/retention', { closedConversationDays: 30 })).status).toBe(403);
    expect((await admin.client.post('/api/v1/retention/apply', { expected: 0 })).status).toBe(403);
    expect((await admin.client.put(`/api/v1/legal-holds/contact/ctc_x`, {})).status).toBe(403);
    expect((await admin.client.get('/api/v1/retention/preview')).status).toBe(200);
    const agent = await addAgent(f, 'agent');
    expect((await agent.client.get('/api/v1/retention/preview')).status).toBe(403);
    expect(await audited('retention.')).toEqual([]);
    // This stack runs no routing or notification service: the log says whose entries it lacks.
    expect((await f.owner.get('/api/v1/audit')).body.unavailable).toEqual(['routing', 'notification']);
    expect((await f.owner.get('/api/v1/audit/export')).status).toBe(503);
  });

  it('deletes exactly what the dry run counted, and nothing under a legal hold', async () => {
    const heldContact = uniqueEmail('held');
    const [due1, due2, due3, heldOwn, heldByContact, recent, open] = [
      await conversation(f.address, f.inboxId),
      await conversation(f.address, f.inboxId),
      await conversation(f.address, f.inboxId),
      await conversation(f.address, f.inboxId),
      await conversation(f.address, f.inboxId, heldContact),
      await conversation(f.address, f.inboxId),
      await conversation(f.address, f.inboxId),
    ];
    const keptByInbox = await conversation(keepInbox.address, keepInbox.id);
    for (const c of [due1, due2, due3, heldOwn, heldByContact, recent, keptByInbox]) await close(c.id);
    await age([due1.id, due2.id, due3.id, heldOwn.id, heldByContact.id, keptByInbox.id, open.id], 40);
    await age([recent.id], 10);

    const policy = await f.owner.put('/api/v1/retention', { closedConversationDays: 30, inboxes: [{ inboxId: keepInbox.id, keep: 'forever' }] });
    expect(policy.body).toEqual({ closedConversationDays: 30, inboxes: [{ inboxId: keepInbox.id, keep: 'forever', days: null }] });
    const contactId = (await f.owner.get(`/api/v1/conversations/${heldByContact.id}`)).body.contact.id;
    expect((await f.owner.put(`/api/v1/legal-holds/conversation/${heldOwn.id}`, { reason: 'Case 2026-114' })).status).toBe(200);
    expect((await f.owner.put(`/api/v1/legal-holds/contact/${contactId}`, { reason: 'Subpoena' })).body).toMatchObject({ targetType: 'contact', targetId: contactId, reason: 'Subpoena', placedBy: f.ownerId });

    const preview = (await f.owner.get('/api/v1/retention/preview')).body;
    expect(preview).toMatchObject({ total: 3, held: 2, inboxes: [{ inboxId: f.inboxId, days: 30, conversations: 3 }] });

    const stale = await f.owner.post('/api/v1/retention/apply', { expected: 2 });
    expect([stale.status, stale.body.error.code]).toEqual([409, 'retention_count_changed']);
    expect(await exists(due1.id)).toBe(true);

    expect((await f.owner.post('/api/v1/retention/apply', { expected: preview.total })).body).toEqual({ deleted: 3 });
    for (const c of [due1, due2, due3]) expect([c.subject, await exists(c.id)]).toEqual([c.subject, false]);
    for (const c of [heldOwn, heldByContact, recent, open, keptByInbox]) expect([c.subject, await exists(c.id)]).toEqual([c.subject, true]);
    expect((await f.owner.get('/api/v1/retention/preview')).body).toMatchObject({ total: 0, held: 2 });

    const deletions = await audited('conversation.retention_deleted');
    expect(deletions.map((e) => e.targetId).sort()).toEqual([due1.id, due2.id, due3.id].sort());
    expect(deletions.every((e) => e.actorUserId === f.ownerId)).toBe(true);
    expect((await audited('retention.policy_changed')).length).toBe(1);
    expect((await audited('legal_hold.placed')).map((e) => e.targetId).sort()).toEqual([heldOwn.id, contactId].sort());

    // Held in the trash: not deleted forever either, until the hold is released.
    expect((await f.owner.post(`/api/v1/conversations/${heldOwn.id}/trash`)).status).toBe(200);
    const refused = await f.owner.delete(`/api/v1/conversations/${heldOwn.id}`);
    expect([refused.status, refused.body.error.code]).toEqual([409, 'legal_hold']);
    expect(await exists(heldOwn.id)).toBe(true);
    expect((await f.owner.delete(`/api/v1/legal-holds/conversation/${heldOwn.id}`)).status).toBe(204);
    expect((await audited('legal_hold.released')).map((e) => e.targetId)).toEqual([heldOwn.id]);
    expect((await f.owner.get('/api/v1/legal-holds')).body.items.map((h: { targetId: string }) => h.targetId)).toEqual([contactId]);
    // Moving it to the trash was a change: its retention counts from then.
    expect((await f.owner.get('/api/v1/retention/preview')).body).toMatchObject({ total: 0, held: 1 });
    expect((await f.owner.delete(`/api/v1/conversations/${heldOwn.id}`)).status).toBe(204);
    expect(await exists(heldOwn.id)).toBe(false);
  });

  it('lets a super admin run the dry run, delete what it counted and release a hold in Settings', async () => {
    const due = await conversation(f.address, f.inboxId);
    await close(due.id);
    await age([due.id], 45);
    const ownerEmail = (await f.owner.get('/api/v1/me')).body.email;
    const browser = await launchBrowser();
    try {
      const page = await signInPage(browser, f.stack.gatewayUrl, ownerEmail, 'correct horse battery');
      await page.getByRole('button', { name: 'Settings' }).click();
      const settings = page.getByRole('region', { name: 'Settings' });
      await settings.getByRole('button', { name: 'Data retention' }).click();
      // The saved policy arrives after the page opens: its rules are shown before anything is typed.
      await waitFor('the saved policy shown', async () => (await settings.getByLabel('Rule for Legal').inputValue()) === 'forever', 10_000, 100);
      expect(await settings.getByLabel('Keep closed conversations (days)').inputValue()).toBe('30');
      await settings.getByRole('button', { name: 'Count what would be deleted' }).click();
      const dryRun = settings.getByRole('region', { name: 'Dry run' });
      await dryRun.getByText('1 closed conversations are due now; 1 more are kept by legal holds.').waitFor();
      await dryRun.getByRole('button', { name: 'Delete 1 now' }).click();
      await page.getByRole('alertdialog', { name: 'Delete 1 closed conversations now?' }).getByRole('button', { name: 'Delete 1 conversations' }).click();
      await settings.getByRole('status').getByText('1 conversations deleted').waitFor();
      expect(await exists(due.id)).toBe(false);
      const holds = settings.getByRole('table', { name: 'Legal holds' });
      await holds.getByRole('row').filter({ hasText: 'Subpoena' }).getByRole('button', { name: 'Release' }).click();
      await settings.getByRole('status').getByText('Legal hold released').waitFor();
      expect((await f.owner.get('/api/v1/legal-holds')).body.items).toEqual([]);
      expect(page.errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('keeps one account out of another', async () => {
    const other = await signUp(f.anonymous, 'Elsewhere');
    const [ours] = await Promise.all([conversation(f.address, f.inboxId)]);
    expect((await other.client.put(`/api/v1/legal-holds/conversation/${ours.id}`, {})).status).toBe(404);
    expect((await other.client.put('/api/v1/retention', { closedConversationDays: 5, inboxes: [{ inboxId: f.inboxId, keep: 'forever' }] })).status).toBe(404);
    expect((await other.client.get('/api/v1/retention/preview')).body).toMatchObject({ total: 0, held: 0, inboxes: [] });
    expect((await other.client.get('/api/v1/legal-holds')).body.items).toEqual([]);
  });
});
