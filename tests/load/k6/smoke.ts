// Smoke: is the stack up and does the main path work at all? One VU, a few iterations.
import http from 'k6/http';
import { check, sleep } from 'k6';
import { GATEWAY, GATEWAY_OPS, INGEST, INGEST_OPS, SLO, auth, createFixture, rawEmail, type Fixture } from './lib/config.ts';

export const options = {
  vus: 1,
  iterations: 5,
  thresholds: { http_req_failed: [SLO.errorRate], http_req_duration: [SLO.readP95] },
};

export function setup(): Fixture {
  for (const url of [`${GATEWAY_OPS}/readyz`, `${INGEST_OPS}/readyz`]) {
    check(http.get(url), { [`${url} ready`]: (r) => r.status === 200 });
  }
  return createFixture();
}

export default function (f: Fixture): void {
  const accepted = http.post(`${INGEST}/ingest/v1/email?to=${encodeURIComponent(f.address)}`, rawEmail('smoke@customer.example', f.address, `smoke ${__ITER}`, 'hello'), {
    headers: { 'Content-Type': 'message/rfc822' },
  });
  check(accepted, { 'email accepted (202)': (r) => r.status === 202 });
  const views = http.get(`${GATEWAY}/api/v1/inboxes/${f.inboxId}/views`, auth(f.token));
  check(views, { 'views listed': (r) => r.status === 200 && (r.json() as unknown[]).length >= 13 });
  sleep(1);
}
