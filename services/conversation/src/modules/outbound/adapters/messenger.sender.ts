// Messenger replies through the Graph Send API (base URL configurable), signed with the page
// access token and its appsecret_proof. Meta's refusals (such as a reply outside the 24-hour
// messaging window) are permanent and surface on the message; throttling and outages are retried.
import { createHmac } from 'node:crypto';
import { PermanentDeliveryError, type DueMessage, type OutboundSender } from './outbound-delivery.worker';

/** Graph error codes that mean "try again later": unknown, service, too many calls, rate limits. */
const TRANSIENT_CODES = new Set([1, 2, 4, 17, 32, 341, 613]);

interface GraphError {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  is_transient?: boolean;
}

export class MessengerSender implements OutboundSender {
  constructor(
    private readonly graphUrl: string,
    private readonly timeoutMs = 15_000,
  ) {}

  async send(message: DueMessage): Promise<{ externalId?: string }> {
    const token = message.send_token;
    if (!token) throw new PermanentDeliveryError('the Messenger channel has no page access token, so replies cannot be sent');
    const psid = message.thread_key?.split(':')[1];
    if (!psid) throw new PermanentDeliveryError('this conversation has no Messenger recipient');
    const query = new URLSearchParams({ access_token: token });
    if (message.channel_secret) query.set('appsecret_proof', createHmac('sha256', message.channel_secret).update(token).digest('hex'));
    let response: Response;
    try {
      response = await fetch(`${this.graphUrl}/me/messages?${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ recipient: { id: psid }, messaging_type: 'RESPONSE', message: { text: message.text_body } }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new Error(`the Graph API could not be reached: ${(error as Error).message}`, { cause: error });
    }
    const body = (await response.json().catch(() => ({}))) as { message_id?: string; error?: GraphError };
    if (response.ok && body.message_id) return { externalId: body.message_id };
    const error = body.error;
    const reason = error?.message
      ? `Messenger refused the message: ${error.message} (code ${error.code ?? '?'}${error.error_subcode ? `, subcode ${error.error_subcode}` : ''})`
      : `the Graph API answered ${response.status}`;
    const transient = response.status >= 500 || response.status === 429 || error?.is_transient === true || TRANSIENT_CODES.has(error?.code ?? -1);
    if (transient) throw new Error(reason);
    throw new PermanentDeliveryError(reason);
  }
}
