// Reports against the real services. A generated month of history (see report-history.ts) in an
// account whose time zone changes from summer to winter time inside the month must give, for
// every grouping and filter, exactly what an independent computation from that history gives;
// the CSV says the same. The service's own code paths record their facts too: a reply, a
// closing, a customer reopening, an NPS survey answered and answered again, a service-level
// breach. Agents see only their own figures, other accounts see nothing, bad queries change nothing.
import pg from 'pg';
import { signUp, uniqueEmail } from '../support/api-client';
import { addAgent, deliver, startInboxFixture, waitForInView, type InboxFixture } from '../support/inbox-fixture';
import { expectedSummary, removeHistory, writeHistory, type Fact, type Grouping } from '../support/report-history';
import { databaseUrl, waitFor } from '@inbox/testkit';

jest.setTimeout(180_000);

const TIME_ZONE = 'America/New_York';
const FROM = '2026-10-15';
const TO = '2026-11-14';

/** Floats compared to 9 places: the service and the test divide in different orders. */
function rounded(value: unknown): unknown {
  if (typeof value === 'number' && !Number.isInteger(value)) return Math.round(value * 1e9) / 1e9;
  if (Array.isArray(value)) return value.map(rounded);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rounded(v)]));
  return value;
}

describe('reports', () => {
  let f: InboxFixture;
  let db: pg.Client;
  let facts: Fact[];
  let inboxIds: string[];
  let teamIds: string[];
  let agents: Awaited<ReturnType<typeof addAgent>>[];

  beforeAll(async () => {
    f = await startInboxFixture({}, ['routing']);
    db = new pg.Client({ connectionString: databaseUrl('inbox_test_conversation') });
    await db.connect();
    expect((await f.owner.patch('/api/v1/account', { timeZone: TIME_ZONE })).body.timeZone).toBe(TIME_ZONE);
    agents = [await addAgent(f), await addAgent(f), await addAgent(f)];
    const second = (await f.owner.post('/api/v1/inboxes', { name: 'Billing' })).body;
    inboxIds = [f.inboxId, second.id];
    teamIds = [
      (await f.owner.post('/api/v1/teams', { name: 'Tier 1', userIds: [agents[0].id, agents[1].id] })).body.id,
      (await f.owner.post('/api/v1/teams', { name: 'Tier 2', userIds: [agents[2].id] })).body.id,
    ];
    const contactId = `ctc_rpt_${Date.now()}`;
    await db.query(`INSERT INTO contacts (id, account_id, name, email) VALUES ($1, $2, 'Generated', $3)`, [contactId, f.accountId, uniqueEmail('generated')]);
    facts = await writeHistory(db, {
      accountId: f.accountId,
      contactId,
      inboxIds,
      teamIds,
      agentIds: agents.map((a) => a.id),
      from: FROM,
      to: TO,
      timeZone: TIME_ZONE,
      conversations: 400,
      seed: 20261202,
    });
  });

  afterAll(async () => {
    if (f) await removeHistory(db, f.accountId);
    await db?.end();
    await f?.stop();
  });

  const summary = async (client: InboxFixture['owner'], query: Record<string, string | undefined>) => {
    const defined = Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined);
    const response = await client.get(`/api/v1/reports/summary?${new URLSearchParams(defined)}`);
    expect(response.status).toBe(200);
    return response.body;
  };

  it('equals an independent computation from the generated month, for every grouping and filter, across the daylight-saving change', async () => {
    expect(facts.filter((x) => x.kind === 'created').length).toBeGreaterThan(300);
    const groupings: Grouping[] = ['day', 'week', 'inbox', 'team', 'agent', 'channel'];
    const filters: Record<string, string>[] = [{}, { inboxId: inboxIds[1] }, { teamId: teamIds[0] }, { agentId: agents[2].id }, { inboxId: inboxIds[0], teamId: teamIds[1] }];
    for (const groupBy of groupings) {
      for (const filter of filters) {
        const query = { from: FROM, to: TO, groupBy, ...filter };
        const got = await summary(f.owner, query);
        const want = expectedSummary(facts, query, TIME_ZONE);
        expect({ query, timeZone: got.timeZone, totals: rounded(got.totals) }).toEqual({ query, timeZone: TIME_ZONE, totals: rounded(want.totals) });
        expect({ query, groups: rounded(Object.fromEntries(got.groups.map((g: any) => [g.key, g.figures]))) }).toEqual({ query, groups: rounded(want.groups) });
        expect(got.busiestHours).toEqual(want.busiestHours);
      }
    }
    // Ranges holding whole months read those from the month rows, the days around them from the day rows.
    for (const [from, to] of [
      ['2026-10-01', '2026-11-30'],
      ['2026-10-20', '2026-11-30'],
      ['2026-09-15', '2026-11-05'],
    ]) {
      for (const groupBy of ['inbox', 'agent', 'channel'] as Grouping[]) {
        for (const filter of [{}, { teamId: teamIds[1] }]) {
          const query = { from, to, groupBy, ...filter };
          const got = await summary(f.owner, query);
          const want = expectedSummary(facts, query, TIME_ZONE);
          expect({ query, totals: rounded(got.totals), busiestHours: got.busiestHours }).toEqual({ query, totals: rounded(want.totals), busiestHours: want.busiestHours });
          expect({ query, groups: rounded(Object.fromEntries(got.groups.map((g: any) => [g.key, g.figures]))) }).toEqual({ query, groups: rounded(want.groups) });
        }
      }
    }
    // Days and hours in a zone half an hour off UTC, then back.
    expect((await f.owner.patch('/api/v1/account', { timeZone: 'Asia/Kolkata' })).status).toBe(200);
    for (const groupBy of ['day', 'week'] as Grouping[]) {
      const got = await summary(f.owner, { from: FROM, to: TO, groupBy });
      const want = expectedSummary(facts, { from: FROM, to: TO, groupBy }, 'Asia/Kolkata');
      expect(rounded(Object.fromEntries(got.groups.map((g: any) => [g.key, g.figures])))).toEqual(rounded(want.groups));
      expect(got.busiestHours).toEqual(want.busiestHours);
    }
    expect((await f.owner.patch('/api/v1/account', { timeZone: TIME_ZONE })).status).toBe(200);
    // A single day either side of the change to winter time, and one range of one day.
    for (const [from, to] of [
      ['2026-10-31', '2026-10-31'],
      ['2026-11-01', '2026-11-01'],
      ['2026-11-02', '2026-11-08'],
    ]) {
      const got = await summary(f.owner, { from, to, groupBy: 'day' });
      expect(rounded(got.totals)).toEqual(rounded(expectedSummary(facts, { from, to, groupBy: 'day' }, TIME_ZONE).totals));
    }
  });

  it('counts the same once every fact is folded into the day counts, and after the time zone changes', async () => {
    const pending = async () => Number((await db.query('SELECT count(*) AS n FROM report_fact_deltas WHERE account_id = $1', [f.accountId])).rows[0].n);
    await waitFor('the deltas folded', async () => ((await pending()) === 0 ? true : undefined), 30_000, 200);
    const kept = Number((await db.query(`SELECT count(*) AS n FROM report_day_counts WHERE account_id = $1 AND grain = 'day'`, [f.accountId])).rows[0].n);
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(facts.length);
    for (const groupBy of ['day', 'agent'] as Grouping[]) {
      const got = await summary(f.owner, { from: FROM, to: TO, groupBy });
      const want = expectedSummary(facts, { from: FROM, to: TO, groupBy }, TIME_ZONE);
      expect(rounded(Object.fromEntries(got.groups.map((g: any) => [g.key, g.figures])))).toEqual(rounded(want.groups));
    }
    // Another zone moves every day's boundaries: the kept counts are counted again in it.
    expect((await f.owner.patch('/api/v1/account', { timeZone: 'Pacific/Auckland' })).status).toBe(200);
    const moved = await summary(f.owner, { from: FROM, to: TO, groupBy: 'day' });
    const wantMoved = expectedSummary(facts, { from: FROM, to: TO, groupBy: 'day' }, 'Pacific/Auckland');
    expect(rounded(Object.fromEntries(moved.groups.map((g: any) => [g.key, g.figures])))).toEqual(rounded(wantMoved.groups));
    expect((await f.owner.patch('/api/v1/account', { timeZone: TIME_ZONE })).status).toBe(200);
    expect(rounded((await summary(f.owner, { from: FROM, to: TO, groupBy: 'week' })).totals)).toEqual(rounded(expectedSummary(facts, { from: FROM, to: TO, groupBy: 'week' }, TIME_ZONE).totals));
  });

  it('takes a changed fact\'s old value out of the kept percentiles and busiest hours, pending and once folded', async () => {
    const matches = async () => {
      const queries = [
        { from: FROM, to: TO, groupBy: 'inbox' as Grouping },
        { from: FROM, to: TO, groupBy: 'day' as Grouping },
        { from: FROM, to: TO, groupBy: 'day' as Grouping, agentId: agents[1].id },
        { from: '2026-10-01', to: '2026-11-30', groupBy: 'agent' as Grouping },
      ];
      for (const query of queries) {
        const got = await summary(f.owner, query);
        const want = expectedSummary(facts, query, TIME_ZONE);
        expect(rounded(got.totals)).toEqual(rounded(want.totals));
        expect(rounded(Object.fromEntries(got.groups.map((g: any) => [g.key, g.figures])))).toEqual(rounded(want.groups));
        expect(got.busiestHours).toEqual(want.busiestHours);
      }
    };
    const pending = async () => Number((await db.query('SELECT count(*) AS n FROM report_fact_deltas WHERE account_id = $1', [f.accountId])).rows[0].n);
    await waitFor('the deltas folded', async () => ((await pending()) === 0 ? true : undefined), 30_000, 200);
    // The compactor waits while this session holds its lock, so the change stays a pending delta.
    await db.query('SELECT pg_advisory_lock(7204612)');
    try {
      const resolution = (await db.query(`UPDATE report_facts SET value = value * 40 WHERE id = (SELECT id FROM report_facts WHERE account_id = $1 AND kind = 'resolution' ORDER BY value LIMIT 1) RETURNING at, value`, [f.accountId])).rows[0];
      const created = (
        await db.query(
          `UPDATE report_facts SET at = at + interval '1 hour'
            WHERE id = (SELECT id FROM report_facts WHERE account_id = $1 AND kind = 'created' AND extract(hour FROM at AT TIME ZONE $2) < 20 ORDER BY at LIMIT 1) RETURNING at`,
          [f.accountId, TIME_ZONE],
        )
      ).rows[0];
      const changedResolution = facts.find((x) => x.kind === 'resolution' && x.at.getTime() === resolution.at.getTime() && x.value === resolution.value / 40)!;
      changedResolution.value = resolution.value;
      const changedOpening = facts.find((x) => x.kind === 'created' && x.at.getTime() === created.at.getTime() - 3_600_000)!;
      changedOpening.at = created.at;
      expect(await pending()).toBe(4);
      await matches();
    } finally {
      await db.query('SELECT pg_advisory_unlock(7204612)');
    }
    await waitFor('the change folded', async () => ((await pending()) === 0 ? true : undefined), 30_000, 200);
    await matches();
  });

  it('names its groups, and exports the same figures as CSV', async () => {
    const byAgent = await summary(f.owner, { from: FROM, to: TO, groupBy: 'agent' });
    const labels = Object.fromEntries(byAgent.groups.map((g: any) => [g.key, g.label]));
    expect(labels['']).toBe('Unassigned');
    for (const agent of agents) expect(labels[agent.id]).toMatch(/^agent /);
    expect((await summary(f.owner, { from: FROM, to: TO, groupBy: 'week' })).groups[0].label).toMatch(/^Week of 2026-10-1\d$/);

    const response = await fetch(`${f.stack.gatewayUrl}/api/v1/reports/export.csv?from=${FROM}&to=${TO}&groupBy=inbox`, { headers: { authorization: `Bearer ${f.owner.token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="report-${FROM}-${TO}-by-inbox.csv"`);
    const rows = (await response.text()).trimEnd().split('\r\n').map((line) => line.split(','));
    const header = rows[0];
    const byInbox = await summary(f.owner, { from: FROM, to: TO, groupBy: 'inbox' });
    expect(rows.map((r) => r[0])).toEqual(['group', ...byInbox.groups.map((g: any) => `"${g.label}"`), '"Total"']);
    const column = (row: string[], name: string) => row[header.indexOf(name)];
    const total = rows[rows.length - 1];
    expect(Number(column(total, 'new_conversations'))).toBe(byInbox.totals.newConversations);
    expect(Number(column(total, 'first_response_median_seconds'))).toBe(byInbox.totals.firstResponse.medianSeconds);
    expect(Number(column(total, 'resolution_p90_seconds'))).toBe(byInbox.totals.resolution.p90Seconds);
    expect(Number(column(total, 'nps_score'))).toBeCloseTo(byInbox.totals.nps.score, 3);
    expect(Number(column(rows[1], 'replies'))).toBe(byInbox.groups[0].figures.replies);
  });

  it('shows agents their own figures only, other accounts nothing, and refuses bad queries', async () => {
    const agent = agents[1];
    const own = await summary(agent.client, { from: FROM, to: TO, groupBy: 'channel' });
    expect(rounded(own.totals)).toEqual(rounded(expectedSummary(facts, { from: FROM, to: TO, groupBy: 'channel', agentId: agent.id }, TIME_ZONE).totals));
    expect((await summary(agent.client, { from: FROM, to: TO, groupBy: 'day', agentId: agent.id })).totals.replies).toBe(own.totals.replies);
    const other = await agent.client.get(`/api/v1/reports/summary?from=${FROM}&to=${TO}&agentId=${agents[0].id}`);
    expect([other.status, other.body.error.code]).toEqual([403, 'forbidden']);
    expect((await agent.client.get('/api/v1/wallboard')).status).toBe(403);
    expect((await agent.client.patch('/api/v1/account', { timeZone: 'UTC' })).status).toBe(403);

    const intruder = await signUp(f.anonymous);
    const theirs = await summary(intruder.client, { from: FROM, to: TO, groupBy: 'inbox', inboxId: f.inboxId });
    expect([theirs.totals.newConversations, theirs.totals.replies, theirs.groups]).toEqual([0, 0, []]);
    expect((await summary(intruder.client, { from: FROM, to: TO, groupBy: 'agent' })).groups).toEqual([]);

    const bad: [string, number, string][] = [
      ['from=2026-10-01', 400, 'validation_failed'],
      ['from=2026-10-01&to=2026-13-01', 400, 'invalid_date'],
      ['from=2026-02-30&to=2026-03-01', 400, 'invalid_date'],
      ['from=yesterday&to=2026-03-01', 400, 'invalid_date'],
      ['from=2026-10-02&to=2026-10-01', 400, 'invalid_range'],
      ['from=2020-01-01&to=2026-01-01', 400, 'invalid_range'],
      ['from=2026-10-01&to=2026-10-02&groupBy=hour', 400, 'validation_failed'],
      ['from=2026-10-01&to=2026-10-02&sort=desc', 400, 'validation_failed'],
    ];
    for (const [query, status, code] of bad) {
      const response = await f.owner.get(`/api/v1/reports/summary?${query}`);
      expect({ query, status: response.status, code: response.body.error?.code }).toEqual({ query, status, code });
    }
    expect((await f.owner.patch('/api/v1/account', { timeZone: 'Mars/Olympus' })).body.error.code).toBe('invalid_time_zone');
    const surveyPath = `/api/v1/inboxes/${f.inboxId}/survey`;
    expect((await f.owner.put(surveyPath, { onClose: true, question: 'stars' })).status).toBe(400);
    expect((await agent.client.put(surveyPath, { onClose: true, question: 'nps' })).status).toBe(403);
    expect((await intruder.client.put(surveyPath, { onClose: true, question: 'nps' })).status).toBe(404);
    expect((await f.owner.get('/api/v1/inboxes')).body.items.find((i: any) => i.id === f.inboxId).survey).toEqual({ onClose: false, everyDays: 30, question: 'csat' });
    expect((await f.owner.patch('/api/v1/account', { name: ' ' })).body.error.code).toBe('account_name_required');
    expect((await f.owner.get('/api/v1/account')).body).toMatchObject({ id: f.accountId, timeZone: TIME_ZONE });
  });

  it("counts what the service itself does: a reply, a closing, the customer reopening, an NPS answer changed, a breach", async () => {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE }).format(new Date());
    const before = await summary(f.owner, { from: today, to: today, groupBy: 'agent' });
    await f.owner.put(`/api/v1/inboxes/${f.inboxId}/survey`, { onClose: false, question: 'nps' });
    expect((await f.owner.put(`/api/v1/inboxes/${f.inboxId}/sla`, { firstResponseMinutes: 60 })).status).toBe(200);

    const customer = uniqueEmail('live');
    const first = await deliver(f, { from: customer, to: f.address, subject: 'Live one', text: 'Hello?' });
    const live = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.subject === 'Live one');
    expect((await agents[0].client.post(`/api/v1/conversations/${live.id}/messages`, { text: 'On it' })).status).toBe(201);
    expect((await f.owner.patch(`/api/v1/conversations/${live.id}`, { assigneeId: agents[0].id, status: 'closed' })).status).toBe(200);
    const survey = await f.owner.post(`/api/v1/conversations/${live.id}/survey`, {});
    expect(survey.status).toBe(201);
    const mail = await waitFor('the survey email', async () => f.sink.messages.find((m) => m.envelope.to.includes(customer) && /\/feedback\//.test(String(m.parsed.text))));
    expect(String(mail.parsed.text)).toContain('How likely are you to recommend Support');
    const token = /\/feedback\/([\w-]{43})/.exec(String(mail.parsed.text))![1];
    expect((await f.anonymous.get(`/api/v1/feedback/${token}`)).body).toMatchObject({ question: 'nps', score: null });
    expect((await f.anonymous.post(`/api/v1/feedback/${token}`, { score: 11 })).status).toBe(400);
    expect((await f.anonymous.post(`/api/v1/feedback/${token}`, { score: 0 })).status).toBe(204);
    expect((await f.anonymous.get(`/api/v1/feedback/${token}`)).body.score).toBe(0);
    expect((await f.anonymous.post(`/api/v1/feedback/${token}`, { score: 10 })).status).toBe(204);
    await deliver(f, { from: customer, to: f.address, subject: 'Re: Live one', text: 'One more thing', inReplyTo: first.messageId, references: [first.messageId] });

    // A second conversation waits past its first-response target.
    await deliver(f, { from: uniqueEmail('late'), to: f.address, subject: 'Too late', text: 'Anyone?' });
    const late = await waitForInView(f.owner, f.inboxId, 'open', (c) => c.subject === 'Too late');
    // Its timeline moves back 61 minutes and the policy is saved again, so every recomputation of
    // its target agrees that it is past due (a due time written alone is put back by the next one).
    await db.query(`UPDATE messages SET created_at = created_at - interval '61 minutes' WHERE conversation_id = $1`, [late.id]);
    await db.query(`UPDATE conversations SET created_at = created_at - interval '61 minutes' WHERE id = $1`, [late.id]);
    expect((await f.owner.put(`/api/v1/inboxes/${f.inboxId}/sla`, { firstResponseMinutes: 60 })).status).toBe(200);

    const after = await waitFor('the live facts', async () => {
      const s = await summary(f.owner, { from: today, to: today, groupBy: 'agent' });
      const missing = [s.totals.reopened > before.totals.reopened || 'the reopening', s.totals.sla.breached > before.totals.sla.breached || 'the breach'].filter((x) => x !== true);
      if (missing.length) throw new Error(`still missing ${missing.join(' and ')}`);
      return s;
    });
    const mine = after.groups.find((g: any) => g.key === agents[0].id).figures;
    const mineBefore = before.groups.find((g: any) => g.key === agents[0].id)?.figures;
    expect(after.totals.newConversations - before.totals.newConversations).toBe(2);
    expect(mine.replies - (mineBefore?.replies ?? 0)).toBe(1);
    expect(mine.firstResponse.count - (mineBefore?.firstResponse.count ?? 0)).toBe(1);
    expect(mine.closed - (mineBefore?.closed ?? 0)).toBe(1);
    expect(after.totals.sla.met - before.totals.sla.met).toBe(1);
    expect(after.totals.sla.breached - before.totals.sla.breached).toBe(1);
    expect(after.totals.nps.sent - before.totals.nps.sent).toBe(1);
    expect(after.totals.nps.answered - before.totals.nps.answered).toBe(1);
    expect(after.totals.nps.promoters - before.totals.nps.promoters).toBe(1);
    await f.owner.delete(`/api/v1/inboxes/${f.inboxId}/sla`);
  });
});

describe('reports under a time limit', () => {
  let f: InboxFixture;
  let db: pg.Client;

  beforeAll(async () => {
    f = await startInboxFixture({}, [], { conversation: { CONVERSATION_REPORTS_TIMEOUT_MS: '300' } });
    db = new pg.Client({ connectionString: databaseUrl('inbox_test_conversation') });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await f?.stop();
  });

  it('answers 503 report_timeout when PostgreSQL stops a report at its limit, and counts again after', async () => {
    const query = '/api/v1/reports/summary?from=2026-01-01&to=2026-01-31&groupBy=day';
    expect((await f.owner.get(query)).status).toBe(200);
    // A report that cannot read the versions of its kept days for longer than its limit is stopped by the server.
    await db.query('BEGIN');
    await db.query('LOCK TABLE report_day_versions IN ACCESS EXCLUSIVE MODE');
    try {
      const stopped = await f.owner.get(query);
      expect([stopped.status, stopped.body.error?.code]).toEqual([503, 'report_timeout']);
    } finally {
      await db.query('ROLLBACK');
    }
    expect((await f.owner.get(query)).status).toBe(200);
  });
});
