// Email in over SMTP and the raw endpoint, threading, filtering, and replies out through the
// relay, end to end through ingest, JetStream, the conversation service and the gateway.
import { uniqueEmail } from '../support/api-client';
import { addAgent, deliver, listView, startInboxFixture, viewCounts, waitForInView, type InboxFixture } from '../support/inbox-fixture';
import { buildEmail, sendRawSmtp } from '../support/smtp';
import { waitFor } from '@inbox/testkit';

describe('email conversations end to end', () => {
  let f: InboxFixture;

  beforeAll(async () => {
    f = await startInboxFixture({ INGEST_MAX_MESSAGE_BYTES: String(256 * 1024) });
  });

  afterAll(() => f.stop());

  it('turns an email into an open, unassigned conversation with every list field', async () => {
    const customer = uniqueEmail('kari');
    const { result } = await deliver(f, { from: `Kari Nordmann <${customer}>`, to: f.address, cc: 'Ola <ola@customer.example>', subject: 'Where is my order?', text: 'Hi, order 42 has not arrived.' });
    expect(result.code).toBe(250);
    const item = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === customer);
    expect(item).toMatchObject({
      status: 'open',
      channel: 'email',
      subject: 'Where is my order?',
      preview: 'Hi, order 42 has not arrived.',
      contact: { name: 'Kari Nordmann', email: customer },
      participantCount: 2,
      assignee: null,
      lastMessageDirection: 'inbound',
      commentPreview: null,
    });
    expect(new Date(item.lastMessageAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    for (const view of ['unassigned', 'email']) expect((await listView(f.owner, f.inboxId, view)).map((c) => c.id)).toContain(item.id);
    for (const view of ['mine', 'chat', 'closed', 'sent', 'spam', 'trash']) expect((await listView(f.owner, f.inboxId, view)).map((c) => c.id)).not.toContain(item.id);
    const detail = (await f.owner.get(`/api/v1/conversations/${item.id}`)).body;
    expect(detail.messages).toHaveLength(1);
    expect(detail.messages[0]).toMatchObject({ direction: 'inbound', from: { name: 'Kari Nordmann', address: customer }, subject: 'Where is my order?', hidden: false });
    expect(detail.messages[0].text).toContain('order 42');
    expect(detail.messages[0].permalink).toMatch(new RegExp(`/conversations/${item.id}#message-${detail.messages[0].id}$`));
  });

  it('answers 550 for an unknown recipient and 552 for an oversize message, storing nothing', async () => {
    const unknown = await sendRawSmtp(f.stack.smtpPort!, { from: 'a@b.example', to: ['nobody@inbox.localhost'] }, buildEmail({ from: 'a@b.example', to: 'nobody@inbox.localhost', subject: 'x', text: 'x' }).raw);
    expect(unknown.code).toBe(550);
    const sender = uniqueEmail('big');
    const big = buildEmail({ from: sender, to: f.address, subject: 'Huge', text: 'x'.repeat(400 * 1024) });
    const oversize = await sendRawSmtp(f.stack.smtpPort!, { from: sender, to: [f.address] }, big.raw);
    expect(oversize.code).toBe(552);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await listView(f.owner, f.inboxId, 'open')).filter((c) => c.contact?.email === sender)).toEqual([]);
  });

  it('accepts raw mail over HTTP with 202, once per Message-ID, and refuses bad requests', async () => {
    const customer = uniqueEmail('raw');
    const email = buildEmail({ from: customer, to: f.address, subject: 'Raw hello', text: 'via webhook' });
    const post = (body: string, type = 'message/rfc822', query = '') =>
      fetch(`${f.stack.ingestUrl}/ingest/v1/email${query}`, { method: 'POST', headers: { 'content-type': type }, body });
    const first = await post(email.raw);
    expect(first.status).toBe(202);
    const firstBody = (await first.json()) as { id: string; duplicate: boolean };
    expect(firstBody.id).toMatch(/^em_/);
    const again = await post(email.raw);
    expect(again.status).toBe(202);
    expect(((await again.json()) as { id: string; duplicate: boolean })).toEqual({ ...firstBody, ids: [firstBody.id], duplicate: true });
    const item = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === customer);
    expect((await f.owner.get(`/api/v1/conversations/${item.id}`)).body.messages).toHaveLength(1);

    expect((await post(email.raw, 'text/plain')).status).toBe(415);
    expect((await post('')).status).toBe(400);
    const unknown = await post(buildEmail({ from: customer, to: 'nobody@elsewhere.example', subject: 'x', text: 'y' }).raw);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('unknown_recipient');
    const malformed = await post('this is not an email at all', 'message/rfc822', `?to=${encodeURIComponent(f.address)}`);
    expect(malformed.status).toBe(422);
    expect((await post('x'.repeat(300 * 1024))).status).toBe(413);
  });

  describe('threading', () => {
    async function start(customer: string, subject: string) {
      const first = await deliver(f, { from: customer, to: f.address, subject, text: 'First message' });
      const conversation = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === customer && c.subject === subject);
      return { conversation, messageId: first.messageId };
    }
    const messages = async (id: string) => (await f.owner.get(`/api/v1/conversations/${id}`)).body.messages as unknown[];

    it('joins a Gmail-style reply (In-Reply-To and References)', async () => {
      const customer = uniqueEmail('gmail');
      const { conversation, messageId } = await start(customer, 'Broken zipper');
      await deliver(f, { from: customer, to: f.address, subject: 'Re: Broken zipper', text: 'More info', inReplyTo: messageId, references: [messageId] });
      await waitFor('reply threaded', async () => (await messages(conversation.id)).length === 2);
    });

    it('joins an Outlook-style reply (Thread-Index, In-Reply-To, SV: prefix)', async () => {
      const customer = uniqueEmail('outlook');
      const { conversation, messageId } = await start(customer, 'Faktura');
      await deliver(f, { from: customer, to: f.address, subject: 'SV: Faktura', text: 'Svar', inReplyTo: messageId, headers: { 'Thread-Index': 'AQHZ1234567890abcdef==', 'Thread-Topic': 'Faktura' } });
      await waitFor('reply threaded', async () => (await messages(conversation.id)).length === 2);
    });

    it('joins an Apple Mail-style reply that has only References', async () => {
      const customer = uniqueEmail('apple');
      const { conversation, messageId } = await start(customer, 'Size exchange');
      await deliver(f, { from: customer, to: f.address, subject: 'Re: Size exchange', text: 'Sent from my iPhone', references: [`older-${messageId}`, messageId] });
      await waitFor('reply threaded', async () => (await messages(conversation.id)).length === 2);
    });

    it('joins a reply from a client that drops References, by the reply token, then by subject and contact', async () => {
      const customer = uniqueEmail('dropper');
      const { conversation } = await start(customer, 'Warranty claim');
      const reply = await f.owner.post(`/api/v1/conversations/${conversation.id}/messages`, { text: 'Please send a photo.' });
      expect(reply.status).toBe(201);
      const sent = await waitFor('reply at the relay', async () => f.sink.messages.find((m) => m.envelope.to.includes(customer)));
      const replyTo = sent.parsed.replyTo?.[0]?.address ?? '';
      expect(replyTo).toMatch(/\+r-[A-Za-z0-9_-]+@/);
      // No In-Reply-To, no References, a changed subject: only the reply token links it.
      await deliver(f, { from: customer, to: replyTo, subject: 'photo attached', text: 'Here it is', envelopeTo: [replyTo] });
      await waitFor('token reply threaded', async () => (await messages(conversation.id)).length === 3);
      // No headers and no token: the conservative fallback (same contact, "Re:" + same subject).
      await deliver(f, { from: customer, to: f.address, subject: 'RE: Warranty claim', text: 'One more thing' });
      await waitFor('subject reply threaded', async () => (await messages(conversation.id)).length === 4);
    });

    it('keeps an unrelated mail with the same subject from another contact apart', async () => {
      const a = uniqueEmail('first');
      const b = uniqueEmail('second');
      const { conversation } = await start(a, 'Order question');
      await deliver(f, { from: b, to: f.address, subject: 'Re: Order question', text: 'Different person' });
      const other = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === b);
      expect(other.id).not.toBe(conversation.id);
      expect(await messages(conversation.id)).toHaveLength(1);
    });
  });

  describe('filtering', () => {
    it('sends role-based senders and auto-replies to Spam, but not an existing contact', async () => {
      const domain = `${Date.now()}.example`;
      await deliver(f, { from: `marketing@${domain}`, to: f.address, subject: 'Big sale', text: 'Buy now' });
      const spam = await waitForInView(f.owner, f.inboxId, 'spam', (c) => c.contact?.email === `marketing@${domain}`);
      expect(spam.filteredReason).toBe('role_address');
      expect((await listView(f.owner, f.inboxId, 'open')).map((c) => c.id)).not.toContain(spam.id);

      const customer = uniqueEmail('vacation');
      await deliver(f, { from: customer, to: f.address, subject: 'Out of office', text: 'Back Monday', headers: { 'Auto-Submitted': 'auto-replied' } });
      expect((await waitForInView(f.owner, f.inboxId, 'spam', (c) => c.contact?.email === customer)).filteredReason).toBe('auto_reply');

      // sales@ of a company we already talk to is a known contact: normal mail stays in the inbox.
      const known = `sales@known-${Date.now()}.example`;
      const { conversation } = await (async () => {
        await f.owner.post('/api/v1/conversations', { inboxId: f.inboxId, to: known, subject: 'Our offer', text: 'Hello' });
        return { conversation: await waitForInView(f.owner, f.inboxId, 'sent', (c) => c.contact?.email === known) };
      })();
      await deliver(f, { from: known, to: f.address, subject: 'Question about pricing', text: 'Is it per seat?' });
      const fresh = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === known && c.id !== conversation.id);
      expect(fresh.filtered).toBe(false);
    });

    it('blocks a sender: this and future threads filtered, tickets gone; unblocking returns them', async () => {
      const customer = uniqueEmail('pest');
      await deliver(f, { from: customer, to: f.address, subject: 'Annoying', text: 'Again' });
      const conversation = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === customer);
      const blocked = await f.owner.post(`/api/v1/conversations/${conversation.id}/block-sender`);
      expect(blocked.status).toBe(200);
      expect(blocked.body).toMatchObject({ filtered: true, filteredReason: 'blocked_sender' });
      expect((await f.owner.get('/api/v1/blocked-senders')).body.items.map((b: { senderKey: string }) => b.senderKey)).toContain(`email:${customer}`);
      await deliver(f, { from: customer, to: f.address, subject: 'New thread', text: 'Still here' });
      const next = await waitForInView(f.owner, f.inboxId, 'spam', (c) => c.contact?.email === customer && c.id !== conversation.id);
      expect(next.filteredReason).toBe('blocked_sender');
      const unblock = await f.owner.delete(`/api/v1/blocked-senders/${encodeURIComponent(`email:${customer}`)}`);
      expect(unblock.status).toBe(204);
      const back = (await listView(f.owner, f.inboxId, 'open')).filter((c) => c.contact?.email === customer).map((c) => c.id).sort();
      expect(back).toEqual([conversation.id, next.id].sort());
      expect((await f.owner.delete(`/api/v1/blocked-senders/${encodeURIComponent(`email:${customer}`)}`)).status).toBe(409);
    });

    it('marks only this thread as spam', async () => {
      const customer = uniqueEmail('mixed');
      await deliver(f, { from: customer, to: f.address, subject: 'One', text: 'a' });
      await deliver(f, { from: customer, to: f.address, subject: 'Two', text: 'b' });
      const one = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === customer && c.subject === 'One');
      const two = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === customer && c.subject === 'Two');
      expect((await f.owner.post(`/api/v1/conversations/${one.id}/spam`)).body.filteredReason).toBe('marked_spam');
      expect((await listView(f.owner, f.inboxId, 'spam')).map((c) => c.id)).toContain(one.id);
      expect((await listView(f.owner, f.inboxId, 'open')).map((c) => c.id)).toContain(two.id);
      await deliver(f, { from: customer, to: f.address, subject: 'Three', text: 'c' });
      expect((await waitForInView(f.owner, f.inboxId, 'open', (c) => c.subject === 'Three' && c.contact?.email === customer)).filtered).toBe(false);
    });
  });

  describe('replies and outbound mail', () => {
    it('replies by email with threading headers, assigns the replier, and threads the answer back', async () => {
      const agent = await addAgent(f);
      const customer = uniqueEmail('reply');
      const first = await deliver(f, { from: `Kari <${customer}>`, to: f.address, subject: 'Refund', text: 'I want a refund' });
      const conversation = await waitForInView(f.owner, f.inboxId, 'unassigned', (c) => c.contact?.email === customer);
      const reply = await agent.client.post(`/api/v1/conversations/${conversation.id}/messages`, { html: '<p>Of <b>course</b>.</p><script>alert(1)</script>' });
      expect(reply.status).toBe(201);
      expect(reply.body).toMatchObject({ direction: 'outbound', deliveryStatus: 'queued' });
      expect(reply.body.html).not.toContain('script');
      const sent = await waitFor('mail at the relay', async () => f.sink.messages.find((m) => m.envelope.to.includes(customer)));
      expect(sent.parsed.subject).toBe('Re: Refund');
      expect(sent.parsed.inReplyTo).toBe(`<${first.messageId}>`);
      expect(sent.parsed.references).toContain(`<${first.messageId}>`);
      expect(sent.parsed.from?.address).toBe(f.address);
      expect(sent.parsed.text).toContain('Of course');
      const after = (await f.owner.get(`/api/v1/conversations/${conversation.id}`)).body;
      expect(after.assignee?.id).toBe(agent.id);
      expect(after.lastMessageDirection).toBe('outbound');
      expect((await listView(agent.client, f.inboxId, 'mine')).map((c) => c.id)).toContain(conversation.id);
      await waitFor('delivery recorded', async () => (await f.owner.get(`/api/v1/conversations/${conversation.id}`)).body.messages[1].deliveryStatus === 'sent');

      const outboundId = /<([^>]+)>/.exec(sent.parsed.messageId ?? '')![1];
      await deliver(f, { from: customer, to: f.address, subject: 'Re: Refund', text: 'Thanks!', inReplyTo: outboundId, references: [first.messageId, outboundId] });
      await waitFor('answer threaded', async () => (await f.owner.get(`/api/v1/conversations/${conversation.id}`)).body.messages.length === 3);
      expect((await f.owner.get(`/api/v1/conversations/${conversation.id}`)).body.lastMessageDirection).toBe('inbound');
    });

    it('keeps a composed email in Sent until the contact replies, then moves it to All open', async () => {
      const customer = uniqueEmail('prospect');
      const composed = await f.owner.post('/api/v1/conversations', { inboxId: f.inboxId, channel: 'email', to: customer, subject: 'Welcome', text: 'Hello there' });
      expect(composed.status).toBe(201);
      const id = composed.body.id;
      expect((await listView(f.owner, f.inboxId, 'sent')).map((c) => c.id)).toContain(id);
      expect((await listView(f.owner, f.inboxId, 'open')).map((c) => c.id)).not.toContain(id);
      const sent = await waitFor('mail at the relay', async () => f.sink.messages.find((m) => m.envelope.to.includes(customer)));
      const outboundId = /<([^>]+)>/.exec(sent.parsed.messageId ?? '')![1];
      await deliver(f, { from: customer, to: f.address, subject: 'Re: Welcome', text: 'Hi!', inReplyTo: outboundId });
      await waitForInView(f.owner, f.inboxId, 'open', (c) => c.id === id);
      expect((await listView(f.owner, f.inboxId, 'sent')).map((c) => c.id)).not.toContain(id);
    });

    it('replies to all: everyone the customer copied gets it, our own addresses never, and Bcc stays out of the headers', async () => {
      const customer = uniqueEmail('replyall');
      const [ola, per, boss, archive] = ['ola', 'per', 'boss', 'archive'].map((n) => uniqueEmail(n));
      const [local, domain] = f.address.split('@');
      await deliver(f, { from: `Kari <${customer}>`, to: `${f.address}, Ola <${ola}>`, cc: `Per <${per}>, ${local}+other@${domain}`, subject: 'All of us', text: 'Please answer us all.' });
      const conversation = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === customer);
      expect(conversation.participantCount).toBe(3);
      const reply = await f.owner.post(`/api/v1/conversations/${conversation.id}/messages`, { text: 'Answering everyone.', replyAll: true, cc: [boss], bcc: [archive, ola] });
      expect(reply.status).toBe(201);
      expect(reply.body.to.map((a: { address: string }) => a.address)).toEqual([customer]);
      expect(reply.body.cc.map((a: { address: string }) => a.address)).toEqual([ola, per, boss]);
      expect(reply.body.bcc.map((a: { address: string }) => a.address)).toEqual([archive]);
      const sent = await waitFor('the reply-all at the relay', async () => f.sink.messages.find((m) => m.envelope.to.includes(customer) && String(m.parsed.text).includes('Answering everyone.')));
      expect([...sent.envelope.to].sort()).toEqual([customer, ola, per, boss, archive].sort());
      const ccHeader = ((sent.parsed.cc ?? []) as { address: string }[]).map((c) => c.address);
      expect(ccHeader.sort()).toEqual([ola, per, boss].sort());
      expect(sent.parsed.bcc).toBeUndefined();
      expect(sent.raw.toString()).not.toContain(archive);

      // A new email can carry copies too.
      const composed = await f.owner.post('/api/v1/conversations', { inboxId: f.inboxId, to: uniqueEmail('newto'), cc: [uniqueEmail('newcc')], bcc: [archive], subject: 'Copies', text: 'With copies' });
      expect(composed.status).toBe(201);
      expect(composed.body.messages[0].cc).toHaveLength(1);
      expect(composed.body.messages[0].bcc.map((a: { address: string }) => a.address)).toEqual([archive]);

      // Bad copies change nothing.
      const before = (await f.owner.get(`/api/v1/conversations/${conversation.id}`)).body.messages.length;
      const bad: [unknown, number, string][] = [
        [{ text: 'x', cc: ['not an address'] }, 400, 'invalid_recipient'],
        [{ text: 'x', bcc: 'boss@customer.example' }, 400, 'validation_failed'],
        [{ text: 'x', replyAll: false }, 400, 'validation_failed'],
        [{ text: 'x', cc: Array.from({ length: 49 }, (_, i) => `p${i}@customer.example`), bcc: ['q@customer.example', 'r@customer.example'] }, 400, 'too_many_recipients'],
      ];
      for (const [body, status, code] of bad) {
        const response = await f.owner.post(`/api/v1/conversations/${conversation.id}/messages`, body);
        expect({ body, status: response.status, code: response.body.error?.code }).toEqual({ body, status, code });
      }
      expect((await f.owner.post('/api/v1/conversations', { inboxId: f.inboxId, to: customer, cc: ['nope'], text: 'x' })).body.error.code).toBe('invalid_recipient');
      expect((await f.owner.get(`/api/v1/conversations/${conversation.id}`)).body.messages).toHaveLength(before);
    });

    it('refuses bad replies and compositions with clear errors and changes nothing', async () => {
      const customer = uniqueEmail('badreply');
      await deliver(f, { from: customer, to: f.address, subject: 'Hi', text: 'x' });
      const conversation = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === customer);
      const before = (await f.owner.get(`/api/v1/conversations/${conversation.id}`)).body;
      expect((await f.owner.post(`/api/v1/conversations/${conversation.id}/messages`, {})).status).toBe(400);
      expect((await f.owner.post(`/api/v1/conversations/${conversation.id}/messages`, { text: 42 })).status).toBe(400);
      expect((await f.owner.post(`/api/v1/conversations/${conversation.id}/messages`, { text: 'x', channel: 'fax' })).status).toBe(400);
      expect((await f.owner.post(`/api/v1/conversations/${conversation.id}/messages`, { text: 'x', channel: 'chat' })).body.error.code).toBe('channel_not_available');
      expect((await f.owner.post(`/api/v1/conversations/${conversation.id}/messages`, { text: 'x', channel: 'messenger' })).body.error.code).toBe('channel_not_available');
      expect((await f.owner.post(`/api/v1/conversations/${conversation.id}/messages`, { text: 'x', channel: 'phone' })).body.error.code).toBe('channel_not_supported');
      expect((await f.owner.post('/api/v1/conversations', { inboxId: f.inboxId, to: 'not-an-address', text: 'x' })).status).toBe(400);
      expect((await f.owner.post('/api/v1/conversations', { inboxId: 'inb_nope', to: customer, text: 'x' })).status).toBe(404);
      const after = (await f.owner.get(`/api/v1/conversations/${conversation.id}`)).body;
      expect(after.messages).toHaveLength(before.messages.length);
      expect(after.version).toBe(before.version);
    });
  });

  it('keeps view counts equal to the lists', async () => {
    const counts = await viewCounts(f.owner, f.inboxId);
    for (const view of ['unassigned', 'open', 'email', 'sent', 'spam', 'trash', 'closed']) {
      expect(counts[view]).toBe((await listView(f.owner, f.inboxId, view)).length);
    }
  });
});
