// A fixed-window counter in Redis, shared by every ingest replica: at most `limit` events per
// key in each window. It answers how long to wait (0: go ahead).
import type { RateLimits } from '../use-cases/ports';
import type { RedisClient } from '@inbox/lib';

export class RateLimiter implements RateLimits {
  constructor(
    private readonly redis: RedisClient,
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  async take(key: string): Promise<number> {
    const window = Math.floor(Date.now() / this.windowMs);
    const counter = `ratelimit:${key}:${window}`;
    const [count] = (await this.redis.multi().incr(counter).pExpire(counter, this.windowMs * 2).exec()) as unknown as [number];
    return Number(count) > this.limit ? (window + 1) * this.windowMs - Date.now() : 0;
  }
}
