// The voice instructions (TwiML) ingest answers the telephony provider's callbacks with: ring
// agents' phones through <Dial>, take a voicemail, or nothing more.
import { escapeMarkup as escapeXml } from '@inbox/lib';

const document = (body: string) => `<?xml version="1.0" encoding="UTF-8"?><Response>${body}</Response>`;

export const EMPTY_TWIML = document('');
export const HANGUP_TWIML = document('<Hangup/>');
export const VOICEMAIL_TWIML = document(
  '<Say>Thanks for calling. Nobody can take your call right now; please leave a message after the tone.</Say><Record maxLength="180" transcribe="true"/>',
);

export interface DialTarget {
  userId: string;
  phoneNumber: string;
}

/**
 * Rings the targets together for `timeoutSeconds` (one target: rings only them). The provider
 * fetches `answeredUrl(target)` when a target picks up (before the caller is connected) and the
 * action URL when the dial ends, answered or not.
 */
export function dialTwiml(input: { targets: DialTarget[]; timeoutSeconds: number; actionUrl: string; answeredUrl: (target: DialTarget) => string }): string {
  const numbers = input.targets
    .map((target) => `<Number url="${escapeXml(input.answeredUrl(target))}" method="POST">${escapeXml(target.phoneNumber)}</Number>`)
    .join('');
  return document(`<Dial timeout="${input.timeoutSeconds}" action="${escapeXml(input.actionUrl)}" method="POST">${numbers}</Dial>`);
}

/** The whisper an agent hears on picking up, before the caller is put through. */
export const answeredTwiml = (channelName: string): string => document(`<Say>${escapeXml(`A call for ${channelName || 'your inbox'}.`)}</Say>`);

/** The provider's outcome of a <Dial>: whether the person rung took the call. */
export const dialWasAnswered = (dialCallStatus: string | undefined): boolean => dialCallStatus === 'completed' || dialCallStatus === 'answered';
