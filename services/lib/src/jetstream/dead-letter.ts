// The dead-letter stream: a failed message is copied there unchanged with headers saying where
// it came from and why it failed; an operator lists them and replays them onto their subject.
import type { JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/nats-core';
import { STREAMS, type ConsumerSpec } from './streams';

export const DLQ_HEADERS = {
  stream: 'Inbox-Dlq-Stream',
  subject: 'Inbox-Dlq-Subject',
  consumer: 'Inbox-Dlq-Consumer',
  sequence: 'Inbox-Dlq-Stream-Seq',
  deliveries: 'Inbox-Dlq-Deliveries',
  error: 'Inbox-Dlq-Error',
  failedAt: 'Inbox-Dlq-Failed-At',
} as const;

export async function deadLetter(js: JetStreamClient, msg: JsMsg, spec: ConsumerSpec, reason: string): Promise<void> {
  const headers = natsHeaders();
  if (msg.headers) {
    for (const [key, values] of msg.headers) {
      if (key === 'Nats-Msg-Id') continue;
      for (const value of values) headers.append(key, value);
    }
  }
  headers.set(DLQ_HEADERS.stream, spec.stream);
  headers.set(DLQ_HEADERS.subject, msg.subject);
  headers.set(DLQ_HEADERS.consumer, spec.durable);
  headers.set(DLQ_HEADERS.sequence, String(msg.info.streamSequence));
  headers.set(DLQ_HEADERS.deliveries, String(msg.info.deliveryCount));
  headers.set(DLQ_HEADERS.error, reason.replace(/[\r\n]+/g, ' ').slice(0, 1000));
  headers.set(DLQ_HEADERS.failedAt, new Date().toISOString());
  await js.publish(`dlq.${spec.stream}.${spec.durable}`, msg.data, {
    msgID: `dlq:${spec.durable}:${msg.info.streamSequence}`,
    headers,
  });
}

export interface DeadLetterEntry {
  dlqSequence: number;
  stream: string;
  subject: string;
  consumer: string;
  originalSequence: number;
  deliveries: number;
  error: string;
  failedAt: string;
  size: number;
}

export async function listDeadLetters(jsm: JetStreamManager, consumer?: string): Promise<DeadLetterEntry[]> {
  const info = await jsm.streams.info(STREAMS.deadLetter.name);
  const entries: DeadLetterEntry[] = [];
  if (info.state.messages === 0) return entries;
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    const stored = await jsm.streams.getMessage(STREAMS.deadLetter.name, { seq }).catch(() => null);
    if (!stored) continue;
    const h = stored.header;
    const entry: DeadLetterEntry = {
      dlqSequence: seq,
      stream: h.get(DLQ_HEADERS.stream),
      subject: h.get(DLQ_HEADERS.subject),
      consumer: h.get(DLQ_HEADERS.consumer),
      originalSequence: Number(h.get(DLQ_HEADERS.sequence)),
      deliveries: Number(h.get(DLQ_HEADERS.deliveries)),
      error: h.get(DLQ_HEADERS.error),
      failedAt: h.get(DLQ_HEADERS.failedAt),
      size: stored.data.length,
    };
    if (!consumer || entry.consumer === consumer) entries.push(entry);
  }
  return entries;
}

/** Publishes a dead letter back onto its original subject and removes it from the DLQ. */
export async function replayDeadLetter(js: JetStreamClient, jsm: JetStreamManager, dlqSequence: number): Promise<void> {
  const stored = await jsm.streams.getMessage(STREAMS.deadLetter.name, { seq: dlqSequence });
  if (!stored) throw new Error(`dead letter ${dlqSequence} not found`);
  const subject = stored.header.get(DLQ_HEADERS.subject);
  if (!subject) throw new Error(`dead letter ${dlqSequence} has no original subject`);
  const headers = natsHeaders();
  const dlqHeaderNames = new Set<string>(Object.values(DLQ_HEADERS));
  for (const [key, values] of stored.header) {
    if (dlqHeaderNames.has(key) || key === 'Nats-Msg-Id') continue;
    for (const value of values) headers.append(key, value);
  }
  headers.set('Inbox-Replayed-From-Dlq', String(dlqSequence));
  await js.publish(subject, stored.data, { msgID: `replay:${dlqSequence}`, headers });
  await jsm.streams.deleteMessage(STREAMS.deadLetter.name, dlqSequence);
}
