// Inbound calls ring people, against the real ingest, conversation and routing services and a
// local stand-in for the provider's voice network: the available members with a phone number
// are rung in turn (or together), the one who picks up is on the call record and takes the
// conversation, away agents are skipped, and the caller reaches the voicemail only when nobody
// answers. Under contact-owner routing the caller's owner rings first. Bad phone numbers, ring
// settings and forged callbacks change nothing.
import { randomInt } from 'node:crypto';
import { addAgent, startInboxFixture, waitForInView, type InboxFixture } from '../support/inbox-fixture';
import { FakeVoiceNetwork, newCallSid } from '../support/fake-voice-network';
import { waitFor } from '@inbox/testkit';

jest.setTimeout(180_000);

const AUTH_TOKEN = 'voice-auth-token-of-account';
type Agent = Awaited<ReturnType<typeof addAgent>>;

describe('inbound calls ring agents', () => {
  let f: InboxFixture;
  let network: FakeVoiceNetwork;
  let channelId: string;
  let eventsUrl: string;
  const lineNumber = `+4722${randomInt(100000, 999999)}`;
  // Ring order is the inbox's round robin: ordered by user id.
  let first: Agent & { phone: string };
  let second: Agent & { phone: string };
  let noPhone: Agent;

  beforeAll(async () => {
    // Ingest reads channel settings fresh, so a changed ring setting applies to the next call.
    f = await startInboxFixture({ INGEST_CHANNEL_CACHE_MS: '0' }, ['routing']);
    network = new FakeVoiceNetwork(AUTH_TOKEN);
    const phone = await f.owner.post(`/api/v1/inboxes/${f.inboxId}/channels`, { type: 'phone', name: 'Support line', phoneNumber: lineNumber, authToken: AUTH_TOKEN, ringSeconds: 15 });
    expect(phone.status).toBe(201);
    expect(phone.body).toMatchObject({ ringStrategy: 'sequential', ringSeconds: 15 });
    channelId = phone.body.id;
    eventsUrl = `${f.stack.ingestUrl}/ingest/v1/calls/${channelId}/events`;
    const agents = [await addAgent(f), await addAgent(f)].sort((a, b) => (a.id < b.id ? -1 : 1));
    const withPhone = async (agent: Agent) => {
      const number = `+4790${randomInt(100000, 999999)}`;
      const set = await agent.client.patch('/api/v1/me', { phoneNumber: number });
      expect(set.status).toBe(200);
      expect(set.body.phoneNumber).toBe(number);
      return { ...agent, phone: number };
    };
    first = await withPhone(agents[0]);
    second = await withPhone(agents[1]);
    // A member without a number is never rung; nor are the owner (no number) or non-members.
    noPhone = await addAgent(f);
    const outsider = await addAgent(f, 'agent', { member: false });
    expect((await outsider.client.patch('/api/v1/me', { phoneNumber: '+4799999999' })).status).toBe(200);
  });

  afterAll(async () => {
    await f?.stop();
  });

  const detail = async (id: string) => (await f.owner.get(`/api/v1/conversations/${id}`)).body;
  const caller = () => `+4791${randomInt(100000, 999999)}`;
  const callConversation = (from: string) => waitForInView(f.owner, f.inboxId, 'calls', (c) => c.subject === `Call from ${from}`);

  it('rings two agents in turn; the second answers, is on the call record and takes the conversation', async () => {
    const from = caller();
    const call = await network.inboundCall({ eventsUrl, from, to: lineNumber, picksUp: (phone) => phone === second.phone });
    expect(call.rounds).toEqual([
      { timeoutSeconds: 15, numbers: [first.phone] },
      { timeoutSeconds: 15, numbers: [second.phone] },
    ]);
    expect(call.answeredNumber).toBe(second.phone);
    expect(call.whisper).toContain('A call for Support line.');
    expect(call.voicemail).toBe(false);
    expect(call.last).toContain('<Hangup/>');

    const conversation = await callConversation(from);
    const done = await waitFor('the finished call on its record', async () => {
      const d = await detail(conversation.id);
      return d.call?.status === 'completed' && d.call.answeredBy ? d : undefined;
    });
    expect(done.call).toMatchObject({ callSid: call.callSid, answeredBy: second.id, missed: false, durationSeconds: 65 });
    expect(done.assignee?.id).toBe(second.id);
    const lines = done.messages.map((m: { text: string }) => m.text);
    expect(lines).toEqual([`Incoming call from ${from}`, expect.stringMatching(/^Answered by agent /), `Call from ${from} ended after 1:05`]);
    expect(lines[1]).toBe(`Answered by ${(await f.owner.get(`/api/v1/users`)).body.items.find((u: { id: string }) => u.id === second.id).name}`);
    // The provider repeating the pick-up changes nothing.
    const again = await network.post(`${eventsUrl}?answeredBy=${second.id}`, { CallSid: newCallSid(), ParentCallSid: call.callSid, CallStatus: 'in-progress' });
    expect(again.status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect((await detail(conversation.id)).messages).toHaveLength(3);
  });

  it('rings everyone together when the line says so; whoever answers first takes it', async () => {
    expect((await f.owner.patch(`/api/v1/channels/${channelId}`, { ringStrategy: 'simultaneous', ringSeconds: 25 })).body).toMatchObject({ ringStrategy: 'simultaneous', ringSeconds: 25 });
    try {
      const from = caller();
      const call = await network.inboundCall({ eventsUrl, from, to: lineNumber, picksUp: (phone) => phone === first.phone });
      expect(call.rounds).toHaveLength(1);
      expect(call.rounds[0].timeoutSeconds).toBe(25);
      expect([...call.rounds[0].numbers].sort()).toEqual([first.phone, second.phone].sort());
      const conversation = await callConversation(from);
      const done = await waitFor('the answered call', async () => ((await detail(conversation.id)).call?.answeredBy ? detail(conversation.id) : undefined));
      expect(done.call.answeredBy).toBe(first.id);
      expect(done.assignee?.id).toBe(first.id);

      // Nobody answers a ring together: straight to the voicemail.
      const unanswered = await network.inboundCall({ eventsUrl, from: caller(), to: lineNumber, picksUp: () => false });
      expect(unanswered.rounds).toHaveLength(1);
      expect(unanswered.voicemail).toBe(true);
    } finally {
      await f.owner.patch(`/api/v1/channels/${channelId}`, { ringStrategy: 'sequential', ringSeconds: 15 });
    }
  });

  it('skips agents who are away, and takes a voicemail only when nobody picks up', async () => {
    expect((await first.client.put('/api/v1/me/availability', { status: 'away' })).status).toBe(200);
    try {
      const from = caller();
      const call = await network.inboundCall({ eventsUrl, from, to: lineNumber, picksUp: () => false });
      expect(call.rounds).toEqual([{ timeoutSeconds: 15, numbers: [second.phone] }]);
      expect(call.voicemail).toBe(true);
      const conversation = await callConversation(from);
      const missed = await waitFor('the missed call', async () => {
        const d = await detail(conversation.id);
        return d.call?.status === 'completed' ? d : undefined;
      });
      expect(missed.call.answeredBy).toBeNull();
      expect(missed.assignee).toBeNull();
    } finally {
      await first.client.put('/api/v1/me/availability', { status: 'available' });
    }
    // With everyone away the caller goes straight to the voicemail.
    await Promise.all([first, second].map((a) => a.client.put('/api/v1/me/availability', { status: 'away' })));
    try {
      const call = await network.inboundCall({ eventsUrl, from: caller(), to: lineNumber, picksUp: () => true });
      expect(call.rounds).toEqual([]);
      expect(call.voicemail).toBe(true);
    } finally {
      await Promise.all([first, second].map((a) => a.client.put('/api/v1/me/availability', { status: 'available' })));
    }
  });

  it("rings the caller's owner first under contact-owner routing, then the others", async () => {
    const from = caller();
    await network.inboundCall({ eventsUrl, from, to: lineNumber, picksUp: () => false });
    const contactId = (await callConversation(from)).contact.id as string;
    expect((await f.owner.patch(`/api/v1/contacts/${contactId}`, { ownerId: second.id })).status).toBe(200);
    // Round robin alone rings in id order; the owner comes first only under contact-owner routing.
    const plain = await network.inboundCall({ eventsUrl, from, to: lineNumber, picksUp: () => false });
    expect(plain.rounds.map((r) => r.numbers[0])).toEqual([first.phone, second.phone]);
    expect((await f.owner.put(`/api/v1/inboxes/${f.inboxId}/routing`, { mode: 'contact_owner' })).status).toBe(200);
    try {
      const owned = await network.inboundCall({ eventsUrl, from, to: lineNumber, picksUp: (phone) => phone === first.phone });
      expect(owned.rounds.map((r) => r.numbers)).toEqual([[second.phone], [first.phone]]);
      // A caller without an owner rings everyone in turn, as before.
      const stranger = await network.inboundCall({ eventsUrl, from: caller(), to: lineNumber, picksUp: () => false });
      expect(stranger.rounds).toHaveLength(2);
    } finally {
      await f.owner.put(`/api/v1/inboxes/${f.inboxId}/routing`, { mode: 'none' });
    }
  });

  it("files a call under the contact that has the caller's number, and rings that contact's owner first", async () => {
    const from = caller();
    // A contact known by email, given the number by hand.
    const email = `nora-${Date.now()}@example.com`;
    expect((await f.owner.post('/api/v1/conversations', { inboxId: f.inboxId, to: email, subject: 'Hello Nora', text: 'Hi' })).status).toBe(201);
    const contactId = (await waitForInView(f.owner, f.inboxId, 'sent', (c) => c.contact?.email === email)).contact.id as string;
    expect((await f.owner.patch(`/api/v1/contacts/${contactId}`, { name: 'Nora Known', phones: ['+4722000000', from], ownerId: second.id })).status).toBe(200);
    expect((await f.owner.put(`/api/v1/inboxes/${f.inboxId}/routing`, { mode: 'contact_owner' })).status).toBe(200);
    try {
      const call = await network.inboundCall({ eventsUrl, from, to: lineNumber, picksUp: () => false });
      expect(call.rounds[0].numbers).toEqual([second.phone]);
      const conversation = await callConversation(from);
      expect(conversation.contact).toMatchObject({ id: contactId, name: 'Nora Known' });
    } finally {
      await f.owner.put(`/api/v1/inboxes/${f.inboxId}/routing`, { mode: 'none' });
    }
  });

  it('refuses bad phone numbers, ring settings and forged or malformed callbacks, changing nothing', async () => {
    for (const phoneNumber of ['12345', '+0123456789', 4790000000, '+47 900 00 000']) {
      const bad = await noPhone.client.patch('/api/v1/me', { phoneNumber });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('validation_failed');
    }
    expect((await noPhone.client.get('/api/v1/me')).body.phoneNumber).toBeNull();
    // An agent sets only their own number; admins set anyone's, and null removes it.
    expect((await noPhone.client.patch(`/api/v1/users/${first.id}`, { phoneNumber: '+4798765432' })).status).toBe(403);
    const byAdmin = await f.owner.patch(`/api/v1/users/${noPhone.id}`, { phoneNumber: '+4798765432' });
    expect(byAdmin.body.phoneNumber).toBe('+4798765432');
    expect((await f.owner.patch(`/api/v1/users/${noPhone.id}`, { phoneNumber: null })).body.phoneNumber).toBeNull();

    for (const body of [{ ringStrategy: 'loudly' }, { ringSeconds: 2 }, { ringSeconds: 600 }, { ringSeconds: '20' }]) {
      const bad = await f.owner.patch(`/api/v1/channels/${channelId}`, body);
      expect(bad.status).toBe(400);
    }
    const emailChannel = (await f.owner.get(`/api/v1/inboxes/${f.inboxId}/channels`)).body.items.find((c: { type: string }) => c.type === 'email');
    const wrongType = await f.owner.patch(`/api/v1/channels/${emailChannel.id}`, { ringStrategy: 'simultaneous' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.code).toBe('not_a_setting_of_this_channel');
    expect((await first.client.patch(`/api/v1/channels/${channelId}`, { ringSeconds: 30 })).status).toBe(403);
    expect((await f.owner.get(`/api/v1/inboxes/${f.inboxId}/channels`)).body.items.find((c: { id: string }) => c.id === channelId)).toMatchObject({ ringStrategy: 'sequential', ringSeconds: 15 });

    // A pick-up the provider did not sign, or signed with another token, names nobody.
    const from = caller();
    const ringing = await network.post(eventsUrl, { CallSid: newCallSid(), From: from, To: lineNumber, CallStatus: 'ringing', Direction: 'inbound' });
    expect(ringing.text).toContain('<Dial');
    const conversation = await callConversation(from);
    const callSid = (await detail(conversation.id)).call.callSid as string;
    const forged = await fetch(`${eventsUrl}?answeredBy=${first.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'Zm9yZ2Vk' },
      body: new URLSearchParams({ CallSid: newCallSid(), ParentCallSid: callSid, CallStatus: 'in-progress' }),
    });
    expect(forged.status).toBe(401);
    expect((await new FakeVoiceNetwork('another-accounts-token').post(`${eventsUrl}?answeredBy=${first.id}`, { CallSid: newCallSid(), ParentCallSid: callSid })).status).toBe(401);
    expect((await network.post(`${eventsUrl}?answeredBy=${first.id}`, { CallSid: newCallSid(), ParentCallSid: 'x' })).status).toBe(400);
    expect((await network.post(`${eventsUrl}?answeredBy=not-a-user`, { CallSid: newCallSid(), ParentCallSid: callSid })).status).toBe(400);
    await new Promise((r) => setTimeout(r, 500));
    const after = await detail(conversation.id);
    expect(after.call.answeredBy).toBeNull();
    expect(after.assignee).toBeNull();
  });
});
