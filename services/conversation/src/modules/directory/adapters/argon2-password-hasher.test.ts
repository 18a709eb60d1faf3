import { Argon2PasswordHasher } from './argon2-password-hasher';

describe('Argon2PasswordHasher', () => {
  it('hashes a burst at most two at a time, and every hash of it verifies its own password only', async () => {
    const hasher = new Argon2PasswordHasher(2);
    let most = 0;
    let done = false;
    const watch = (async () => {
      while (!done) {
        most = Math.max(most, hasher.inFlight);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const hashes = await Promise.all(Array.from({ length: 6 }, (_, i) => hasher.hash(`password number ${i}`)));
    const checks = await Promise.all([hasher.verify(hashes[3], 'password number 3'), hasher.verify(hashes[3], 'password number 4'), hasher.verify(null, 'password number 3')]);
    done = true;
    await watch;
    expect(most).toBe(2);
    expect(new Set(hashes).size).toBe(6);
    expect(checks).toEqual([true, false, false]);
    expect(hasher.inFlight).toBe(0);
  });
});
