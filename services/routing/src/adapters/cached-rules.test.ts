import { CachedRules } from './cached-rules';
import type { Rule } from '../use-cases/ports';

const rule = (inboxId: string, mode: Rule['mode']): Rule => ({ inboxId, mode, userIds: [], teamIds: [], chatCapacity: 0, emailCapacity: 0 });

describe('cached routing rules', () => {
  it('reads an account’s rules once, until they change or grow old', async () => {
    let reads = 0;
    let now = 0;
    let stored = new Map([['inb_1', rule('inb_1', 'round_robin')]]);
    const cache = new CachedRules({ rules: async () => (reads++, stored) }, 30_000, () => now);
    expect((await cache.rule('acc', 'inb_1')).mode).toBe('round_robin');
    expect((await cache.rule('acc', 'inb_2')).mode).toBe('none');
    expect(await cache.hasRules('acc')).toBe(true);
    expect(reads).toBe(1);
    stored = new Map([['inb_1', rule('inb_1', 'none')]]);
    cache.invalidate('acc');
    expect(await cache.hasRules('acc')).toBe(false);
    expect(reads).toBe(2);
    now += 30_001;
    await cache.rules('acc');
    expect(reads).toBe(3);
  });

  it('does not keep a failed read', async () => {
    let fail = true;
    const cache = new CachedRules({ rules: async () => (fail ? Promise.reject(new Error('down')) : new Map()) });
    await expect(cache.rules('acc')).rejects.toThrow('down');
    fail = false;
    expect(await cache.hasRules('acc')).toBe(false);
  });
});
