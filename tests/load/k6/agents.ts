// Agents working the inbox: list views, open a conversation, reply, comment, search.
// Business checks: a reply gives an unassigned conversation an owner.
import http from 'k6/http';
import { check, group, sleep } from 'k6';
import { Trend } from 'k6/metrics';
import { GATEWAY, INGEST, SLO, auth, createFixture, json, rawEmail, type Fixture } from './lib/config.ts';

const openTime = new Trend('inbox_open_conversation', true);

export const options = {
  scenarios: {
    agents: { executor: 'ramping-vus', startVUs: 1, stages: [{ duration: '30s', target: 20 }, { duration: '1m', target: 20 }, { duration: '15s', target: 0 }] },
  },
  thresholds: {
    'http_req_duration{kind:read}': [SLO.readP95, SLO.readP99],
    'http_req_duration{kind:write}': [SLO.writeP95, SLO.writeP99],
    inbox_open_conversation: [SLO.readP99],
    'http_req_duration{kind:search}': [SLO.searchP99],
    http_req_failed: [SLO.errorRate],
    checks: ['rate>0.99'],
  },
};

export function setup(): Fixture {
  const f = createFixture();
  for (let i = 0; i < 200; i++) {
    http.post(`${INGEST}/ingest/v1/email?to=${encodeURIComponent(f.address)}`, rawEmail(`customer-${i}@load.example`, f.address, `Question ${i}`, 'Where is my order?'), {
      headers: { 'Content-Type': 'message/rfc822' },
    });
  }
  sleep(5);
  return f;
}

export default function (f: Fixture): void {
  const read = { ...auth(f.token), tags: { kind: 'read' } };
  const write = { ...json({}, f.token), tags: { kind: 'write' } };
  let conversationId = '';
  group('list views', () => {
    check(http.get(`${GATEWAY}/api/v1/inboxes/${f.inboxId}/views`, read), { 'views 200': (r) => r.status === 200 });
    const list = http.get(`${GATEWAY}/api/v1/inboxes/${f.inboxId}/conversations?view=unassigned&limit=25`, read);
    check(list, { 'list 200': (r) => r.status === 200 });
    const items = (list.json('items') as { id: string }[]) ?? [];
    conversationId = items.length ? items[Math.floor(Math.random() * items.length)].id : '';
  });
  if (!conversationId) return;
  group('open, reply, comment', () => {
    const opened = http.get(`${GATEWAY}/api/v1/conversations/${conversationId}`, read);
    openTime.add(opened.timings.duration);
    check(opened, { 'open 200': (r) => r.status === 200 });
    const reply = http.post(`${GATEWAY}/api/v1/conversations/${conversationId}/messages`, JSON.stringify({ text: 'We are looking into it.' }), write);
    check(reply, { 'reply 201': (r) => r.status === 201 });
    const after = http.get(`${GATEWAY}/api/v1/conversations/${conversationId}`, read);
    check(after, { 'the conversation got an owner': (r) => (r.json('assignee.id') as string | null) === f.userId });
    check(http.post(`${GATEWAY}/api/v1/conversations/${conversationId}/comments`, JSON.stringify({ text: 'note from k6' }), write), { 'comment 201': (r) => r.status === 201 });
  });
  group('search', () => {
    const search = http.get(`${GATEWAY}/api/v1/search?q=order&inboxId=${f.inboxId}`, { ...auth(f.token), tags: { kind: 'search' } });
    check(search, {
      'search 200': (r) => r.status === 200,
      'the stored messages are searchable': (r) => ((r.json('items') as unknown[] | undefined) ?? []).length > 0,
    });
  });
  sleep(1);
}
