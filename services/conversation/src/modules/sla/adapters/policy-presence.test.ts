import type { Pool } from '@inbox/lib';
import { CachedPolicyPresence } from './policy-presence';

describe('which accounts have service-level policies', () => {
  it('asks the database once per account until a save or its lifetime drops the answer', async () => {
    let queries = 0;
    let stored = false;
    const pool = { query: async () => (queries++, { rows: [{ any: stored }] }) } as unknown as Pool;
    let now = 0;
    const presence = new CachedPolicyPresence(pool, undefined, 5_000, () => now);
    expect(await presence.anyPolicy('acc_1')).toBe(false);
    stored = true;
    expect(await presence.anyPolicy('acc_1')).toBe(false);
    expect(queries).toBe(1);
    presence.changed('acc_1');
    expect(await presence.anyPolicy('acc_1')).toBe(true);
    stored = false;
    now = 5_001;
    expect(await presence.anyPolicy('acc_1')).toBe(false);
    expect(queries).toBe(3);
  });
});
