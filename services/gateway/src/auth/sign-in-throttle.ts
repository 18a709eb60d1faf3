// Failed sign-ins counted per email and per client in Redis (shared by every gateway replica).
// Once either count reaches its limit, every attempt — the right password included — is refused
// until the window that began with the first failure has passed.
import { createHash } from 'node:crypto';
import type { RedisClient } from '@inbox/lib';

export interface ThrottleLimits {
  perEmail: number;
  perClient: number;
  windowSeconds: number;
}

export class SignInThrottle {
  constructor(
    private readonly redis: RedisClient,
    private readonly limits: ThrottleLimits,
  ) {}

  private keys(email: string, client: string): { key: string; limit: number }[] {
    const hashed = createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 32);
    return [
      { key: `signin:fail:email:${hashed}`, limit: this.limits.perEmail },
      { key: `signin:fail:client:${client}`, limit: this.limits.perClient },
    ];
  }

  /** Seconds to wait before another attempt may be checked; 0 when it may go ahead. */
  async retryAfter(email: string, client: string): Promise<number> {
    let wait = 0;
    for (const { key, limit } of this.keys(email, client)) {
      const count = Number((await this.redis.get(key)) ?? 0);
      if (count >= limit) wait = Math.max(wait, Math.max(await this.redis.ttl(key), 1));
    }
    return wait;
  }

  async failed(email: string, client: string): Promise<void> {
    for (const { key } of this.keys(email, client)) {
      await this.redis.multi().incr(key).expire(key, this.limits.windowSeconds, 'NX').exec();
    }
  }
}
