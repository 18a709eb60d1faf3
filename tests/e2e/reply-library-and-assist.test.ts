// The reply library (snippets, templates, knowledge-base links: admins write, agents read, one
// account never sees another's) and AI assist: the built-in extractive summary without a model,
// and with an OpenAI-compatible model (a local fake at the HTTP boundary) summaries and
// Write for me through the real client, never sending hidden messages.
import { signUp, uniqueEmail } from '../support/api-client';
import { fakeChatModel, type FakeProvider } from '../support/fake-providers';
import { addAgent, deliver, startInboxFixture, waitForInView, type InboxFixture } from '../support/inbox-fixture';

jest.setTimeout(120_000);

describe('the reply library', () => {
  let f: InboxFixture;
  beforeAll(async () => {
    f = await startInboxFixture();
  });
  afterAll(() => f.stop());

  it('lets admins write snippets, templates and article links that every agent reads', async () => {
    const snippet = await f.owner.post('/api/v1/snippets', { kind: 'snippet', name: 'Opening hours', body: 'We are open 9–17 on weekdays.' });
    expect(snippet.status).toBe(201);
    const template = await f.owner.post('/api/v1/snippets', { kind: 'template', name: 'Refund started', body: 'Hi {{contact.name}},\n\nYour refund is on its way.\n\n{{agent.name}}' });
    const article = await f.owner.post('/api/v1/snippets', { kind: 'article', name: 'How refunds work', body: 'https://help.example.com/refunds' });
    expect([template.status, article.status]).toEqual([201, 201]);
    // The same name is fine for another kind.
    expect((await f.owner.post('/api/v1/snippets', { kind: 'template', name: 'Opening hours', body: 'Full template' })).status).toBe(201);

    const agent = await addAgent(f);
    const listed = (await agent.client.get('/api/v1/snippets')).body.items;
    expect(listed.map((s: { kind: string; name: string }) => `${s.kind}:${s.name}`)).toEqual(['article:How refunds work', 'snippet:Opening hours', 'template:Opening hours', 'template:Refund started']);

    const changed = await f.owner.put(`/api/v1/snippets/${snippet.body.id}`, { kind: 'snippet', name: 'Opening hours', body: 'We are open 8–16.' });
    expect(changed.body).toMatchObject({ id: snippet.body.id, body: 'We are open 8–16.' });
    expect((await f.owner.delete(`/api/v1/snippets/${article.body.id}`)).status).toBe(204);
    expect((await agent.client.get('/api/v1/snippets')).body.items.map((s: { id: string }) => s.id)).not.toContain(article.body.id);
  });

  it('refuses bad entries, agents writing, name clashes and unknown ids, changing nothing', async () => {
    const before = (await f.owner.get('/api/v1/snippets')).body.items;
    const agent = await addAgent(f);
    const cases: [() => Promise<{ status: number; body: any }>, number, string][] = [
      [() => f.owner.post('/api/v1/snippets', { kind: 'macro', name: 'X', body: 'y' }), 400, 'validation_failed'],
      [() => f.owner.post('/api/v1/snippets', { kind: 'snippet', name: '  ', body: 'y' }), 400, 'validation_failed'],
      [() => f.owner.post('/api/v1/snippets', { kind: 'snippet', name: 'Empty', body: '   ' }), 400, 'body_required'],
      [() => f.owner.post('/api/v1/snippets', { kind: 'article', name: 'Bad link', body: 'javascript:alert(1)' }), 400, 'invalid_url'],
      [() => f.owner.post('/api/v1/snippets', { kind: 'snippet', name: 'x'.repeat(101), body: 'y' }), 400, 'validation_failed'],
      [() => f.owner.post('/api/v1/snippets', { kind: 'snippet', name: 'Extra', body: 'y', shared: true }), 400, 'validation_failed'],
      [() => agent.client.post('/api/v1/snippets', { kind: 'snippet', name: 'Mine', body: 'y' }), 403, 'forbidden'],
      [() => f.owner.put('/api/v1/snippets/snp_nope', { kind: 'snippet', name: 'Ghost', body: 'y' }), 404, 'snippet_not_found'],
      [() => f.owner.delete('/api/v1/snippets/snp_nope'), 404, 'snippet_not_found'],
    ];
    for (const [call, status, code] of cases) {
      const response = await call();
      expect([response.status, response.body?.error?.code]).toEqual([status, code]);
    }
    const first = await f.owner.post('/api/v1/snippets', { kind: 'snippet', name: 'Unique name', body: 'one' });
    const clash = await f.owner.post('/api/v1/snippets', { kind: 'snippet', name: 'UNIQUE NAME', body: 'two' });
    expect([clash.status, clash.body.error.code]).toEqual([409, 'snippet_name_taken']);
    const after = (await f.owner.get('/api/v1/snippets')).body.items;
    expect(after).toHaveLength(before.length + 1);
    expect(after.find((s: { id: string }) => s.id === first.body.id).body).toBe('one');
  });

  it('keeps each account to its own library', async () => {
    const mine = await f.owner.post('/api/v1/snippets', { kind: 'snippet', name: 'Private wording', body: 'Only for us' });
    const other = await signUp(f.anonymous, 'Other company');
    expect((await other.client.get('/api/v1/snippets')).body.items).toEqual([]);
    expect((await other.client.put(`/api/v1/snippets/${mine.body.id}`, { kind: 'snippet', name: 'Taken over', body: 'x' })).status).toBe(404);
    expect((await other.client.delete(`/api/v1/snippets/${mine.body.id}`)).status).toBe(404);
    expect((await f.owner.get('/api/v1/snippets')).body.items.find((s: { id: string }) => s.id === mine.body.id).name).toBe('Private wording');
  });
});

