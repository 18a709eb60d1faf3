// Facebook Messenger and phone calls end to end, with the real ingest and conversation services
// and local fakes of Meta's Graph API and a Twilio-style telephony API: the webhook handshake,
// signed deliveries (and everything unsigned refused before parsing), de-duplication, echoes
// ignored, attachments kept, replies through the Send API with Meta's refusals on the message;
// voice callbacks becoming a call conversation with missed call, voicemail and transcript, and
// calls placed from a conversation through the provider's API.
import { createHmac, randomInt } from 'node:crypto';
import { startInboxFixture, waitForInView, type InboxFixture } from '../support/inbox-fixture';
import { fakeGraphApi, fakeTelephonyApi, PHOTO_BYTES, type FakeProvider } from '../support/fake-providers';
import { waitFor } from '@inbox/testkit';
import { signUp } from '../support/api-client';

jest.setTimeout(120_000);

const APP_SECRET = 'app-secret-of-account-a';
const PAGE_TOKEN = 'EAAG-page-access-token';
const AUTH_TOKEN = 'twilio-auth-token-a';
const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';

/** Page-scoped ids are long numbers, unique per person and page. */
const newPsid = () => `${randomInt(1e6, 9e6)}${randomInt(1e8, 9e8)}`;
const metaSign = (body: string, secret = APP_SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
const twilioSign = (url: string, params: Record<string, string>, token = AUTH_TOKEN) =>
  createHmac('sha1', token)
    .update(Object.keys(params).sort().reduce((acc, k) => acc + k + params[k], url))
    .digest('base64');

describe('Messenger and phone calls', () => {
  let f: InboxFixture;
  let graph: FakeProvider;
  let telephony: FakeProvider;
  let pageId: string;
  let verifyToken: string;
  let phoneChannelId: string;
  const phoneNumber = `+4721${randomInt(100000, 999999)}`;

  beforeAll(async () => {
    graph = await fakeGraphApi().start();
    telephony = await fakeTelephonyApi().start();
    // The fake CDN is on loopback: allowed only through the outbound client's test switch.
    f = await startInboxFixture({ OUTBOUND_ALLOW_HTTP: 'true', OUTBOUND_ALLOWED_TARGETS: new URL(graph.url).host }, [], {
      conversation: { MESSENGER_GRAPH_URL: graph.url, TELEPHONY_API_URL: telephony.url },
    });
    pageId = String(randomInt(1e9, 2e9));
    const messenger = await f.owner.post(`/api/v1/inboxes/${f.inboxId}/channels`, { type: 'messenger', name: 'Our page', pageId, appSecret: APP_SECRET, pageAccessToken: PAGE_TOKEN });
    expect(messenger.status).toBe(201);
    expect(JSON.stringify(messenger.body)).not.toContain(APP_SECRET);
    expect(JSON.stringify(messenger.body)).not.toContain(PAGE_TOKEN);
    verifyToken = messenger.body.verifyToken;
    const phone = await f.owner.post(`/api/v1/inboxes/${f.inboxId}/channels`, { type: 'phone', name: 'Support line', phoneNumber, authToken: AUTH_TOKEN, providerAccountSid: ACCOUNT_SID });
    expect(phone.status).toBe(201);
    phoneChannelId = phone.body.id;
  });

  afterAll(async () => {
    await f?.stop();
    await graph?.stop();
    await telephony?.stop();
  });

  const ingest = (path: string, init: RequestInit = {}) => fetch(`${f.stack.ingestUrl}/ingest/v1${path}`, init);
  const webhook = (body: string, signature: string | null = metaSign(body)) =>
    ingest('/messenger/webhook', { method: 'POST', headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature-256': signature } : {}) }, body });
  const messaging = (psid: string, event: Record<string, unknown>, page = pageId) =>
    JSON.stringify({ object: 'page', entry: [{ id: page, time: Date.now(), messaging: [{ sender: { id: psid }, recipient: { id: page }, timestamp: Date.now(), ...event }] }] });
  const detail = async (id: string) => (await f.owner.get(`/api/v1/conversations/${id}`)).body;

  async function conversationOf(mid: string): Promise<any> {
    return waitFor(`the conversation with ${mid}`, async () => {
      const items = (await f.owner.get(`/api/v1/inboxes/${f.inboxId}/conversations?view=messenger&limit=100`)).body.items as { id: string }[];
      for (const item of items) {
        const full = await detail(item.id);
        if (full.messages.some((m: { text: string }) => m.text.includes(mid))) return full;
      }
      return undefined;
    });
  }

  describe('Messenger', () => {
    it('answers the verification handshake only for our verify token', async () => {
      const ok = await ingest(`/messenger/webhook?hub.mode=subscribe&hub.verify_token=${verifyToken}&hub.challenge=1158201444`);
      expect(ok.status).toBe(200);
      expect(await ok.text()).toBe('1158201444');
      const wrong = await ingest('/messenger/webhook?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444');
      expect(wrong.status).toBe(403);
      expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('invalid_verify_token');
      expect((await ingest(`/messenger/webhook?hub.mode=unsubscribe&hub.verify_token=${verifyToken}&hub.challenge=1`)).status).toBe(400);
      expect((await ingest(`/messenger/webhook?hub.mode=subscribe&hub.verify_token=${verifyToken}`)).status).toBe(400);
    });

    it('stores a signed message once however often Meta retries it, ignores echoes, and keeps attachments', async () => {
      const psid = newPsid();
      const text = `Where is my order? ${psid}`;
      const body = messaging(psid, { message: { mid: `m_${psid}_1`, text } });
      for (let i = 0; i < 3; i += 1) {
        const response = await webhook(body);
        expect(response.status).toBe(200);
        expect(((await response.json()) as { status: string }).status).toBe('EVENT_RECEIVED');
      }
      expect((await webhook(messaging(psid, { message: { mid: `m_${psid}_echo`, text: 'our own send', is_echo: true } }))).status).toBe(200);
      const photo = messaging(psid, { message: { mid: `m_${psid}_2`, attachments: [{ type: 'image', payload: { url: `${graph.url}/cdn/photo-${psid}.png` } }] } });
      expect((await webhook(photo)).status).toBe(200);
      const postback = messaging(psid, { postback: { mid: `m_${psid}_3`, title: `Talk to a human ${psid}`, payload: 'HANDOFF' } });
      expect((await webhook(postback)).status).toBe(200);

      const conversation = await conversationOf(text);
      await waitFor('three messages', async () => (await detail(conversation.id)).messages.length === 3);
      const full = await detail(conversation.id);
      expect(full.channel).toBe('messenger');
      expect(full.messages.map((m: { text: string }) => m.text)).toEqual([text, `[photo-${psid}.png]`, `Talk to a human ${psid}`]);
      expect(full.messages.some((m: { text: string }) => m.text === 'our own send')).toBe(false);
      expect(full.messages[2].fields).toEqual({ postback: 'HANDOFF' });
      const [attachment] = full.messages[1].attachments;
      expect(attachment).toMatchObject({ filename: `photo-${psid}.png`, contentType: 'image/png', size: PHOTO_BYTES.length });
      const bytes = await fetch(`${f.stack.gatewayUrl}${attachment.url}`, { headers: { authorization: `Bearer ${f.owner.token}` } });
      expect(Buffer.from(await bytes.arrayBuffer()).equals(PHOTO_BYTES)).toBe(true);
    });

    it('refuses unsigned, wrongly signed and malformed deliveries, and stores nothing from them', async () => {
      const psid = newPsid();
      const body = messaging(psid, { message: { mid: `m_${psid}_bad`, text: `forged ${psid}` } });
      const missing = await webhook(body, null);
      expect(missing.status).toBe(401);
      expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('signature_required');
      const forged = await webhook(body, metaSign(body, 'not-the-app-secret'));
      expect(forged.status).toBe(401);
      expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('invalid_signature');
      expect((await webhook(body, 'sha1=abc')).status).toBe(401);
      expect((await webhook(`${body} `, metaSign(body))).status).toBe(401);
      const notJson = 'not json at all';
      expect((await webhook(notJson)).status).toBe(400);
      expect((await webhook(JSON.stringify({ object: 'instagram', entry: [] }))).status).toBe(400);
      // Signed with our secret, but for a page connected nowhere: accepted by Meta's rules, stored nowhere.
      const stranger = await webhook(messaging(psid, { message: { mid: `m_${psid}_x`, text: `stranger ${psid}` } }, '999999999999'));
      expect(stranger.status).toBe(200);
      expect(((await stranger.json()) as { accepted: number; ignored: number })).toMatchObject({ accepted: 0, ignored: 1 });
      const search = (await f.owner.get(`/api/v1/inboxes/${f.inboxId}/conversations?view=messenger&limit=100`)).body.items as { preview: string }[];
      expect(search.some((c) => c.preview.includes(psid))).toBe(false);
    });

    it('never lets one account’s app secret speak for another account’s page', async () => {
      const other = await startOtherAccount();
      const psid = newPsid();
      const body = messaging(psid, { message: { mid: `m_${psid}_cross`, text: `cross ${psid}` } }, other.pageId);
      const response = await webhook(body, metaSign(body, APP_SECRET));
      expect(response.status).toBe(200);
      expect(((await response.json()) as { accepted: number })).toMatchObject({ accepted: 0, ignored: 1 });
      const own = await webhook(body, metaSign(body, other.secret));
      expect(((await own.json()) as { accepted: number })).toMatchObject({ accepted: 1 });
      await waitFor('stored in the other account', async () => (await other.client.get(`/api/v1/inboxes/${other.inboxId}/conversations?view=messenger`)).body.items.length === 1);
      const ours = (await f.owner.get(`/api/v1/inboxes/${f.inboxId}/conversations?view=messenger&limit=100`)).body.items as { preview: string }[];
      expect(ours.some((c) => c.preview.includes(`cross ${psid}`))).toBe(false);
    });

    it('replies through the Send API, and shows Meta’s refusal (the 24-hour window) on the message', async () => {
      const psid = newPsid();
      expect((await webhook(messaging(psid, { message: { mid: `m_${psid}_q`, text: `Question ${psid}` } }))).status).toBe(200);
      const conversation = await conversationOf(`Question ${psid}`);
      const sent = await f.owner.post(`/api/v1/conversations/${conversation.id}/messages`, { text: 'Your order ships today.' });
      expect(sent.status).toBe(201);
      expect(sent.body).toMatchObject({ channel: 'messenger', deliveryStatus: 'queued' });
      await waitFor('sent', async () => (await detail(conversation.id)).messages.find((m: { id: string }) => m.id === sent.body.id).deliveryStatus === 'sent');
      const call = graph.requests.find((r) => r.path === '/me/messages' && JSON.parse(r.body).recipient.id === psid)!;
      expect(JSON.parse(call.body)).toEqual({ recipient: { id: psid }, messaging_type: 'RESPONSE', message: { text: 'Your order ships today.' } });
      expect(call.query.get('access_token')).toBe(PAGE_TOKEN);
      expect(call.query.get('appsecret_proof')).toBe(createHmac('sha256', APP_SECRET).update(PAGE_TOKEN).digest('hex'));

      const before = graph.requests.length;
      graph.answerNext({
        status: 400,
        body: { error: { message: '(#10) This message is sent outside of allowed window.', type: 'OAuthException', code: 10, error_subcode: 2018278, fbtrace_id: 'A1' } },
      });
      const late = await f.owner.post(`/api/v1/conversations/${conversation.id}/messages`, { text: 'Are you still there?' });
      expect(late.status).toBe(201);
      const failed = await waitFor('failed', async () => {
        const m = (await detail(conversation.id)).messages.find((x: { id: string }) => x.id === late.body.id);
        return m.deliveryStatus === 'failed' ? m : undefined;
      });
      expect(failed.deliveryError).toContain('outside of allowed window');
      expect(failed.deliveryError).toContain('2018278');
      await new Promise((r) => setTimeout(r, 1500));
      expect(graph.requests.length - before).toBe(1);
    });

    it('refuses replies Messenger cannot carry, changing nothing', async () => {
      const psid = newPsid();
      expect((await webhook(messaging(psid, { message: { mid: `m_${psid}_l`, text: `Long ${psid}` } }))).status).toBe(200);
      const conversation = await conversationOf(`Long ${psid}`);
      const tooLong = await f.owner.post(`/api/v1/conversations/${conversation.id}/messages`, { text: 'x'.repeat(2001) });
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.error.code).toBe('message_too_long');
      const noEmail = await f.owner.post(`/api/v1/conversations/${conversation.id}/messages`, { text: 'by email', channel: 'email' });
      expect(noEmail.status).toBe(409);
      expect(noEmail.body.error.code).toBe('no_contact_email');
      expect((await detail(conversation.id)).messages).toHaveLength(1);
    });

    it('gives a nameless Messenger contact a name and an email, after which a reply by email reaches them', async () => {
      const psid = newPsid();
      expect((await webhook(messaging(psid, { message: { mid: `m_${psid}_e`, text: `Email me ${psid}` } }))).status).toBe(200);
      const conversation = await conversationOf(`Email me ${psid}`);
      const contactId = (await detail(conversation.id)).contact.id as string;
      const address = `mona.${psid}@example.com`;
      const edited = await f.owner.patch(`/api/v1/contacts/${contactId}`, { name: 'Mona Messenger', emails: [address] });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({ name: 'Mona Messenger', email: address, emails: [address] });
      expect((await detail(conversation.id)).contact).toMatchObject({ name: 'Mona Messenger', email: address });
      const byEmail = await f.owner.post(`/api/v1/conversations/${conversation.id}/messages`, { text: 'Here are the details by email.', channel: 'email' });
      expect(byEmail.status).toBe(201);
      const sent = await waitFor('the email to the Messenger contact', async () => f.sink.messages.find((m) => m.envelope.to.includes(address)));
      expect(String(sent.parsed.text)).toContain('Here are the details by email.');
    });
  });

  async function startOtherAccount() {
    const other = await signUp(f.anonymous, 'Other company');
    const inbox = (await other.client.post('/api/v1/inboxes', { name: 'Other' })).body;
    const page = String(randomInt(2e9, 3e9));
    const secret = 'other-account-app-secret';
    expect((await other.client.post(`/api/v1/inboxes/${inbox.id}/channels`, { type: 'messenger', name: 'Other page', pageId: page, appSecret: secret })).status).toBe(201);
    return { client: other.client, inboxId: inbox.id as string, pageId: page, secret };
  }

  describe('phone calls', () => {
    async function callback(params: Record<string, string>, options: { token?: string; path?: string; signature?: string | null } = {}) {
      const path = options.path ?? `/ingest/v1/calls/${phoneChannelId}/events`;
      const url = `${f.stack.ingestUrl}${path}`;
      const signature = options.signature === undefined ? twilioSign(url, params, options.token) : options.signature;
      return fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature ? { 'x-twilio-signature': signature } : {}) },
        body: new URLSearchParams(params),
      });
    }
    const sid = () => `CA${Array.from({ length: 32 }, () => '0123456789abcdef'[randomInt(16)]).join('')}`;

    it('turns a missed call, its voicemail and transcript into one call conversation in Calls', async () => {
      const callSid = sid();
      const caller = `+4790${randomInt(100000, 999999)}`;
      const base = { CallSid: callSid, AccountSid: ACCOUNT_SID, From: caller, To: phoneNumber, Direction: 'inbound' };
      const ringing = await callback({ ...base, CallStatus: 'ringing' });
      expect(ringing.status).toBe(200);
      expect(ringing.headers.get('content-type')).toContain('text/xml');
      expect(await ringing.text()).toContain('<Record');
      const conversation = await waitForInView(f.owner, f.inboxId, 'calls', (c) => c.subject === `Call from ${caller}`);
      expect((await callback({ ...base, CallStatus: 'no-answer', CallDuration: '0' })).status).toBe(200);
      expect((await callback({ ...base, CallStatus: 'no-answer', CallDuration: '0' })).status).toBe(200);
      const recording = { ...base, CallStatus: 'completed', RecordingSid: 'RE0123456789abcdef', RecordingUrl: 'https://api.example/recordings/RE0123456789abcdef', RecordingDuration: '42' };
      expect((await callback(recording)).status).toBe(200);
      expect((await callback({ ...base, TranscriptionSid: 'TR1', TranscriptionStatus: 'completed', TranscriptionText: 'Hi, please call me back about my invoice.' })).status).toBe(200);

      const full = await waitFor('four call messages', async () => {
        const d = await detail(conversation.id);
        return d.messages.length === 4 ? d : undefined;
      });
      expect(full.messages.map((m: { text: string }) => m.text)).toEqual([
        `Incoming call from ${caller}`,
        `Missed call from ${caller} (no-answer)`,
        `Voicemail from ${caller} (0:42): https://api.example/recordings/RE0123456789abcdef`,
        'Transcript: Hi, please call me back about my invoice.',
      ]);
      expect(full.call).toMatchObject({
        callSid,
        direction: 'inbound',
        from: caller,
        to: phoneNumber,
        status: 'no-answer',
        missed: true,
        recordingUrl: 'https://api.example/recordings/RE0123456789abcdef',
        transcript: 'Hi, please call me back about my invoice.',
      });
      // A late "ringing" never takes the call back from its final state.
      expect((await callback({ ...base, CallStatus: 'ringing' })).status).toBe(200);
      expect((await detail(conversation.id)).call.status).toBe('no-answer');
    });

    it('refuses unsigned or malformed callbacks and stores nothing', async () => {
      const params = { CallSid: sid(), From: '+4791111111', To: phoneNumber, CallStatus: 'ringing', Direction: 'inbound' };
      const missing = await callback(params, { signature: null });
      expect(missing.status).toBe(401);
      const forged = await callback(params, { token: 'not-our-auth-token' });
      expect(forged.status).toBe(401);
      expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('invalid_signature');
      expect((await callback(params, { path: '/ingest/v1/calls/chn_unknown/events' })).status).toBe(404);
      expect((await callback({ ...params, CallStatus: 'exploded' })).status).toBe(400);
      expect((await callback({ ...params, CallSid: 'x' })).status).toBe(400);
      const json = await fetch(`${f.stack.ingestUrl}/ingest/v1/calls/${phoneChannelId}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
      expect(json.status).toBe(415);
      const calls = (await f.owner.get(`/api/v1/inboxes/${f.inboxId}/conversations?view=calls&limit=100`)).body.items as { subject: string }[];
      expect(calls.some((c) => c.subject === 'Call from +4791111111')).toBe(false);
    });

    it('places a call from a conversation through the provider and follows its callbacks', async () => {
      const caller = `+4790${randomInt(100000, 999999)}`;
      const inboundSid = sid();
      expect((await callback({ CallSid: inboundSid, From: caller, To: phoneNumber, CallStatus: 'ringing', Direction: 'inbound' })).status).toBe(200);
      const conversation = await waitForInView(f.owner, f.inboxId, 'calls', (c) => c.subject === `Call from ${caller}`);

      const placed = await f.owner.post(`/api/v1/conversations/${conversation.id}/calls`, {});
      expect(placed.status).toBe(201);
      expect(placed.body).toMatchObject({ channel: 'phone', direction: 'outbound', text: `Call to ${caller}`, deliveryStatus: 'queued' });
      const request = await waitFor('the provider asked to call', async () => telephony.requests.find((r) => new URLSearchParams(r.body).get('To') === caller));
      expect(request.path).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Calls.json`);
      expect(request.headers.authorization).toBe(`Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`);
      const form = new URLSearchParams(request.body);
      expect(form.get('From')).toBe(phoneNumber);
      expect(form.getAll('StatusCallbackEvent')).toEqual(['initiated', 'ringing', 'answered', 'completed']);
      const statusCallback = new URL(form.get('StatusCallback')!);
      expect(statusCallback.pathname).toBe(`/ingest/v1/calls/${phoneChannelId}/events`);
      expect(statusCallback.searchParams.get('call')).toMatch(/^cal_/);

      const outbound = await waitFor('sent with the provider’s sid', async () => {
        const d = await detail(conversation.id);
        const m = d.messages.find((x: { id: string }) => x.id === placed.body.id);
        return m.deliveryStatus === 'sent' && d.call.direction === 'outbound' ? d : undefined;
      });
      const outboundSid = outbound.call.callSid as string;
      expect(outboundSid).toMatch(/^CA\d{32}$/);
      const path = `${statusCallback.pathname}${statusCallback.search}`;
      const outBase = { CallSid: outboundSid, From: phoneNumber, To: caller, Direction: 'outbound-api' };
      expect((await callback({ ...outBase, CallStatus: 'in-progress' }, { path })).status).toBe(200);
      expect((await callback({ ...outBase, CallStatus: 'completed', CallDuration: '185' }, { path })).status).toBe(200);
      const done = await waitFor('completed', async () => {
        const d = await detail(conversation.id);
        return d.call.status === 'completed' ? d : undefined;
      });
      expect(done.call).toMatchObject({ direction: 'outbound', to: caller, durationSeconds: 185, missed: false });
      expect(done.messages.find((m: { id: string }) => m.id === placed.body.id).text).toBe(`Call to ${caller}\nCall to ${caller} ended after 3:05`);
      expect(done.messages).toHaveLength(2);
    });

    it('refuses calls it cannot place, changing nothing', async () => {
      const conversation = (await f.owner.get(`/api/v1/inboxes/${f.inboxId}/conversations?view=calls&limit=1`)).body.items[0];
      const before = (await detail(conversation.id)).messages.length;
      expect((await f.owner.post(`/api/v1/conversations/${conversation.id}/calls`, { to: '12345' })).status).toBe(400);
      expect((await f.owner.post(`/api/v1/conversations/${conversation.id}/calls`, { to: '+4712345678', extra: true })).status).toBe(400);
      expect((await f.owner.post('/api/v1/conversations/con_missing/calls', {})).status).toBe(404);
      const otherInbox = (await f.owner.post('/api/v1/inboxes', { name: 'No phone' })).body;
      const mail = (await f.owner.post(`/api/v1/inboxes/${otherInbox.id}/channels`, { type: 'email', name: 'Mail only' })).body.address as string;
      const composed = await f.owner.post('/api/v1/conversations', { inboxId: otherInbox.id, to: 'someone@example.com', subject: 'Hi', text: 'Hello' });
      expect(composed.status).toBe(201);
      const noPhone = await f.owner.post(`/api/v1/conversations/${composed.body.id}/calls`, { to: '+4712345678' });
      expect(noPhone.status).toBe(409);
      expect(noPhone.body.error.code).toBe('no_phone_channel');
      expect(mail).toContain('@');
      expect((await detail(conversation.id)).messages).toHaveLength(before);
    });
  });
});
