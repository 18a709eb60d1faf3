// What a single sign-on keeps between sending the browser to the identity provider and its
// return: single use, for ten minutes, never in the browser (only the random state travels).
import type { RedisClient } from '@inbox/lib';

export const SSO_STATE_TTL_SECONDS = 600;
/** Sign-ins one client may start per ten minutes: each keeps a state in Redis until it ends or expires. */
export const SSO_STARTS_PER_CLIENT = 30;

export interface PendingSso {
  email: string;
  accountId: string;
  nonce: string;
  verifier: string;
}

export class SsoStates {
  constructor(private readonly redis: RedisClient) {}

  /** Counts a start by this client; false once it started too many in the window. */
  async allowStart(client: string): Promise<boolean> {
    const key = `sso:starts:${client}`;
    const count = await this.redis.incr(key);
    if (count === 1) await this.redis.expire(key, SSO_STATE_TTL_SECONDS);
    return count <= SSO_STARTS_PER_CLIENT;
  }

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