describe('AI assist', () => {
  async function conversationIn(f: InboxFixture, subject: string) {
    const customer = uniqueEmail('assist');
    await deliver(f, { from: `Kari Kunde <${customer}>`, to: f.address, subject, text: 'My invoice for March was charged twice on my credit card. Please refund the duplicate invoice charge.' });
    const conversation = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.contact?.email === customer);
    await f.owner.post(`/api/v1/conversations/${conversation.id}/messages`, { text: 'I can see the duplicate invoice charge and have started a refund to your credit card.' });
    return conversation;
  }

  describe('without a model', () => {
    let f: InboxFixture;
    beforeAll(async () => {
      f = await startInboxFixture();
    });
    afterAll(() => f.stop());

    it('summarises extractively, and says Write for me is not available', async () => {
      const conversation = await conversationIn(f, 'Charged twice');
      expect((await f.owner.get('/api/v1/assist')).body).toEqual({ summarize: true, writeForMe: false });
      const summary = await f.owner.post(`/api/v1/conversations/${conversation.id}/summary`, {});
      expect(summary.status).toBe(200);
      expect(summary.body.source).toBe('extractive');
      expect(summary.body.summary).toContain('About: Charged twice');
      expect(summary.body.summary).toContain('Kari Kunde: My invoice for March was charged twice on my credit card.');
      expect(summary.body.summary.split('\n').pop()).toBe('We replied last.');

      const draft = await f.owner.post(`/api/v1/conversations/${conversation.id}/draft`, { prompt: 'Say sorry' });
      expect([draft.status, draft.body.error.code]).toEqual([409, 'assist_not_configured']);
    });

    it('refuses bad requests and other accounts', async () => {
      const conversation = await conversationIn(f, 'Bad assist input');
      expect((await f.owner.post(`/api/v1/conversations/${conversation.id}/draft`, { prompt: '' })).status).toBe(400);
      expect((await f.owner.post(`/api/v1/conversations/${conversation.id}/draft`, { prompt: 'x'.repeat(2001) })).status).toBe(400);
      expect((await f.owner.post('/api/v1/conversations/con_unknown/summary', {})).status).toBe(404);
      const other = await signUp(f.anonymous, 'Nosy');
      expect((await other.client.post(`/api/v1/conversations/${conversation.id}/summary`, {})).status).toBe(404);
      expect((await f.anonymous.post(`/api/v1/conversations/${conversation.id}/summary`, {})).status).toBe(401);
    });
  });

  describe('with an OpenAI-compatible model', () => {
    let f: InboxFixture;
    let model: FakeProvider;
    beforeAll(async () => {
      model = await fakeChatModel().start();
      f = await startInboxFixture({}, [], { conversation: { CONVERSATION_ASSIST_URL: `${model.url}/v1`, CONVERSATION_ASSIST_API_KEY: 'sk-test-key', CONVERSATION_ASSIST_MODEL: 'tiny-model' } });
    });
    afterAll(async () => {
      await f.stop();
      await model.stop();
    });

    it('drafts and summarises through the model, never sending hidden messages, and falls back when it fails', async () => {
      const conversation = await conversationIn(f, 'Charged twice again');
      const secret = (await f.owner.get(`/api/v1/conversations/${conversation.id}`)).body.messages[0].id;
      expect((await f.owner.post(`/api/v1/messages/${secret}/hide`, {})).status).toBe(200);
      expect((await f.owner.get('/api/v1/assist')).body).toEqual({ summarize: true, writeForMe: true });

      const draft = await f.owner.post(`/api/v1/conversations/${conversation.id}/draft`, { prompt: 'Tell her it takes 3 days' });
      expect(draft.body).toEqual({ text: 'MODEL DRAFT for: Tell her it takes 3 days' });
      const asked = model.requests[model.requests.length - 1];
      expect(asked.headers.authorization).toBe('Bearer sk-test-key');
      const payload = JSON.parse(asked.body);
      expect(payload.model).toBe('tiny-model');
      expect(payload.messages[1].content).toContain('started a refund');
      expect(payload.messages[1].content).not.toContain('charged twice');

      const summary = await f.owner.post(`/api/v1/conversations/${conversation.id}/summary`, {});
      expect(summary.body).toEqual({ summary: 'MODEL SUMMARY (tiny-model)', source: 'model' });

      // The provider fails: the summary falls back to extractive, the draft says the provider is unavailable.
      model.answerNext({ status: 500, body: { error: { message: 'overloaded' } } }, { status: 429, body: { error: { message: 'rate limited' } } });
      const fallback = await f.owner.post(`/api/v1/conversations/${conversation.id}/summary`, {});
      expect(fallback.body.source).toBe('extractive');
      expect(fallback.body.summary).toContain('started a refund');
      const failed = await f.owner.post(`/api/v1/conversations/${conversation.id}/draft`, { prompt: 'Anything' });
      expect([failed.status, failed.body.error.code]).toEqual([503, 'assist_unavailable']);
      expect(failed.body.error.message).toContain('rate limited');
    });
  });
});
