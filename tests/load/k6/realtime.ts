// The agents' real-time WebSocket: connect, authenticate, and measure how soon a new inbound
// message arrives as an event. Needs the real-time channel of the notification issue.
import http from 'k6/http';
import ws from 'k6/ws';
import { check } from 'k6';
import { Trend } from 'k6/metrics';
import { GATEWAY, INGEST, SLO, auth, createFixture, rawEmail, type Fixture } from './lib/config.ts';

const timeToInbox = new Trend('inbox_time_to_agent', true);

export const options = {
  vus: Number(__ENV.AGENTS || 20),
  duration: __ENV.DURATION || '1m',
  thresholds: { inbox_time_to_agent: [SLO.timeToInboxP50, SLO.timeToInboxP99], checks: ['rate>0.99'] },
};

export function setup(): Fixture {
  return createFixture();
}

export default function (f: Fixture): void {
  const { ticket } = http.post(`${GATEWAY}/api/v1/realtime/tickets`, null, auth(f.token)).json() as { ticket: string };
  const url = `${GATEWAY.replace('http', 'ws')}/api/v1/realtime?ticket=${ticket}`;
  const response = ws.connect(url, {}, (socket) => {
    let sentAt = 0;
    socket.on('open', () => {
      sentAt = Date.now();
      http.post(`${INGEST}/ingest/v1/email?to=${encodeURIComponent(f.address)}`, rawEmail(`rt-${__VU}@load.example`, f.address, `rt ${__VU}-${__ITER}`, 'live?'), {
        headers: { 'Content-Type': 'message/rfc822' },
      });
    });
    socket.on('message', (data: string) => {
      const event = JSON.parse(data) as { type: string };
      if (event.type === 'message.created') {
        timeToInbox.add(Date.now() - sentAt);
        socket.close();
      }
    });
    socket.setTimeout(() => socket.close(), 10_000);
  });
  check(response, { 'websocket upgraded': (r) => !!r && r.status === 101 });
}
