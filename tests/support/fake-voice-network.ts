// A local stand-in for a Twilio-style voice network, driving ingest the way the provider does: it
// places an inbound call on the webhook, follows the TwiML it gets back (<Dial> rings numbers;
// a phone that picks up has its <Number url> fetched before the caller is put through, then the
// dial's action URL hears how it went), and reports the call's end. Every request is signed with
// the channel's auth token, as the provider signs them.
import { createHmac, randomInt } from 'node:crypto';

export interface DialRound {
  timeoutSeconds: number;
  numbers: string[];
}

export interface InboundCallResult {
  callSid: string;
  /** Each <Dial> in turn, with the numbers it rang together. */
  rounds: DialRound[];
  answeredNumber?: string;
  /** What the agent heard on picking up. */
  whisper?: string;
  /** The caller was asked to leave a voicemail. */
  voicemail: boolean;
  /** The TwiML after the last dial. */
  last: string;
}

const unescapeXml = (value: string) => value.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))).replace(/&amp;/g, '&');
export const newCallSid = () => `CA${Array.from({ length: 32 }, () => '0123456789abcdef'[randomInt(16)]).join('')}`;

export function twilioSignature(url: string, params: Record<string, string>, token: string): string {
  return createHmac('sha1', token)
    .update(Object.keys(params).sort().reduce((acc, k) => acc + k + params[k], url))
    .digest('base64');
}

function parseDial(twiml: string): { timeoutSeconds: number; action: string; numbers: { url: string; phone: string }[] } | null {
  const dial = /<Dial timeout="(\d+)" action="([^"]+)"[^>]*>(.*?)<\/Dial>/.exec(twiml);
  if (!dial) return null;
  const numbers = [...dial[3].matchAll(/<Number url="([^"]+)"[^>]*>([^<]+)<\/Number>/g)].map((m) => ({ url: unescapeXml(m[1]), phone: unescapeXml(m[2]) }));
  return { timeoutSeconds: Number(dial[1]), action: unescapeXml(dial[2]), numbers };
}

export class FakeVoiceNetwork {
  readonly accountSid = 'AC0123456789abcdef0123456789abcdef';

  constructor(private readonly authToken: string) {}

  async post(url: string, params: Record<string, string>): Promise<{ status: number; text: string }> {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(url, params, this.authToken) },
      body: new URLSearchParams(params),
    });
    return { status: response.status, text: await response.text() };
  }

  private async expectOk(url: string, params: Record<string, string>): Promise<string> {
    const { status, text } = await this.post(url, params);
    if (status !== 200) throw new Error(`the provider's request to ${url} was answered ${status}: ${text}`);
    return text;
  }

  /** Places a call from `from` to `to` and plays it out: `picksUp` says which phones answer when they ring. */
  async inboundCall(input: { eventsUrl: string; from: string; to: string; picksUp: (phone: string) => boolean; talkSeconds?: number }): Promise<InboundCallResult> {
    const callSid = newCallSid();
    const call = { CallSid: callSid, AccountSid: this.accountSid, From: input.from, To: input.to, Direction: 'inbound' };
    let twiml = await this.expectOk(input.eventsUrl, { ...call, CallStatus: 'ringing' });
    const result: InboundCallResult = { callSid, rounds: [], voicemail: false, last: twiml };
    for (let dial = parseDial(twiml); dial; dial = parseDial(twiml)) {
      if (result.rounds.length > 20) throw new Error('ingest kept ringing');
      result.rounds.push({ timeoutSeconds: dial.timeoutSeconds, numbers: dial.numbers.map((n) => n.phone) });
      const answering = dial.numbers.find((n) => input.picksUp(n.phone));
      if (answering) {
        const leg = newCallSid();
        result.answeredNumber = answering.phone;
        result.whisper = await this.expectOk(answering.url, { CallSid: leg, ParentCallSid: callSid, AccountSid: this.accountSid, From: input.from, To: answering.phone, CallStatus: 'in-progress', Direction: 'outbound-dial' });
        twiml = await this.expectOk(dial.action, { ...call, CallStatus: 'in-progress', DialCallStatus: 'completed', DialCallSid: leg, DialCallDuration: String(input.talkSeconds ?? 65) });
      } else {
        twiml = await this.expectOk(dial.action, { ...call, CallStatus: 'in-progress', DialCallStatus: 'no-answer' });
      }
    }
    result.last = twiml;
    result.voicemail = twiml.includes('<Record');
    await this.expectOk(input.eventsUrl, { ...call, CallStatus: 'completed', CallDuration: String(result.answeredNumber ? (input.talkSeconds ?? 65) : 0) });
    return result;
  }
}
