// Contact records against the real services: agents edit a contact's name, emails, phone numbers,
// owner and typed properties (admins define the properties); mail from any of a contact's emails
// is theirs; two contacts merge into one with everything following; search shows the new name.
// Bad input, other accounts' ids and agents on admin routes change nothing.
import { randomUUID } from 'node:crypto';
import { signUp, uniqueEmail } from '../support/api-client';
import { addAgent, deliver, startInboxFixture, waitForInView, type InboxFixture } from '../support/inbox-fixture';
import { jetstream } from '@nats-io/jetstream';
import { connectNats, createLogger, publishDurably } from '@inbox/lib';
import { testStack, waitFor } from '@inbox/testkit';
import { inboundEmail } from '../support/inbound-events';

jest.setTimeout(120_000);

// Inbound mail is stored in batches, or one event at a time (the path a failed batch falls back to):
// both must file mail from a further address under its contact.
describe.each([
  ['stored in batches', {}],
  ['stored one event at a time', { CONVERSATION_INBOUND_BATCH_SIZE: '1' }],
])('contact records, inbound mail %s', (_mode, conversationEnv) => {
  let f: InboxFixture;
  let agent: Awaited<ReturnType<typeof addAgent>>;

  beforeAll(async () => {
    f = await startInboxFixture({}, ['search'], { conversation: conversationEnv });
    agent = await addAgent(f);
    await f.owner.post(`/api/v1/inboxes/${f.inboxId}/members`, { userId: agent.id });
  });

  afterAll(async () => {
    await f?.stop();
  });

  async function conversationFrom(from: string, subject: string) {
    await deliver(f, { from, to: f.address, subject, text: `About ${subject}` });
    return waitForInView(f.owner, f.inboxId, 'open', (c) => c.subject === subject);
  }

  it('lets admins define typed properties, and agents only read them', async () => {
    const plan = await f.owner.put('/api/v1/contact-properties/plan', { label: 'Plan', type: 'choice', options: ['Gold', 'Silver'] });
    expect(plan.status).toBe(200);
    expect(plan.body).toEqual({ key: 'plan', label: 'Plan', type: 'choice', options: ['Gold', 'Silver'] });
    expect((await f.owner.put('/api/v1/contact-properties/seats', { label: 'Seats', type: 'number' })).status).toBe(200);
    expect((await f.owner.put('/api/v1/contact-properties/renewal', { label: 'Renewal', type: 'date' })).status).toBe(200);
    expect((await f.owner.put('/api/v1/contact-properties/scratch', { type: 'text' })).status).toBe(200);
    expect((await f.owner.delete('/api/v1/contact-properties/scratch')).status).toBe(204);

    const bad: [string, unknown, number, string][] = [
      ['/api/v1/contact-properties/Plan', { type: 'text' }, 400, 'invalid_property_key'],
      ['/api/v1/contact-properties/tier', { type: 'list' }, 400, 'validation_failed'],
      ['/api/v1/contact-properties/tier', { type: 'choice', options: [] }, 400, 'invalid_property_options'],
      ['/api/v1/contact-properties/tier', { type: 'text', options: ['a'] }, 400, 'invalid_property_options'],
      ['/api/v1/contact-properties/tier', { type: 'text', extra: 1 }, 400, 'validation_failed'],
    ];
    for (const [path, body, status, code] of bad) {
      const response = await f.owner.put(path, body);
      expect({ path, body, status: response.status, code: response.body.error?.code }).toEqual({ path, body, status, code });
    }
    const asAgent = await agent.client.put('/api/v1/contact-properties/tier', { type: 'text' });
    expect([asAgent.status, asAgent.body.error.code]).toEqual([403, 'forbidden']);
    expect((await agent.client.delete('/api/v1/contact-properties/plan')).status).toBe(403);
    expect((await f.owner.delete('/api/v1/contact-properties/nope')).status).toBe(404);
    expect((await agent.client.get('/api/v1/contact-properties')).body.items.map((p: { key: string }) => p.key)).toEqual(['plan', 'renewal', 'seats']);
    // Another account sees none of them.
    const intruder = (await signUp(f.anonymous)).client;
    expect((await intruder.get('/api/v1/contact-properties')).body.items).toEqual([]);
  });

  it('edits name, emails, phone numbers, owner and properties, and search finds the new name', async () => {
    const first = uniqueEmail('edit');
    const conversation = await conversationFrom(first, 'Edit me');
    const id = conversation.contact.id as string;
    const second = uniqueEmail('second');
    const name = `Kari ${randomUUID().slice(0, 8)}`;
    const edited = await agent.client.patch(`/api/v1/contacts/${id}`, {
      name,
      emails: [first, second.toUpperCase()],
      phones: ['+47 912 34 567', '(555) 010-9999'],
      ownerId: agent.id,
      properties: { plan: 'Gold', seats: '012', renewal: '2027-02-28' },
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ id, name, email: first, emails: [first, second], phone: '+47 912 34 567', phones: ['+47 912 34 567', '(555) 010-9999'], ownerId: agent.id });
    expect(edited.body.properties).toEqual({ plan: 'Gold', seats: '12', renewal: '2027-02-28' });
    expect((await f.owner.get(`/api/v1/contacts/${id}`)).body).toMatchObject({ name, emails: [first, second], ownerId: agent.id });
    // The conversation shows the new name, and search finds it by the new name.
    expect((await f.owner.get(`/api/v1/conversations/${conversation.id}`)).body.contact.name).toBe(name);
    await waitFor('search by the new name', async () => {
      const found = await f.owner.get(`/api/v1/search?q=${encodeURIComponent(name)}`);
      return found.body.items?.some((c: { id: string }) => c.id === conversation.id);
    });

    // A property set to null goes; the owner and the further addresses can be cleared.
    const cleared = await f.owner.patch(`/api/v1/contacts/${id}`, { properties: { seats: null }, ownerId: null, phones: [] });
    expect(cleared.body).toMatchObject({ ownerId: null, phone: null, phones: [], properties: { plan: 'Gold', renewal: '2027-02-28' } });
    expect(cleared.body.properties.seats).toBeUndefined();
  });

  it('refuses bad edits and changes nothing', async () => {
    const mine = uniqueEmail('mine');
    const taken = uniqueEmail('taken');
    const id = (await conversationFrom(mine, 'Refuse edits')).contact.id as string;
    await conversationFrom(taken, 'Someone else');
    const before = (await f.owner.get(`/api/v1/contacts/${id}`)).body;
    const intruder = await signUp(f.anonymous);
    const cases: [unknown, number, string][] = [
      [{}, 400, 'validation_failed'],
      [{ name: 42 }, 400, 'validation_failed'],
      [{ emails: 'kari@example.com' }, 400, 'validation_failed'],
      [{ emails: ['not an address'] }, 400, 'invalid_email'],
      [{ phones: ['call me maybe'] }, 400, 'invalid_phone'],
      [{ emails: [mine, taken] }, 409, 'contact_email_taken'],
      [{ ownerId: 'usr_nobody' }, 400, 'invalid_owner'],
      [{ ownerId: intruder.userId }, 400, 'invalid_owner'],
      [{ properties: { colour: 'blue' } }, 400, 'unknown_property'],
      [{ properties: { plan: 'Bronze' } }, 400, 'invalid_property_value'],
      [{ properties: { seats: 'many' } }, 400, 'invalid_property_value'],
      [{ properties: { renewal: '2027-02-30' } }, 400, 'invalid_property_value'],
      [{ name: 'Changed', properties: { seats: 'many' } }, 400, 'invalid_property_value'],
      [{ extra: true }, 400, 'validation_failed'],
    ];
    for (const [body, status, code] of cases) {
      const response = await f.owner.patch(`/api/v1/contacts/${id}`, body);
      expect({ body, status: response.status, code: response.body.error?.code }).toEqual({ body, status, code });
    }
    expect((await f.owner.get(`/api/v1/contacts/${id}`)).body).toEqual(before);
    expect((await intruder.client.patch(`/api/v1/contacts/${id}`, { name: 'Stolen' })).status).toBe(404);
    expect((await f.owner.patch('/api/v1/contacts/ctc_nope', { name: 'Nobody' })).status).toBe(404);
    expect((await f.anonymous.patch(`/api/v1/contacts/${id}`, { name: 'Anyone' })).status).toBe(401);
    expect((await f.owner.get(`/api/v1/contacts/${id}`)).body.name).toBe(before.name);
  });

  it('files mail from any of a contact’s emails under that contact', async () => {
    const primary = uniqueEmail('primary');
    const further = uniqueEmail('further');
    const id = (await conversationFrom(primary, 'From the primary')).contact.id as string;
    expect((await f.owner.patch(`/api/v1/contacts/${id}`, { emails: [primary, further] })).status).toBe(200);
    const fromFurther = await conversationFrom(`Kari at home <${further.toUpperCase()}>`, 'From the further address');
    expect(fromFurther.contact.id).toBe(id);
    expect((await f.owner.get(`/api/v1/contacts/${id}`)).body.conversations.map((c: { subject: string }) => c.subject).sort()).toEqual(['From the further address', 'From the primary']);

    // Mail that piled up while the service was down is stored together (one batch, when batching).
    const channelId = (await f.owner.get(`/api/v1/inboxes/${f.inboxId}/channels`)).body.items.find((c: { type: string }) => c.type === 'email').id as string;
    const stranger = uniqueEmail('stranger');
    const events = [
      [`alias-${randomUUID()}`, further.toUpperCase()],
      [`alias-${randomUUID()}`, primary],
      [`alias-${randomUUID()}`, stranger],
    ];
    const conversation = f.stack.services.conversation!;
    await conversation.process.stop();
    const nc = await connectNats(testStack.TEST_NATS_URL, 'contact-records-test', createLogger({ service: 'test', level: 'silent' }));
    try {
      const js = jetstream(nc);
      const channel = { accountId: f.accountId, userId: f.ownerId, inboxId: f.inboxId, channelId, address: f.address };
      for (const [eventId, from] of events) await publishDurably(js, 'ingest.inbound.email', inboundEmail(eventId, channel, from), { msgId: eventId });
    } finally {
      await nc.close();
    }
    conversation.process.restart();
    await conversation.process.waitReady();
    const contactOf = async (eventId: string) => (await waitForInView(f.owner, f.inboxId, 'open', (c) => c.subject === `Order ${eventId}`)).contact.id as string;
    expect(await contactOf(events[0][0])).toBe(id);
    expect(await contactOf(events[1][0])).toBe(id);
    expect(await contactOf(events[2][0])).not.toBe(id);
  });

  it('merges two contacts: conversations, deals and addresses follow, and later mail from either address lands on the one left', async () => {
    const keptEmail = uniqueEmail('kept');
    const mergedEmail = uniqueEmail('merged');
    const kept = (await conversationFrom(keptEmail, 'Kept contact')).contact.id as string;
    const mergedConversation = await conversationFrom(`Merged Name <${mergedEmail}>`, 'Merged contact');
    const merged = mergedConversation.contact.id as string;
    expect((await f.owner.post(`/api/v1/contacts/${merged}/deals`, { name: 'Their deal' })).status).toBe(201);
    expect((await f.owner.patch(`/api/v1/contacts/${merged}`, { phones: ['+47 22 33 44 55'], properties: { plan: 'Silver' } })).status).toBe(200);
    expect((await f.owner.patch(`/api/v1/contacts/${kept}`, { properties: { plan: 'Gold' } })).status).toBe(200);

    const result = await agent.client.post(`/api/v1/contacts/${kept}/merge`, { otherContactId: merged });
    expect(result.status).toBe(200);
    expect(result.body.movedConversations).toBe(1);
    expect(result.body.contact).toMatchObject({ id: kept, name: 'Merged Name', email: keptEmail, emails: [keptEmail, mergedEmail], phones: ['+47 22 33 44 55'], properties: { plan: 'Gold' } });
    expect(result.body.contact.conversations.map((c: { subject: string }) => c.subject).sort()).toEqual(['Kept contact', 'Merged contact']);
    expect(result.body.contact.deals.map((d: { name: string }) => d.name)).toEqual(['Their deal']);
    expect((await f.owner.get(`/api/v1/contacts/${merged}`)).status).toBe(404);
    expect((await f.owner.get(`/api/v1/conversations/${mergedConversation.id}`)).body.contact.id).toBe(kept);
    // The merged address now names the kept contact.
    const later = await conversationFrom(mergedEmail, 'After the merge');
    expect(later.contact.id).toBe(kept);
  });

  it('finds contacts by part of the name, or the start of any of their emails', async () => {
    const tag = randomUUID().slice(0, 8);
    const primary = `finder-${tag}@example.test`;
    const further = `other-${tag}@example.test`;
    const id = (await conversationFrom(primary, `Find ${tag}`)).contact.id as string;
    expect((await f.owner.patch(`/api/v1/contacts/${id}`, { name: `Frida Finder ${tag}`, emails: [primary, further] })).status).toBe(200);
    const ids = async (q: string) => (await agent.client.get(`/api/v1/contacts?q=${encodeURIComponent(q)}`)).body.items.map((c: { id: string }) => c.id);
    expect(await ids(`finder ${tag}`)).toEqual([id]);
    expect(await ids(`finder-${tag}`)).toEqual([id]);
    expect(await ids(`other-${tag}`)).toEqual([id]);
    expect(await ids(`%${tag}`)).toEqual([]);
    expect((await agent.client.get('/api/v1/contacts?q=f')).status).toBe(400);
    expect((await agent.client.get('/api/v1/contacts')).status).toBe(400);
    const intruder = (await signUp(f.anonymous)).client;
    expect((await intruder.get(`/api/v1/contacts?q=${tag}`)).body.items).toEqual([]);
  });

  it('moves deals through their stages, closing them when won or lost', async () => {
    const contactId = (await conversationFrom(uniqueEmail('deal'), 'Deal stages')).contact.id as string;
    const deal = (await agent.client.post(`/api/v1/contacts/${contactId}/deals`, { name: 'Fleet renewal', amount: 10_000 })).body;
    expect(deal).toMatchObject({ stage: 'open', closedAt: null });
    const qualified = await agent.client.patch(`/api/v1/deals/${deal.id}`, { stage: 'qualified', amount: 12_500 });
    expect(qualified.body).toMatchObject({ stage: 'qualified', amount: 12_500, closedAt: null });
    const won = (await agent.client.patch(`/api/v1/deals/${deal.id}`, { stage: 'won' })).body;
    expect(won.stage).toBe('won');
    expect(Date.parse(won.closedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect((await agent.client.patch(`/api/v1/deals/${deal.id}`, { name: 'Fleet renewal 2027' })).body.closedAt).toBe(won.closedAt);
    expect((await agent.client.patch(`/api/v1/deals/${deal.id}`, { stage: 'proposal' })).body.closedAt).toBeNull();
    const intruder = (await signUp(f.anonymous)).client;
    const cases: [typeof f.owner, string, unknown, number][] = [
      [agent.client, `/api/v1/deals/${deal.id}`, { stage: 'signed' }, 400],
      [agent.client, `/api/v1/deals/${deal.id}`, { amount: -1 }, 400],
      [agent.client, `/api/v1/deals/${deal.id}`, {}, 400],
      [agent.client, '/api/v1/deals/dea_nope', { stage: 'won' }, 404],
      [intruder, `/api/v1/deals/${deal.id}`, { stage: 'lost' }, 404],
    ];
    for (const [client, path, body, status] of cases) expect({ body, status: (await client.patch(path, body)).status }).toEqual({ body, status });
    expect((await f.owner.get(`/api/v1/contacts/${contactId}`)).body.deals[0]).toMatchObject({ name: 'Fleet renewal 2027', stage: 'proposal', amount: 12_500 });
  });

  it('sends the survey itself on close where the inbox says so, at most once per contact in its period', async () => {
    const surveysTo = (address: string) => f.sink.messages.filter((m) => m.envelope.to.includes(address) && String(m.parsed.subject).startsWith('How did we do?'));
    const close = async (id: string) => expect((await agent.client.patch(`/api/v1/conversations/${id}`, { status: 'closed' })).status).toBe(200);
    const before = uniqueEmail('nosurvey');
    await close((await conversationFrom(before, 'Closed before the setting')).id);

    expect((await agent.client.put(`/api/v1/inboxes/${f.inboxId}/survey`, { onClose: true })).status).toBe(403);
    expect((await f.owner.put(`/api/v1/inboxes/${f.inboxId}/survey`, { onClose: true, everyDays: 0 })).status).toBe(400);
    expect((await f.owner.put('/api/v1/inboxes/inb_nope/survey', { onClose: true })).status).toBe(404);
    expect((await f.owner.put(`/api/v1/inboxes/${f.inboxId}/survey`, { onClose: true, everyDays: 30 })).body).toEqual({ onClose: true, everyDays: 30, question: 'csat' });

    const customer = uniqueEmail('surveyed');
    await close((await conversationFrom(customer, 'First closing')).id);
    const first = await waitFor('the automatic survey', async () => surveysTo(customer)[0]);
    expect(String(first.parsed.text)).toMatch(/\/feedback\/[\w-]{43}/);
    // A second closing within the period sends nothing more, and closing the same one again neither.
    await close((await conversationFrom(customer, 'Second closing')).id);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(surveysTo(customer)).toHaveLength(1);
    expect(surveysTo(before)).toHaveLength(0);

    expect((await f.owner.put(`/api/v1/inboxes/${f.inboxId}/survey`, { onClose: false })).status).toBe(200);
    const after = uniqueEmail('off');
    await close((await conversationFrom(after, 'Closed after turning it off')).id);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(surveysTo(after)).toHaveLength(0);
  });

  it('refuses merges that make no sense, changing nothing', async () => {
    const a = (await conversationFrom(uniqueEmail('ma'), 'Merge A')).contact.id as string;
    const b = (await conversationFrom(uniqueEmail('mb'), 'Merge B')).contact.id as string;
    const intruder = await signUp(f.anonymous);
    const cases: [typeof f.owner, string, unknown, number, string][] = [
      [f.owner, `/api/v1/contacts/${a}/merge`, { otherContactId: a }, 400, 'same_contact'],
      [f.owner, `/api/v1/contacts/${a}/merge`, {}, 400, 'validation_failed'],
      [f.owner, `/api/v1/contacts/${a}/merge`, { contactId: b }, 400, 'validation_failed'],
      [f.owner, `/api/v1/contacts/${a}/merge`, { otherContactId: 'ctc_nope' }, 404, 'contact_not_found'],
      [f.owner, '/api/v1/contacts/ctc_nope/merge', { otherContactId: b }, 404, 'contact_not_found'],
      [intruder.client, `/api/v1/contacts/${a}/merge`, { otherContactId: b }, 404, 'contact_not_found'],
    ];
    for (const [client, path, body, status, code] of cases) {
      const response = await client.post(path, body);
      expect({ path, body, status: response.status, code: response.body.error?.code }).toEqual({ path, body, status, code });
    }
    expect((await f.owner.get(`/api/v1/contacts/${a}`)).status).toBe(200);
    expect((await f.owner.get(`/api/v1/contacts/${b}`)).body.conversations).toHaveLength(1);
  });
});
