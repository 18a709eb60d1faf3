// Outbound calls through the telephony provider's REST API (Twilio's Calls resource, base URL
// configurable). The provider's status callbacks come back to ingest with our call id in the URL,
// so they land on the conversation the call was placed from.
import { PermanentDeliveryError, type DueMessage, type OutboundSender } from './outbound-delivery.worker';

const ANSWERED = '<Response><Say>Hello, this is a call from our support team. Please hold.</Say><Pause length="2"/></Response>';

export class TelephonySender implements OutboundSender {
  constructor(
    private readonly apiUrl: string,
    private readonly callbackBaseUrl: string,
    private readonly timeoutMs = 15_000,
  ) {}

  async send(message: DueMessage): Promise<{ externalId?: string }> {
    const accountSid = message.channel_settings?.providerAccountSid;
    if (typeof accountSid !== 'string' || !accountSid) throw new PermanentDeliveryError('the phone channel has no provider account, so it cannot place calls');
    if (!message.channel_secret || !message.channel_key || !message.call_to) throw new PermanentDeliveryError('the call has no number to call from or to');
    const form = new URLSearchParams({
      To: message.call_to,
      From: message.channel_key,
      Twiml: ANSWERED,
      StatusCallback: `${this.callbackBaseUrl}/ingest/v1/calls/${message.channel_id}/events?call=${message.call_id}`,
      StatusCallbackMethod: 'POST',
    });
    for (const event of ['initiated', 'ringing', 'answered', 'completed']) form.append('StatusCallbackEvent', event);
    let response: Response;
    try {
      response = await fetch(`${this.apiUrl}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Calls.json`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${accountSid}:${message.channel_secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: form,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new Error(`the telephony API could not be reached: ${(error as Error).message}`, { cause: error });
    }
    const body = (await response.json().catch(() => ({}))) as { sid?: string; message?: string; code?: number };
    if (response.ok && body.sid) return { externalId: body.sid };
    const reason = body.message ? `the provider refused the call: ${body.message}${body.code ? ` (code ${body.code})` : ''}` : `the telephony API answered ${response.status}`;
    if (response.status >= 500 || response.status === 429) throw new Error(reason);
    throw new PermanentDeliveryError(reason);
  }
}
