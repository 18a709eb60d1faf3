import argon2 from 'argon2';
import type { PasswordHasher } from '../use-cases/accounts';

// A fixed hash verified when the email is unknown, so both failures take the same time.
const DECOY = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0X4n8cXGIfBRkq0mJ8JzZqXkq8m0kq9X4n8cXGIfBRk';

export class Argon2PasswordHasher implements PasswordHasher {
  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });
  }

  async verify(hash: string | null, password: string): Promise<boolean> {
    try {
      const ok = await argon2.verify(hash ?? DECOY, password);
      return hash !== null && ok;
    } catch {
      return false;
    }
  }
}
