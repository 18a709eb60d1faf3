// An inbound storm: raw email, form posts and chat messages at a fixed arrival rate. Business
// check: accepted messages become visible in the inbox list.
import http from 'k6/http';
import { check, sleep } from 'k6';
import { Counter } from 'k6/metrics';
import { GATEWAY, INGEST, SLO, auth, createFixture, json, rawEmail, type Fixture } from './lib/config.ts';

const accepted = new Counter('inbox_accepted_messages');

export const options = {
  scenarios: {
    storm: { executor: 'constant-arrival-rate', rate: Number(__ENV.RATE || 200), timeUnit: '1s', duration: __ENV.DURATION || '1m', preAllocatedVUs: 50, maxVUs: 200 },
  },
  thresholds: {
    'http_req_duration{kind:accept}': [SLO.acceptP95, SLO.acceptP99],
    http_req_failed: [SLO.errorRate],
    checks: ['rate>0.99'],
  },
};

export function setup(): Fixture & { visitorToken: string; sessionId: string } {
  const f = createFixture();
  const session = http.post(`${INGEST}/ingest/v1/chat/${f.widgetId}/sessions`, JSON.stringify({ name: 'k6 visitor' }), json({})).json() as { sessionId: string; visitorToken: string };
  return { ...f, ...session };
}

export default function (f: Fixture & { visitorToken: string; sessionId: string }): void {
  const kind = __ITER % 3;
  const params = { tags: { kind: 'accept' } };
  let response;
  if (kind === 0) {
    response = http.post(`${INGEST}/ingest/v1/email?to=${encodeURIComponent(f.address)}`, rawEmail(`storm-${__VU}@load.example`, f.address, `storm ${__VU}-${__ITER}`, 'storm'), {
      ...params,
      headers: { 'Content-Type': 'message/rfc822' },
    });
  } else if (kind === 1) {
    response = http.post(`${INGEST}/ingest/v1/forms/${f.formId}`, JSON.stringify({ email: `form-${__VU}@load.example`, message: `form ${__ITER}` }), { ...params, headers: { 'Content-Type': 'application/json' } });
  } else {
    response = http.post(`${INGEST}/ingest/v1/chat/sessions/${f.sessionId}/messages`, JSON.stringify({ text: `chat ${__VU}-${__ITER}` }), {
      ...params,
      headers: { 'Content-Type': 'application/json', 'X-Visitor-Token': f.visitorToken },
    });
  }
  if (check(response, { 'accepted (202)': (r) => r.status === 202 })) accepted.add(1);
}

export function teardown(f: Fixture): void {
  sleep(5);
  const views = http.get(`${GATEWAY}/api/v1/inboxes/${f.inboxId}/views`, auth(f.token)).json() as { id: string; count: number }[];
  const open = views.find((v) => v.id === 'open')?.count ?? 0;
  check(open, { 'accepted messages are visible in the inbox': (n) => n > 0 });
}
