// What a single sign-on keeps between sending the browser to the identity provider and its
// return: single use, for ten minutes, never in the browser (only the random state travels).
import type { RedisClient } from '@inbox/lib';

export const SSO_STATE_TTL_SECONDS = 600;

export interface PendingSso {
  email: string;
  accountId: string;
  nonce: string;
  verifier: string;
}

export class SsoStates {
  constructor(private readonly redis: RedisClient) {}

  async keep(state: string, pending: PendingSso): Promise<void> {
    await this.redis.set(`sso:state:${state}`, JSON.stringify(pending), { EX: SSO_STATE_TTL_SECONDS });
  }

  /** The sign-in the state belongs to, once; null for a state we did not issue, one used or expired. */
  async take(state: string): Promise<PendingSso | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(state)) return null;
    const value = await this.redis.getDel(`sso:state:${state}`);
    return value ? (JSON.parse(value) as PendingSso) : null;
  }
}
