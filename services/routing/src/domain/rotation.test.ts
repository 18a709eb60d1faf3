import { capacityFor, rotation } from './rotation';

describe('rotation', () => {
  it('starts after the last assigned user and wraps around', () => {
    expect(rotation(['c', 'a', 'b'], null)).toEqual(['a', 'b', 'c']);
    expect(rotation(['c', 'a', 'b'], 'a')).toEqual(['b', 'c', 'a']);
    expect(rotation(['c', 'a', 'b'], 'c')).toEqual(['a', 'b', 'c']);
    // The last one left the rule: continue with whoever comes after them.
    expect(rotation(['a', 'c', 'd'], 'b')).toEqual(['c', 'd', 'a']);
    expect(rotation(['a', 'a', 'b'], null)).toEqual(['a', 'b']);
  });

  it('gives 300 turns over five users exactly 60 each', () => {
    const users = ['u1', 'u2', 'u3', 'u4', 'u5'];
    const counts = new Map<string, number>();
    let last: string | null = null;
    for (let i = 0; i < 300; i += 1) {
      last = rotation(users, last)[0];
      counts.set(last, (counts.get(last) ?? 0) + 1);
    }
    expect([...counts.values()]).toEqual([60, 60, 60, 60, 60]);
  });

  it('picks the capacity of the channel’s kind', () => {
    const rule = { chatCapacity: 3, emailCapacity: 10 };
    expect(['chat', 'messenger', 'email', 'form', 'phone'].map((c) => capacityFor(rule, c))).toEqual([3, 3, 10, 10, 10]);
  });
});
