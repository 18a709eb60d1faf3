import { SessionCache } from './session-cache';
import type { AuthenticatedUser } from '../http/authenticate';

const user = (id: string, sessionId: string, role: AuthenticatedUser['role'] = 'agent'): AuthenticatedUser => ({ id, accountId: 'acc_1', name: id, email: `${id}@x.test`, role, sessionId });

describe('the session cache', () => {
  let clock = 0;
  const now = () => clock;

  it('asks once per session within its lifetime, and again after it', async () => {
    const load = jest.fn(async (_accountId: string, sessionId: string) => user('usr_1', sessionId));
    const cache = new SessionCache(load, 1000, 100, now);
    clock = 0;
    await cache.resolve('acc_1', 'ses_1');
    await cache.resolve('acc_1', 'ses_1');
    expect(load).toHaveBeenCalledTimes(1);
    clock = 1001;
    await cache.resolve('acc_1', 'ses_1');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('shares one load between concurrent requests', async () => {
    let release!: () => void;
    const load = jest.fn(() => new Promise<AuthenticatedUser>((resolve) => (release = () => resolve(user('usr_1', 'ses_1')))));
    const cache = new SessionCache(load, 1000, 100, now);
    const both = Promise.all([cache.resolve('acc_1', 'ses_1'), cache.resolve('acc_1', 'ses_1')]);
    release();
    await both;
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("forgets every session of a user whose sessions changed, and nobody else's", async () => {
    const load = jest.fn(async (_accountId: string, sessionId: string) => user(sessionId.startsWith('a') ? 'usr_a' : 'usr_b', sessionId));
    const cache = new SessionCache(load, 60_000, 100, now);
    for (const s of ['a1', 'a2', 'b1']) await cache.resolve('acc_1', s);
    cache.forgetUser('acc_1', 'usr_a');
    for (const s of ['a1', 'a2', 'b1']) await cache.resolve('acc_1', s);
    expect(load.mock.calls.map((c) => c[1])).toEqual(['a1', 'a2', 'b1', 'a1', 'a2']);
  });

  it('does not keep an answer that was loading while the user changed', async () => {
    let release!: (u: AuthenticatedUser) => void;
    const load = jest.fn(() => new Promise<AuthenticatedUser>((resolve) => (release = resolve)));
    const cache = new SessionCache(load, 60_000, 100, now);
    const first = cache.resolve('acc_1', 'ses_1');
    cache.forgetUser('acc_1', 'usr_1');
    release(user('usr_1', 'ses_1', 'admin'));
    expect((await first).role).toBe('admin');
    expect(cache.size).toBe(0);
  });

  it('passes a refusal through and remembers nothing', async () => {
    const load = jest.fn(async () => {
      throw new Error('session_not_found');
    });
    const cache = new SessionCache(load, 60_000, 100, now);
    await expect(cache.resolve('acc_1', 'ses_gone')).rejects.toThrow('session_not_found');
    await expect(cache.resolve('acc_1', 'ses_gone')).rejects.toThrow('session_not_found');
    expect(load).toHaveBeenCalledTimes(2);
  });
});
