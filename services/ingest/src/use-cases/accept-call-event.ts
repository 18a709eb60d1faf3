// A telephony provider's voice callbacks (Twilio's form fields, signed with X-Twilio-Signature):
// call status changes, finished recordings (voicemail) and transcriptions. Each becomes one
// InboundMessage keyed by the call and what happened, so a provider's retry is stored once.
import { createHash } from 'node:crypto';
import type { JetStreamClient } from '@nats-io/jetstream';
import { HttpError, messageDirection, publishDurably } from '@inbox/lib';
import { ChannelType } from '@inbox/lib/gen/inbox/common/v1/common';
import { InboundMessage, type CallEvent } from '@inbox/lib/gen/inbox/events/v1/events';
import type { ChannelDirectory, ResolvedChannel } from './ports';
import { twilioSignatureMatches } from '../domain/webhook-signatures';

/** The direction, and its name for conversation services of the previous release. */
const callDirection = (name: 'inbound' | 'outbound') => ({ direction: messageDirection.toProto(name), directionName: name });

const CALL_STATUSES = new Set(['queued', 'initiated', 'ringing', 'in-progress', 'completed', 'busy', 'no-answer', 'failed', 'canceled']);
const SID = /^[A-Za-z0-9]{10,64}$/;
export const USER_ID = /^usr_[\w-]{1,64}$/;

export class CallEvents {
  constructor(
    private readonly channels: ChannelDirectory,
    private readonly js: JetStreamClient,
  ) {}

  /** The phone channel a callback is for, once its signature proves the provider sent it. */
  async verify(channelId: string, url: string, params: Record<string, string>, signature: string | undefined): Promise<ResolvedChannel> {
    const channel = /^chn_[\w-]{1,64}$/.test(channelId) ? await this.channels.resolve(ChannelType.CHANNEL_TYPE_PHONE, { channelId }) : null;
    if (!channel) throw new HttpError(404, 'channel_not_found', 'no phone channel with this id');
    if (!signature) throw new HttpError(401, 'signature_required', 'the X-Twilio-Signature header is missing');
    if (!channel.secret || !twilioSignatureMatches(url, params, signature, channel.secret)) throw new HttpError(401, 'invalid_signature', 'X-Twilio-Signature does not match the request');
    return channel;
  }

  async accept(
    channelId: string,
    url: string,
    params: Record<string, string>,
    signature: string | undefined,
    callId = '',
  ): Promise<{ id: string; duplicate: boolean; status: string; channel: ResolvedChannel }> {
    const channel = await this.verify(channelId, url, params, signature);
    const callSid = params.CallSid ?? '';
    if (!SID.test(callSid)) throw new HttpError(400, 'invalid_call_sid', 'CallSid is missing or malformed');
    if (callId && !/^cal_[\w-]{1,64}$/.test(callId)) throw new HttpError(400, 'invalid_call_id', 'the call query parameter is malformed');
    const kind = params.TranscriptionText !== undefined || params.TranscriptionStatus !== undefined ? 'transcription' : params.RecordingUrl ? 'recording' : 'status';
    const status = params.CallStatus ?? '';
    if (kind === 'status' && !CALL_STATUSES.has(status)) throw new HttpError(400, 'invalid_call_status', `CallStatus must be one of ${[...CALL_STATUSES].join(', ')}`);
    if (kind === 'recording' && !/^https?:\/\//.test(params.RecordingUrl)) throw new HttpError(400, 'invalid_recording_url', 'RecordingUrl must be an http(s) URL');
    const duration = Number.parseInt(params.CallDuration ?? params.RecordingDuration ?? '0', 10);
    const distinct = kind === 'status' ? status : kind === 'recording' ? params.RecordingSid || params.RecordingUrl : params.TranscriptionSid || 'transcript';
    const eventId = `call_${createHash('sha256').update(`${channel.channelId}\u0000${callSid}\u0000${kind}\u0000${distinct}`).digest('hex').slice(0, 40)}`;
    const ack = await this.publish(channel, eventId, {
      callSid,
      status,
      from: (params.From ?? '').slice(0, 64),
      to: (params.To ?? '').slice(0, 64),
      durationSeconds: Number.isFinite(duration) && duration > 0 ? duration : 0,
      recordingUrl: kind === 'recording' ? params.RecordingUrl : '',
      transcript: kind === 'transcription' ? (params.TranscriptionText ?? '').slice(0, 100_000) : '',
      ...callDirection((params.Direction ?? 'inbound').startsWith('outbound') ? 'outbound' : 'inbound'),
      kind,
      recordingSid: params.RecordingSid ?? '',
      callId,
      answeredByUserId: '',
    });
    return { id: eventId, duplicate: ack.duplicate, status, channel };
  }

  /** An agent's phone picked up an inbound call we rang them for (the provider's request on their leg names the caller's call as its parent). */
  async answered(channel: ResolvedChannel, params: Record<string, string>, userId: string): Promise<void> {
    const callSid = params.ParentCallSid ?? '';
    if (!SID.test(callSid)) throw new HttpError(400, 'invalid_call_sid', 'ParentCallSid is missing or malformed');
    if (!USER_ID.test(userId)) throw new HttpError(400, 'invalid_answered_by', 'the answeredBy query parameter is malformed');
    const eventId = `call_${createHash('sha256').update(`${channel.channelId}\u0000${callSid}\u0000answered\u0000${userId}`).digest('hex').slice(0, 40)}`;
    await this.publish(channel, eventId, {
      callSid,
      status: 'in-progress',
      from: '',
      to: '',
      durationSeconds: 0,
      recordingUrl: '',
      transcript: '',
      ...callDirection('inbound'),
      kind: 'answered',
      recordingSid: '',
      callId: '',
      answeredByUserId: userId,
    });
  }

  private async publish(channel: ResolvedChannel, eventId: string, call: CallEvent) {
    const event = InboundMessage.encode({
      eventId,
      accountId: channel.accountId,
      inboxId: channel.inboxId,
      channelId: channel.channelId,
      channelType: ChannelType.CHANNEL_TYPE_PHONE,
      receivedAt: new Date(),
      call,
    }).finish();
    return publishDurably(this.js, 'ingest.inbound.call', event, { msgId: eventId });
  }
}
