// A support-form submission: checked against the form's declared fields, kept as structured
// data, and queued as one InboundMessage (its id from the Idempotency-Key when the client sends
// one, so a retried POST is stored once). Against spam: a rate limit per form and client, and
// an optional honeypot field — a submission that fills it in is answered like any other (the
// bot learns nothing) but lands in Spam.
import { createHash, randomUUID } from 'node:crypto';
import type { JetStreamClient } from '@nats-io/jetstream';
import { HttpError, isEmailAddress, publishDurably } from '@inbox/lib';
import { ChannelType } from '@inbox/lib/gen/inbox/common/v1/common';
import { InboundMessage } from '@inbox/lib/gen/inbox/events/v1/events';
import type { ChannelDirectory } from './ports';
import type { RateLimits } from './ports';

const MAX_FIELDS = 50;
const MAX_VALUE = 10_000;

export class AcceptForm {
  constructor(
    private readonly channels: ChannelDirectory,
    private readonly js: JetStreamClient,
    private readonly limiter?: RateLimits,
  ) {}

  async execute(formId: string, body: unknown, idempotencyKey?: string, client = ''): Promise<{ id: string; duplicate: boolean }> {
    const channel = await this.channels.resolve(ChannelType.CHANNEL_TYPE_FORM, formId);
    if (!channel) throw new HttpError(404, 'form_not_found', 'no form with this id');
    if (this.limiter) {
      const wait = await this.limiter.take(`form:${formId}:${client}`);
      if (wait > 0) throw new HttpError(429, 'rate_limited', `too many submissions from this client; try again in ${Math.ceil(wait / 1000)} s`, { retryAfterSeconds: Math.ceil(wait / 1000) });
    }
    const fields = normaliseFields(body);
    const honeypot = channel.honeypotField;
    const honeypotTripped = !!honeypot && !!fields[honeypot]?.trim();
    if (honeypot && honeypot in fields && !honeypotTripped) delete fields[honeypot];
    const declared = channel.fields ?? [];
    if (declared.length > 0) {
      const known = new Set([...declared.map((f) => f.name), ...(honeypot ? [honeypot] : [])]);
      const unknown = Object.keys(fields).filter((name) => !known.has(name));
      if (unknown.length) throw new HttpError(422, 'unknown_fields', `fields not on this form: ${unknown.join(', ')}`, { fields: unknown });
      const missing = declared.filter((f) => f.required && !fields[f.name]?.trim()).map((f) => f.name);
      if (missing.length) throw new HttpError(422, 'missing_fields', `required fields are empty: ${missing.join(', ')}`, { fields: missing });
    }
    if (Object.keys(fields).length === 0) throw new HttpError(400, 'empty_submission', 'the submission has no fields');
    const email = Object.entries(fields).find(([k]) => k.toLowerCase() === 'email')?.[1]?.trim() ?? '';
    if (email && !isEmailAddress(email)) throw new HttpError(422, 'invalid_email', 'the email field is not a valid address', { fields: ['email'] });
    const name = pick(fields, ['name', 'fullname', 'full_name']) || [pick(fields, ['firstname', 'first_name']), pick(fields, ['lastname', 'last_name'])].filter(Boolean).join(' ');
    const submissionId = idempotencyKey ? `key:${idempotencyKey}` : randomUUID();
    const eventId = `fm_${createHash('sha256').update(`${channel.channelId}\u0000${submissionId}`).digest('hex').slice(0, 40)}`;
    const event = InboundMessage.encode({
      eventId,
      accountId: channel.accountId,
      inboxId: channel.inboxId,
      channelId: channel.channelId,
      channelType: ChannelType.CHANNEL_TYPE_FORM,
      receivedAt: new Date(),
      form: { formId, submissionId, fields, email, name, honeypotTripped },
    }).finish();
    const ack = await publishDurably(this.js, 'ingest.inbound.form', event, { msgId: eventId });
    return { id: eventId, duplicate: ack.duplicate };
  }
}

function pick(fields: Record<string, string>, names: string[]): string {
  const entry = Object.entries(fields).find(([k]) => names.includes(k.toLowerCase()));
  return entry?.[1]?.trim() ?? '';
}

function normaliseFields(body: unknown): Record<string, string> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'invalid_body', 'send the fields as a JSON object or a url-encoded form');
  const entries = Object.entries(body as Record<string, unknown>);
  if (entries.length > MAX_FIELDS) throw new HttpError(400, 'too_many_fields', `at most ${MAX_FIELDS} fields`);
  const fields: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (!/^[A-Za-z][\w.-]{0,63}$/.test(name)) throw new HttpError(400, 'invalid_field_name', `field name ${JSON.stringify(name.slice(0, 70))} is not allowed`);
    if (typeof value === 'string') fields[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') fields[name] = String(value);
    else throw new HttpError(400, 'invalid_field_value', `field ${name} must be a string, number or boolean`, { field: name });
    if (fields[name].length > MAX_VALUE) throw new HttpError(413, 'field_too_large', `field ${name} is longer than ${MAX_VALUE} characters`, { field: name });
  }
  return fields;
}
