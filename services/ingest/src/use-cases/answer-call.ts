// What ingest tells the telephony provider to do with an inbound call: ring the agents who could
// take it (one after another or all at once, as the phone channel says), and take a voicemail
// only when nobody picks up. Which agents were rung travels in the signed callback URL, so any
// ingest replica can carry on where another left off.
import type { Logger } from '@inbox/lib';
import { EMPTY_TWIML, HANGUP_TWIML, VOICEMAIL_TWIML, answeredTwiml, dialTwiml, dialWasAnswered, type DialTarget } from '../domain/twiml';
import { USER_ID, type CallEvents } from './accept-call-event';

type PhoneChannel = Awaited<ReturnType<CallEvents['verify']>>;

/** Whom a call to an inbox rings now, in order (routing decides). */
export interface RingTargets {
  list(accountId: string, inboxId: string, caller: string): Promise<DialTarget[]>;
}

export interface CallCallback {
  channelId: string;
  /** The URL the provider called, as it signed it. */
  url: string;
  /** This channel's callback URL without a query, to build the next callbacks from. */
  eventsUrl: string;
  params: Record<string, string>;
  signature: string | undefined;
  query: { call?: string; ring?: string; answeredBy?: string };
}

const DEFAULT_RING_SECONDS = 20;
/** One at a time, a caller waits for at most this many agents before the voicemail. */
const MAX_SEQUENTIAL_RINGS = 8;
/** How many phones ring together at most (the provider's limit for one dial is 10). */
const MAX_SIMULTANEOUS_RINGS = 10;

export class AnswerCall {
  constructor(
    private readonly events: CallEvents,
    private readonly targets: RingTargets | undefined,
    private readonly logger: Logger,
  ) {}

  async handle(callback: CallCallback): Promise<string> {
    const { channelId, url, params, signature, query } = callback;
    if (query.answeredBy !== undefined) {
      const channel = await this.events.verify(channelId, url, params, signature);
      await this.events.answered(channel, params, query.answeredBy);
      return answeredTwiml(channel.name ?? '');
    }
    if (query.ring !== undefined) {
      const channel = await this.events.verify(channelId, url, params, signature);
      if (dialWasAnswered(params.DialCallStatus)) return HANGUP_TWIML;
      const rung = query.ring.split(',').filter((id) => USER_ID.test(id)).slice(0, MAX_SEQUENTIAL_RINGS);
      if (channel.ringStrategy === 'simultaneous' || rung.length >= MAX_SEQUENTIAL_RINGS) return VOICEMAIL_TWIML;
      return this.ring(channel, callback.eventsUrl, rung, params.From ?? '');
    }
    const result = await this.events.accept(channelId, url, params, signature, query.call ?? '');
    const newInboundCall = result.status === 'ringing' && !(params.Direction ?? 'inbound').startsWith('outbound');
    return newInboundCall ? this.ring(result.channel, callback.eventsUrl, [], params.From ?? '') : EMPTY_TWIML;
  }

  /** The next ring: the available agents not rung yet, or the voicemail when there are none. */
  private async ring(channel: PhoneChannel, eventsUrl: string, rung: string[], caller: string): Promise<string> {
    const candidates = (await this.availableTargets(channel, caller)).filter((t) => !rung.includes(t.userId));
    if (candidates.length === 0) return VOICEMAIL_TWIML;
    const ringing = channel.ringStrategy === 'simultaneous' ? candidates.slice(0, MAX_SIMULTANEOUS_RINGS) : candidates.slice(0, 1);
    const withQuery = (name: string, value: string) => `${eventsUrl}?${new URLSearchParams({ [name]: value })}`;
    return dialTwiml({
      targets: ringing,
      timeoutSeconds: channel.ringSeconds || DEFAULT_RING_SECONDS,
      actionUrl: withQuery('ring', [...rung, ...ringing.map((t) => t.userId)].join(',')),
      answeredUrl: (target) => withQuery('answeredBy', target.userId),
    });
  }

  private async availableTargets(channel: PhoneChannel, caller: string): Promise<DialTarget[]> {
    if (!this.targets) return [];
    try {
      return await this.targets.list(channel.accountId, channel.inboxId, caller);
    } catch (error) {
      // A caller is never left hanging on routing: without an answer the call goes to voicemail.
      this.logger.warn({ error: (error as Error).message, channelId: channel.channelId }, 'ring targets unknown; the call goes to voicemail');
      return [];
    }
  }
}
